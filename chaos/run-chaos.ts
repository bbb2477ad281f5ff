// The chaos run: a mixed workload against `ferry local` while AWS calls fail at random and the stack is SIGKILLed and restarted.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FerryApiError, FerryClient, type ReceivedMessage } from '../client/index.ts';
import { seededRandom } from '../lambda/aws/fault-injection.ts';
import { freePortTriple } from '../test/support/free-ports.ts';
import { startChaosCheckEndpoint } from './check-endpoint.ts';
import { Ledger, type ChaosFigures, type FinalState } from './ledger.ts';
import {
  GROUPS,
  makePlan,
  PRODUCER_GROUP,
  TOPICS,
  type ChaosGroup,
  type PlannedMessage,
  type PublishUnit,
} from './plan.ts';
import { StackProcess } from './stack-process.ts';

export interface ChaosOptions {
  /** Messages published (at least; batches round up). */
  messages: number;
  /** SIGKILLs of the stack while producers publish. */
  kills: number;
  /** Probability that one AWS call attempt fails. */
  faultRate: number;
  seed: number;
  /** FIFO message groups. */
  fifoGroups: number;
  /** Concurrent producers of independent publishes. */
  producers?: number;
  /** How long, after the last publish, consumers may take to get everything. */
  drainTimeoutMs?: number;
  log?: (line: string) => void;
}

export interface ChaosReport {
  figures: ChaosFigures;
  kills: number;
  unplannedRestarts: number;
  faultsInjected: Record<string, number>;
  checkCalls: number;
  seconds: number;
  /** Kept when a must-be-0 figure is not 0: the stack's logs (`stack-<n>.log`) and its data, to investigate. */
  dataDir?: string;
  /** Up to 10 lost deliveries with what the trace says of them. */
  lostSamples: string[];
}

/** Timer and sweep settings that make the long paths (tick hand-on, check-backs, sweep) run in seconds. */
export const CHAOS_STACK_ENV = {
  FERRY_DIRECT_DELAY_LIMIT_SECONDS: '3',
  FERRY_TIMER_LEAD_SECONDS: '2',
  FERRY_TIMER_BUCKET_SECONDS: '2',
  FERRY_TICK_SECONDS: '1',
  FERRY_SWEEP_AFTER_SECONDS: '10',
  FERRY_TXN_CHECK_FIRST_SECONDS: '3',
  FERRY_TXN_CHECK_INTERVAL_SECONDS: '2',
};

/** A message's first delivery is nacked when this hash of its id divides by it (FIFO groups only). */
const NACK_ONE_IN = 8;
/**
 * A request that keeps failing this long stops the run: the stack is not coming back. Long, because a restarted local
 * stack answers only after its first tick, which sweeps the backlog the kill left (minutes on a loaded machine).
 */
const GIVE_UP_MS = 900_000;

export function mustBeZero(figures: ChaosFigures): Array<keyof ChaosFigures> {
  return (['lost', 'forbiddenDelivered', 'twoOutcomes', 'undecided', 'inversions', 'misrouted'] as const).filter(
    (name) => figures[name] !== 0,
  );
}

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const started = Date.now();
  const log = options.log ?? (() => undefined);
  const random = seededRandom(options.seed);
  const plan = makePlan({ messages: options.messages, fifoGroups: options.fifoGroups, random });
  const dataDir = mkdtempSync(join(tmpdir(), 'ferry-chaos-'));
  const checks = await startChaosCheckEndpoint();
  const stack = new StackProcess({
    dataDir,
    port: await freePortTriple(),
    env: {
      ...CHAOS_STACK_ENV,
      FERRY_CHAOS_FAULT_RATE: String(options.faultRate),
      FERRY_CHAOS_SEED: String(options.seed),
    },
    onUnplannedExit: (incarnation, code, lastLines) =>
      log(
        `stack incarnation ${incarnation} exited by itself (code ${code}); restarting. Its last lines:\n${lastLines}`,
      ),
  });
  const client = new FerryClient({ baseUrl: stack.apiUrl });
  const ledger = new Ledger();
  let fatal: unknown;

  /** Calls until the API answers other than a 5xx or a broken connection; answers how many retries it took. */
  const persist = async <T>(call: () => Promise<T>): Promise<{ value: T; retries: number }> => {
    const deadline = Date.now() + GIVE_UP_MS;
    for (let retries = 0; ; retries++) {
      if (fatal !== undefined) throw fatal;
      try {
        return { value: await call(), retries };
      } catch (error) {
        if (error instanceof FerryApiError && error.status < 500) throw error;
        if (Date.now() > deadline) throw new Error(`the API kept failing for ${GIVE_UP_MS / 1000} s`, { cause: error });
        await sleep(Math.min(2000, 100 * 2 ** Math.min(retries, 5)));
      }
    }
  };

  let consuming = true;
  // Kept unless the run ends well: the stack's logs and data are what an investigation needs.
  let keepData = true;
  const consumers: Array<Promise<void>> = [];
  try {
    log(
      `chaos: ${plan.messages} messages, ${options.kills} kills, fault rate ${options.faultRate}, seed ${options.seed}, data in ${dataDir}`,
    );
    await stack.start();
    await setUp(client, persist, checks.url);
    for (const group of GROUPS)
      for (let n = 0; n < 2; n++) consumers.push(consume(client, group, ledger, () => consuming));

    // Kills at random points of the publishing, each followed at once by a restart on the same data folder.
    const totalUnits = plan.units.length + plan.fifoChains.reduce((sum, chain) => sum + chain.length, 0);
    const killAt = Array.from({ length: options.kills }, () => Math.floor(totalUnits * (0.15 + 0.7 * random()))).sort(
      (a, b) => a - b,
    );
    let done = 0;
    let kills = 0;
    let restarting: Promise<void> = Promise.resolve();
    const progressed = () => {
      done++;
      if (kills < killAt.length && done >= killAt[kills]! && stack.incarnations === kills + 1 + stack.unplannedExits) {
        kills++;
        log(`chaos: SIGKILL ${kills} of ${options.kills} after ${done} of ${totalUnits} publishes`);
        restarting = stack
          .kill()
          .then(() => stack.start())
          .then(() => log(`chaos: stack up again`))
          .catch((error: unknown) => {
            fatal = error;
          });
      }
    };
    const publish = async (unit: PublishUnit) => {
      await publishUnit(client, persist, ledger, unit);
      progressed();
    };
    await Promise.all([
      pool(plan.units, options.producers ?? 12, publish),
      pool(plan.fifoChains, Math.min(10, plan.fifoChains.length), async (chain) => {
        for (const unit of chain) await publish(unit);
      }),
    ]);
    await restarting;
    if (fatal !== undefined) throw fatal;
    log(`chaos: ${ledger.acknowledged} publishes acknowledged in ${seconds(started)} s; waiting for delivery`);

    const drainDeadline = Date.now() + (options.drainTimeoutMs ?? 180_000);
    while (ledger.missing().length > 0 && Date.now() < drainDeadline) await sleep(500);
    const finalStates = await finalStatesOf(client, persist, ledger, drainDeadline);
    // Rolled-back and cancelled messages would have arrived with the rest; a little longer catches a late one.
    await sleep(2000);
    consuming = false;
    await Promise.all(consumers);

    const figures = ledger.figures(finalStates);
    const lostSamples = await describeLost(client, ledger);
    keepData = mustBeZero(figures).length > 0;
    return {
      figures,
      kills,
      unplannedRestarts: stack.unplannedExits,
      faultsInjected: stack.faultsInjected(),
      checkCalls: checks.calls.length,
      seconds: seconds(started),
      lostSamples,
      ...(keepData ? { dataDir } : {}),
    };
  } finally {
    consuming = false;
    await Promise.allSettled(consumers);
    await stack.stop();
    await checks.close();
    if (!keepData) cleanUp(dataDir, log);
  }
}

type Persist = <T>(call: () => Promise<T>) => Promise<{ value: T; retries: number }>;

async function setUp(client: FerryClient, persist: Persist, checkUrl: string): Promise<void> {
  await persist(() => client.putTopic(TOPICS.normal, 'NORMAL'));
  await persist(() => client.putTopic(TOPICS.fifo, 'FIFO'));
  await persist(() => client.putTopic(TOPICS.delay, 'DELAY'));
  await persist(() => client.putTopic(TOPICS.txn, 'TRANSACTION'));
  await persist(() => client.call('PUT', `/v1/producer-groups/${PRODUCER_GROUP}`, { checkUrl }));
  for (const group of GROUPS) await persist(() => client.putGroup(group.name, group.subscriptions));
}

async function publishUnit(client: FerryClient, persist: Persist, ledger: Ledger, unit: PublishUnit): Promise<void> {
  const topic = TOPICS[unit.kind];
  let ids: string[];
  let retries: number;
  if (unit.messages.length === 1) {
    const answer = await persist(() => client.publish(topic, unit.messages[0]!.input));
    ids = [answer.value.messageId];
    retries = answer.retries;
  } else {
    const answer = await persist(() =>
      client.publishBatch(
        topic,
        unit.messages.map((message) => message.input),
      ),
    );
    ids = answer.value.results.map((result) => {
      if ('error' in result) throw new Error(`batch entry refused: ${result.error.code}: ${result.error.message}`);
      return result.messageId;
    });
    retries = answer.retries;
  }
  // A retried publish may have stored its first attempt too: a possible duplicate, allowed and counted.
  if (retries > 0) ledger.retriedPublishes += unit.messages.length;
  for (const [index, message] of unit.messages.entries()) {
    ledger.published(message, ids[index]!);
    await decide(client, persist, ledger, message, ids[index]!);
  }
}

/** The producer's side of a transaction or a cancel, repeated until the API gives a definite answer. */
async function decide(
  client: FerryClient,
  persist: Persist,
  ledger: Ledger,
  message: PlannedMessage,
  messageId: string,
): Promise<void> {
  const route =
    message.intent === 'commit'
      ? `/v1/transactions/${messageId}/commit`
      : message.intent === 'rollback'
        ? `/v1/transactions/${messageId}/rollback`
        : message.intent === 'cancel'
          ? `/v1/messages/${messageId}/cancel`
          : undefined;
  if (route === undefined) return;
  try {
    await persist(() => client.call('POST', route));
    ledger.decided(
      message.key,
      message.intent === 'commit' ? 'COMMITTED' : message.intent === 'rollback' ? 'ROLLED_BACK' : 'CANCELLED',
    );
  } catch (error) {
    if (!(error instanceof FerryApiError) || error.status !== 409) throw error;
    // Too late to cancel (handed on already), or the transaction was decided otherwise (its check-backs ran out).
    ledger.decided(
      message.key,
      message.intent === 'cancel' ? 'NOT_CANCELLABLE' : message.intent === 'commit' ? 'ROLLED_BACK' : 'COMMITTED',
    );
  }
}

/** One consumer of a group: receives, records, acknowledges; a FIFO consumer nacks some first deliveries. */
async function consume(client: FerryClient, group: ChaosGroup, ledger: Ledger, running: () => boolean): Promise<void> {
  while (running()) {
    let batch: ReceivedMessage[];
    try {
      batch = await client.receive(group.name, { maxMessages: 32, waitSeconds: 1, invisibleSeconds: 8 });
    } catch {
      await sleep(250);
      continue;
    }
    for (const message of batch) ledger.received(group.name, message);
    const nacked = new Set<string>();
    const acks: string[] = [];
    const nacks: ReceivedMessage[] = [];
    for (const message of batch) {
      const groupId = message.messageGroup;
      // Later messages of a nacked message's group in the same batch go back too, so that they come after it.
      if (
        group.nacks &&
        groupId !== undefined &&
        (nacked.has(groupId) || (message.deliveryAttempt === 1 && hash(message.messageId) % NACK_ONE_IN === 0))
      ) {
        nacked.add(groupId);
        nacks.push(message);
      } else {
        acks.push(message.receiptHandle);
      }
    }
    try {
      for (const message of nacks) {
        await client.nack(group.name, message.receiptHandle, hash(message.messageId) % 2);
        ledger.nacked();
      }
      if (acks.length > 0) await client.ack(group.name, acks);
    } catch {
      // Not acknowledged: it comes back after its invisible time, a duplicate the books allow.
    }
  }
}

/** Every transaction and cancelled message as stored at the end, once the check-backs had their chance to decide. */
async function finalStatesOf(
  client: FerryClient,
  persist: Persist,
  ledger: Ledger,
  deadline: number,
): Promise<Map<string, FinalState>> {
  const states = new Map<string, FinalState>();
  await pool(ledger.decisionsToCheck(), 8, async ({ messageId }) => {
    for (;;) {
      const { value } = await persist(() => client.getMessage(messageId));
      const final: FinalState = { state: value.state, eventTypes: value.events.map((event) => event.type) };
      states.set(messageId, final);
      if (final.state !== 'PREPARED' || Date.now() > deadline) return;
      await sleep(1000);
    }
  });
  return states;
}

async function describeLost(client: FerryClient, ledger: Ledger): Promise<string[]> {
  const lost = ledger.missing().slice(0, 10);
  return Promise.all(
    lost.map(async ({ messageId, key, group }) => {
      try {
        const view = await client.getMessage(messageId);
        return `${messageId} (${key}) not received by ${group}: state ${view.state}, trace ${view.events.map((event) => `${event.type}${event.groups ? `[${event.groups.join(',')}]` : ''}`).join(' ')}`;
      } catch (error) {
        return `${messageId} (${key}) not received by ${group}: ${String(error)}`;
      }
    }),
  );
}

async function pool<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

function cleanUp(dataDir: string, log: (line: string) => void): void {
  try {
    rmSync(dataDir, { recursive: true, force: true });
  } catch (error) {
    log(`chaos: could not remove ${dataDir}: ${String(error)}`);
  }
}

function hash(text: string): number {
  let h = 0;
  for (const char of text) h = (Math.imul(h, 31) + char.charCodeAt(0)) >>> 0;
  return h;
}

const seconds = (since: number) => Math.round((Date.now() - since) / 100) / 10;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
