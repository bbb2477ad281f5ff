// The checks of `ferry smoke`: every message type end to end against a running Ferry, on temporary topics and groups.
import { randomBytes } from 'node:crypto';
import type { FerryClient, ReceivedMessage } from '../../client/index.ts';

export interface SmokeOptions {
  /** Only delays within the direct limit (a few seconds); otherwise one past it, which waits for the tick. */
  quick: boolean;
  /** The delay of the scheduled-message check when not quick: past the deployment's direct-delay limit (900 s). */
  longDelaySeconds: number;
  /** How long a check waits for a message that should arrive, on top of any delay. */
  arrivalTimeoutSeconds: number;
}

export interface CheckResult {
  name: string;
  ok: boolean;
  ms: number;
  detail?: string;
}

const QUICK_DELAY_SECONDS = 3;
const FIFO_MESSAGES = 5;

class CheckFailed extends Error {}

function expectThat(condition: boolean, message: string): void {
  if (!condition) throw new CheckFailed(message);
}

/** The names of one run: unique, so that runs side by side (or a failed run's leftovers) never meet. */
function namesOf(run: string) {
  const name = (what: string) => `smoke-${run}-${what}`;
  return {
    topics: { normal: name('normal'), fifo: name('fifo'), delay: name('delay'), txn: name('txn') },
    groups: { all: name('all'), gray: name('gray'), fifo: name('fifo'), delay: name('delay'), txn: name('txn') },
    producerGroup: name('producer'),
  };
}
type Names = ReturnType<typeof namesOf>;

/** Runs every check in order, reporting each as it finishes; cleans up whatever happens. */
export async function runSmoke(
  client: FerryClient,
  options: SmokeOptions,
  report: (result: CheckResult) => void,
): Promise<CheckResult[]> {
  const names = namesOf(randomBytes(3).toString('hex'));
  const results: CheckResult[] = [];
  const check = async (name: string, body: () => Promise<string | void>) => {
    const started = performance.now();
    let result: CheckResult;
    try {
      const detail = await body();
      result = { name, ok: true, ms: Math.round(performance.now() - started), ...(detail ? { detail } : {}) };
    } catch (error) {
      result = { name, ok: false, ms: Math.round(performance.now() - started), detail: describe(error) };
    }
    results.push(result);
    report(result);
    return result.ok;
  };
  const arrivalMs = options.arrivalTimeoutSeconds * 1000;
  try {
    if (!(await check('health', () => health(client)))) return results;
    if (!(await check('create topics and groups', () => createAll(client, names)))) return results;
    let published: string | undefined;
    await check('publish, receive and ack', async () => {
      published = await publishReceiveAck(client, names, arrivalMs);
    });
    await check('SQL92 filter', () => filter(client, names, arrivalMs));
    await check(options.quick ? 'scheduled message (direct)' : 'scheduled message (past the direct limit)', () =>
      scheduled(client, names, options, arrivalMs),
    );
    await check('transaction commit and rollback', () => transaction(client, names, arrivalMs));
    await check('FIFO order', () => fifoOrder(client, names, arrivalMs));
    await check('trace', () => trace(client, published));
  } finally {
    await check('clean up', () => cleanUp(client, names));
  }
  return results;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function health(client: FerryClient): Promise<void> {
  const { status, health } = await client.health();
  expectThat(status === 200, `GET /v1/health answered ${status}: ${JSON.stringify(health.checks)}`);
}

async function createAll(client: FerryClient, { topics, groups, producerGroup }: Names): Promise<void> {
  await client.putTopic(topics.normal, 'NORMAL');
  await client.putTopic(topics.fifo, 'FIFO');
  await client.putTopic(topics.delay, 'DELAY');
  await client.putTopic(topics.txn, 'TRANSACTION');
  await client.putProducerGroup(producerGroup);
  await client.putGroup(groups.all, [{ topic: topics.normal }]);
  const grayOnly = { type: 'SQL92' as const, expression: "lane = 'gray'" };
  await client.putGroup(groups.gray, [{ topic: topics.normal, filter: grayOnly }]);
  await client.putGroup(groups.fifo, [{ topic: topics.fifo }]);
  await client.putGroup(groups.delay, [{ topic: topics.delay }]);
  await client.putGroup(groups.txn, [{ topic: topics.txn }]);
}

/** Consumes `group` until a message satisfies `wanted` (others are acknowledged too) or the time is up. */
async function receiveUntil(
  client: FerryClient,
  group: string,
  wanted: (messages: ReceivedMessage[]) => boolean,
  timeoutMs: number,
): Promise<ReceivedMessage[]> {
  const received: ReceivedMessage[] = [];
  let failure: unknown;
  const consumer = client.consume(
    group,
    (message) => {
      received.push(message);
      if (wanted(received)) void consumer.stop();
    },
    { waitSeconds: 2, onError: (error) => (failure = error) },
  );
  const timer = setTimeout(() => void consumer.stop(), timeoutMs);
  await consumer.stopped;
  clearTimeout(timer);
  if (!wanted(received)) {
    const why = failure === undefined ? '' : ` (last error: ${describe(failure)})`;
    const got = `${received.length} message(s) within ${timeoutMs / 1000} s`;
    throw new CheckFailed(`${group}: ${got}, not what was expected${why}`);
  }
  return received;
}

const hasBody = (body: string) => (messages: ReceivedMessage[]) => messages.some((message) => message.body === body);

async function publishReceiveAck(client: FerryClient, { topics, groups }: Names, timeoutMs: number) {
  const body = `smoke ${Date.now()}`;
  const { messageId, state } = await client.publish(topics.normal, { body, tag: 'smoke', keys: ['smoke'] });
  expectThat(state === 'READY', `a NORMAL message is READY at once, not ${state}`);
  await receiveUntil(client, groups.all, hasBody(body), timeoutMs);
  return messageId;
}

async function filter(client: FerryClient, { topics, groups }: Names, timeoutMs: number): Promise<string> {
  const blue = await client.publish(topics.normal, { body: 'blue lane', properties: { lane: 'blue' } });
  await client.publish(topics.normal, { body: 'gray lane', properties: { lane: 'gray' } });
  const gray = await receiveUntil(client, groups.gray, hasBody('gray lane'), timeoutMs);
  expectThat(!gray.some((message) => message.body === 'blue lane'), `${groups.gray} received the blue-lane message`);
  // The non-matching message went everywhere else: its dispatch names the groups, and the gray one is not among them.
  const dispatched = await waitForEvent(client, blue.messageId, 'DISPATCHED', timeoutMs);
  const reached = dispatched.groups ?? [];
  expectThat(!reached.includes(groups.gray), `the blue-lane message was dispatched to ${groups.gray}`);
  expectThat(reached.includes(groups.all), `the blue-lane message did not reach ${groups.all}`);
  return `"lane = 'gray'" took the gray message and left the blue one`;
}

async function scheduled(client: FerryClient, { topics, groups }: Names, options: SmokeOptions, timeoutMs: number) {
  const delaySeconds = options.quick ? QUICK_DELAY_SECONDS : options.longDelaySeconds;
  const body = `due in ${delaySeconds} s`;
  const sent = Date.now();
  const { state } = await client.publish(topics.delay, { body, delaySeconds });
  const expected = options.quick ? 'READY' : 'SCHEDULED';
  const why = options.quick ? 'a delay within the direct limit goes to SQS at once' : 'raise --long-delay-seconds';
  expectThat(state === expected, `a ${delaySeconds} s delay was ${state}, not ${expected}: ${why}`);
  const [message] = await receiveUntil(client, groups.delay, hasBody(body), delaySeconds * 1000 + timeoutMs);
  const early = sent + delaySeconds * 1000 - Date.now();
  expectThat(early <= 0, `delivered ${early} ms before its time`);
  const late = Math.round(Date.now() - sent - delaySeconds * 1000);
  return `${state}, delivered ${late} ms after its time (${message!.messageId})`;
}

async function transaction(client: FerryClient, { topics, groups, producerGroup }: Names, timeoutMs: number) {
  const rolledBack = await client.publish(topics.txn, { body: 'rolled back', producerGroup });
  const committed = await client.publish(topics.txn, { body: 'committed', producerGroup });
  expectThat(committed.state === 'PREPARED', `a transaction message starts PREPARED, not ${committed.state}`);
  await client.rollback(topics.txn, rolledBack.messageId);
  await client.commit(topics.txn, committed.messageId);
  const received = await receiveUntil(client, groups.txn, hasBody('committed'), timeoutMs);
  expectThat(!received.some((message) => message.body === 'rolled back'), 'the rolled-back message was delivered');
  const view = await client.getMessage(rolledBack.messageId);
  expectThat(view.state === 'ROLLED_BACK', `the rolled-back message is ${view.state}`);
  expectThat(!view.events.some((event) => event.type === 'DISPATCHED'), 'the rolled-back message was dispatched');
}

async function fifoOrder(client: FerryClient, { topics, groups }: Names, timeoutMs: number): Promise<void> {
  const bodies = Array.from({ length: FIFO_MESSAGES }, (_, i) => `step ${i + 1}`);
  // One after another, each answered before the next: the order Ferry promises to keep.
  for (const body of bodies) await client.publish(topics.fifo, { body, messageGroup: 'smoke-order' });
  const received = await receiveUntil(client, groups.fifo, (messages) => messages.length >= bodies.length, timeoutMs);
  const order = received.map((message) => message.body);
  expectThat(JSON.stringify(order) === JSON.stringify(bodies), `received in the order ${order.join(', ')}`);
}

async function trace(client: FerryClient, messageId: string | undefined): Promise<string> {
  expectThat(messageId !== undefined, 'no message to trace: publishing failed');
  const types = (await client.getMessage(messageId!)).events.map((event) => event.type);
  for (const type of ['PUBLISHED', 'DISPATCHED', 'RECEIVED', 'ACKED']) {
    expectThat(types.includes(type), `the trace lacks ${type}: ${types.join(', ')}`);
  }
  return types.join(' → ');
}

async function waitForEvent(client: FerryClient, messageId: string, type: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const event = (await client.getMessage(messageId)).events.find((candidate) => candidate.type === type);
    if (event !== undefined) return event;
    if (Date.now() > deadline) throw new CheckFailed(`message ${messageId} has no ${type} event after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Deletes every group and topic of this run that exists; the producer group stays (the API has no delete for it). */
async function cleanUp(client: FerryClient, { topics, groups }: Names): Promise<string> {
  const existing = {
    groups: new Set((await client.listGroups()).map((group) => group.name)),
    topics: new Set((await client.listTopics()).map((topic) => topic.name)),
  };
  const doomedGroups = Object.values(groups).filter((name) => existing.groups.has(name));
  const doomedTopics = Object.values(topics).filter((name) => existing.topics.has(name));
  for (const group of doomedGroups) await client.deleteGroup(group);
  for (const topic of doomedTopics) await client.deleteTopic(topic);
  return `deleted ${doomedGroups.length} groups and ${doomedTopics.length} topics`;
}
