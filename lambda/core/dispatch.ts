// The one path by which a READY message reaches consumers: filter per subscription, send to each matching group's queue.
import { bestEffort, traceBestEffort } from './best-effort.ts';
import { cachedFilter } from './filter/index.ts';
import { dispatchedRefOf, refOf } from './message-ref.ts';
import { toQueued, type Message, type MessageId } from './model.ts';
import { encodeForQueue } from './queue-body.ts';
import type {
  Clock,
  FaultLog,
  FifoGroup,
  FifoHold,
  MessageStore,
  OutgoingMessage,
  QueueService,
  Route,
  SendFailure,
  TraceEntry,
} from './ports.ts';
import { undeliverable } from './state-machine.ts';
import { noMetrics, type Metrics } from './metrics.ts';

export interface DispatchOutcome {
  /** Index of the first message not fully handed on; it and everything after must be dispatched again. */
  firstFailure?: number;
}

interface Delivery {
  index: number;
  route: Route;
  outgoing: OutgoingMessage;
}

/** What became of one message in one delivery round. */
type Fate =
  | { kind: 'sent'; groups: string[] }
  | { kind: 'undeliverable'; groups: string[]; refused: string[]; reason: string }
  | { kind: 'failed' };

export interface DispatcherPorts {
  /**
   * Called once a batch: the topics' routes (possibly cached) as they were when the call began, or later, so that a
   * batch never goes by routes older than a group change that had returned before it.
   */
  routesNow: () => Promise<(topic: string) => Promise<Route[]>>;
  /** The topic's routes as stored now, to tell a deleted group from a missing queue. */
  currentRoutesOf: (topic: string) => Promise<Route[]>;
  queues: QueueService;
  store: MessageStore;
  clock: Clock;
  faults: FaultLog;
  metrics?: Metrics;
}

const groupKey = (group: FifoGroup) => `${group.topic}\u0000${group.messageGroup}`;
const fifoGroupOf = (message: Message): FifoGroup | undefined =>
  message.messageGroup === undefined ? undefined : { topic: message.topic, messageGroup: message.messageGroup };

/** How many times a hold's release re-reads it when later messages keep joining it. */
const RELEASE_ROUNDS = 10;

export class Dispatcher {
  private readonly metrics: Metrics;

  constructor(private readonly ports: DispatcherPorts) {
    this.metrics = ports.metrics ?? noMetrics;
  }

  /**
   * Messages arrive in stream order. On a failure, the first failed message and all later ones are reported so the
   * caller retries from there: earlier ones are never sent twice, later ones may be (at-least-once).
   *
   * A FIFO message group whose message could not be handed on is held at that message: its later messages join the
   * hold instead of overtaking it (in AWS the stream moves on after its retries), and go out, in order, right after
   * the holder does, whoever sends it (a stream retry, the stream redrive or the sweep).
   */
  async dispatch(messages: Message[]): Promise<DispatchOutcome> {
    const holds = await this.holdsOf(messages);
    const toSend: number[] = [];
    const holdersInBatch = new Set<string>();
    for (const [index, message] of messages.entries()) {
      const group = fifoGroupOf(message);
      const hold = group === undefined ? undefined : holds.get(groupKey(group));
      if (hold === undefined || hold.holder === message.messageId || holdersInBatch.has(groupKey(hold))) {
        if (hold !== undefined) holdersInBatch.add(groupKey(hold));
        toSend.push(index);
      } else if (!(await this.ports.store.addToHold(hold, message.messageId))) {
        toSend.push(index);
      }
    }
    const fates = await this.deliver(toSend.map((index) => messages[index]!));
    const failedAt = fates.findIndex((fate) => fate.kind === 'failed');
    await this.holdFailedGroups(
      toSend.map((index) => messages[index]!),
      fates,
    );
    await this.releaseHolds(
      holds,
      toSend.map((index) => messages[index]!),
      fates,
    );
    return failedAt === -1 ? {} : { firstFailure: toSend[failedAt]! };
  }

  /** Sends every message to every matching queue; answers each message's fate, in order. */
  private async deliver(messages: Message[]): Promise<Fate[]> {
    if (messages.length === 0) return [];
    const routesOf = await this.ports.routesNow();
    const routes = await Promise.all(messages.map((message) => this.matchingRoutes(message, routesOf)));
    const deliveries = routes.flatMap((matched, index) =>
      matched.map((route) => this.delivery(messages[index]!, index, route)),
    );
    // Taken before the sends: a consumer may receive a message before its send call has returned, and the trace must
    // not show RECEIVED before DISPATCHED (the dispatcher and the API run on different machines, or processes).
    const sentAt = this.ports.clock.now();
    const failures = await this.sendAll(deliveries);
    const fates = await Promise.all(
      messages.map((message, index) => this.fateOf(message, routes[index]!, failures.get(index) ?? [])),
    );
    await this.record(messages, fates, sentAt);
    return fates;
  }

  private async matchingRoutes(message: Message, routesOf: (topic: string) => Promise<Route[]>): Promise<Route[]> {
    const routes = await routesOf(message.topic);
    const target =
      message.tag === undefined
        ? { properties: message.properties }
        : { tag: message.tag, properties: message.properties };
    return routes.filter((route) => {
      const matches = cachedFilter(route.filter)(target);
      if (!matches) this.metrics.count('filteredOut', { topic: message.topic, group: route.group });
      return matches;
    });
  }

  private delivery(message: Message, index: number, route: Route): Delivery {
    const outgoing: OutgoingMessage = { id: String(index), body: encodeForQueue(toQueued(message)) };
    if (route.fifo) {
      outgoing.messageGroupId = message.messageGroup ?? message.topic;
      // The message id as deduplication id: a re-dispatch within SQS's window is not delivered twice.
      outgoing.deduplicationId = message.messageId;
    } else if (message.deliverAt !== undefined) {
      outgoing.delaySeconds = Math.max(
        0,
        Math.min(900, Math.ceil((message.deliverAt - this.ports.clock.now()) / 1000)),
      );
    }
    return { index, route, outgoing };
  }

  /** One batched send per queue, queues in parallel; answers each message's failed sends with their routes. */
  private async sendAll(deliveries: Delivery[]): Promise<Map<number, Array<SendFailure & { route: Route }>>> {
    const byQueue = Map.groupBy(deliveries, (delivery) => delivery.route.queueUrl);
    const failures = new Map<number, Array<SendFailure & { route: Route }>>();
    await Promise.all(
      [...byQueue.values()].map(async (list) => {
        const route = list[0]!.route;
        let failed: SendFailure[];
        try {
          ({ failed } = await this.ports.queues.send(
            route.queueUrl,
            list.map((delivery) => delivery.outgoing),
          ));
        } catch (error) {
          failed = list.map((delivery) => ({ id: delivery.outgoing.id, kind: 'transient', reason: String(error) }));
        }
        for (const failure of failed) {
          const index = Number(failure.id);
          failures.set(index, [...(failures.get(index) ?? []), { ...failure, route }]);
        }
      }),
    );
    return failures;
  }

  private async fateOf(
    message: Message,
    routes: Route[],
    failures: Array<SendFailure & { route: Route }>,
  ): Promise<Fate> {
    const refused: Array<SendFailure & { route: Route }> = [];
    for (const failure of failures) {
      if (failure.kind === 'transient') return { kind: 'failed' };
      if (failure.kind === 'permanent') refused.push(failure);
      // A missing queue whose group is still subscribed is an outage, not a deleted group: try again.
      else if (
        (await this.ports.currentRoutesOf(message.topic)).some((route) => route.queueUrl === failure.route.queueUrl)
      )
        return { kind: 'failed' };
    }
    const failedQueues = new Set(failures.map((failure) => failure.route.queueUrl));
    const groups = routes.filter((route) => !failedQueues.has(route.queueUrl)).map((route) => route.group);
    if (refused.length === 0) return { kind: 'sent', groups };
    return {
      kind: 'undeliverable',
      groups,
      refused: refused.map((failure) => failure.route.group),
      reason: refused[0]!.reason,
    };
  }

  /**
   * Best effort after the sends: the dispatch record (a message not recorded is sent again by the sweep: a duplicate,
   * never a loss), the trace and any undeliverable state; none of it fails the delivery.
   */
  private async record(messages: Message[], fates: Fate[], now: number): Promise<void> {
    const done = messages.filter((_, index) => fates[index]!.kind !== 'failed');
    const trace: TraceEntry[] = [];
    for (const [index, message] of messages.entries()) {
      const fate = fates[index]!;
      if (fate.kind === 'failed') continue;
      this.countDispatched(message, fate.groups, now);
      // One trace write for every group the message went to (trace must not multiply what a message costs).
      if (fate.groups.length > 0)
        trace.push({
          message: refOf(message),
          event: { type: 'DISPATCHED', at: now, groups: fate.groups },
          expiresAt: message.expiresAt,
        });
      if (fate.kind === 'undeliverable') await this.markUndeliverable(message, fate, now, trace);
    }
    await Promise.all([
      bestEffort(this.ports.faults, 'DISPATCH_MARK_NOT_WRITTEN', done.length, () =>
        this.ports.store.markDispatched(done.map(dispatchedRefOf)),
      ),
      traceBestEffort(this.ports.store, this.ports.faults, trace),
    ]);
  }

  private countDispatched(message: Message, groups: string[], now: number): void {
    for (const group of groups) this.metrics.count('dispatched', { topic: message.topic, group });
    // Lateness is Ferry's own: a message handed on after its time (SQS's DelaySeconds delivers the rest on time).
    if (message.deliverAt !== undefined)
      this.metrics.duration('scheduledLateness', { topic: message.topic }, Math.max(0, now - message.deliverAt));
  }

  /** A queue refused the message for good: it must not hold back the messages behind it. */
  private async markUndeliverable(
    message: Message,
    fate: Extract<Fate, { kind: 'undeliverable' }>,
    now: number,
    trace: TraceEntry[],
  ): Promise<void> {
    for (const group of fate.refused) this.metrics.count('undeliverable', { topic: message.topic, group });
    this.ports.faults.report('UNDELIVERABLE', {
      messageId: message.messageId,
      topic: message.topic,
      groups: fate.refused,
      reason: fate.reason,
    });
    const step = undeliverable(now, fate.refused, fate.reason);
    // Refused by every queue it was meant for: the message's own state says so; otherwise its trace does.
    if (fate.groups.length === 0) {
      await bestEffort(this.ports.faults, 'TRACE_NOT_WRITTEN', 1, () =>
        this.ports.store.transition(refOf(message), step),
      );
    } else {
      trace.push({ message: refOf(message), event: step.event, expiresAt: message.expiresAt });
    }
  }

  private async holdsOf(messages: Message[]): Promise<Map<string, FifoHold>> {
    const groups = messages.flatMap((message) => fifoGroupOf(message) ?? []);
    if (groups.length === 0) return new Map();
    return new Map((await this.ports.store.holdsOf(groups)).map((hold) => [groupKey(hold), hold]));
  }

  /** The first message of each FIFO group that could not be handed on holds its group (unless it is held already). */
  private async holdFailedGroups(messages: Message[], fates: Fate[]): Promise<void> {
    const firstFailed = new Map<string, { group: FifoGroup; messageId: MessageId }>();
    for (const [index, message] of messages.entries()) {
      const group = fifoGroupOf(message);
      if (group !== undefined && fates[index]!.kind === 'failed' && !firstFailed.has(groupKey(group)))
        firstFailed.set(groupKey(group), { group, messageId: message.messageId });
    }
    await Promise.all([...firstFailed.values()].map(({ group, messageId }) => this.ports.store.hold(group, messageId)));
  }

  /** Holds whose holder went out in this call: their waiting messages follow, in order, then the hold goes. */
  private async releaseHolds(holds: Map<string, FifoHold>, sent: Message[], fates: Fate[]): Promise<void> {
    const handedOn = new Set(
      sent.filter((_, index) => fates[index]!.kind !== 'failed').map((message) => message.messageId),
    );
    await Promise.all(
      [...holds.values()].filter((hold) => handedOn.has(hold.holder)).map((hold) => this.release(hold, handedOn)),
    );
  }

  private async release(hold: FifoHold, handedOn: Set<MessageId>): Promise<void> {
    const alreadySent = new Set<MessageId>(handedOn);
    for (let round = 0; round < RELEASE_ROUNDS; round++) {
      const [seen] = await this.ports.store.holdsOf([hold]);
      if (seen === undefined || seen.holder !== hold.holder) return;
      const waiting = [...new Set(seen.held)].filter((id) => !alreadySent.has(id));
      const found = new Map(
        (
          await this.ports.store.getMany(
            waiting.map((messageId) => ({ messageId, topic: hold.topic, messageGroup: hold.messageGroup })),
          )
        ).map((message) => [message.messageId, message]),
      );
      const messages = waiting.flatMap((id) => found.get(id) ?? []);
      const fates = await this.deliver(messages);
      const failedAt = fates.findIndex((fate) => fate.kind === 'failed');
      for (const message of failedAt === -1 ? messages : messages.slice(0, failedAt))
        alreadySent.add(message.messageId);
      if (failedAt !== -1) {
        // The first message that failed holds the group now; the sweep or a later dispatch sends it.
        const rest = waiting.slice(waiting.indexOf(messages[failedAt]!.messageId) + 1);
        await this.ports.store.settleHold(seen, { holder: messages[failedAt]!.messageId, held: rest });
        return;
      }
      if (await this.ports.store.settleHold(seen, undefined)) return;
    }
  }
}
