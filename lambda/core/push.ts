// Push delivery's core: POSTs a batch of a push group's queue messages to its endpoint and settles each one, the same
// for the pusher Lambda (AWS) and the local stack's push loop.
import { traceBestEffort } from './best-effort.ts';
import { refOf } from './message-ref.ts';
import { BodyMissingError, withBody } from './large-body.ts';
import { noMetrics, type Metrics } from './metrics.ts';
import type { ConsumerGroup, DeliveredMessage, PushSettings, QueuedMessage } from './model.ts';
import type {
  BodyStore,
  Clock,
  FaultLog,
  IncomingMessage,
  MessageStore,
  PushAnswer,
  PushTransport,
  QueueService,
  TraceEntry,
} from './ports.ts';
import type { Pacing } from './push-pacer.ts';
import { SIGNATURE_HEADER, signatureHeader } from './signature.ts';
import { backoffSeconds, MAX_VISIBILITY_SECONDS } from './retry-policy.ts';

/** A push group's queue hides a received message this long (SQS's default, set on every group queue). */
export const PUSH_QUEUE_VISIBILITY_SECONDS = 30;
/** A batch is pushed within this much of the visibility timeout, so that no message reappears while it is pushed. */
export const PUSH_WINDOW_SECONDS = 25;
/** The longest `timeoutSeconds` a group may set: one push must fit the window with room for pacing. */
export const MAX_PUSH_TIMEOUT_SECONDS = 20;
export const DEFAULT_PUSH_TIMEOUT_SECONDS = 10;
export const DEFAULT_PUSH_MAX_CONCURRENCY = 5;

/** What the pusher sends: the message as a pull consumer receives it, without the receipt handle it has no use for. */
export type PushedMessage = DeliveredMessage & { deliveryAttempt: number };

export interface PushFigures {
  pushed: number;
  failed: number;
  /** Failed at their last attempt: SQS moves them to the dead-letter queue. */
  deadLettered: number;
  /** Endpoint answer times of this batch, ms. */
  latenciesMs: number[];
}

export interface PushBatchResult {
  /** Queue handles of messages the endpoint took (2xx): the caller deletes them (Lambda does so itself). */
  acknowledged: string[];
  /** Queue handles of messages to deliver again; their next visibility is already set. */
  failed: string[];
  figures: PushFigures;
}

/**
 * Messages one pusher takes per receive: each may take its timeout and a pacing slot, and the whole batch must end
 * within the window.
 */
export function pushBatchSize(settings: PushSettings, ratePerPusher: number | undefined): number {
  const perMessage = settings.timeoutSeconds + (ratePerPusher === undefined ? 0 : 1 / ratePerPusher);
  return Math.max(1, Math.min(10, Math.floor(PUSH_WINDOW_SECONDS / perMessage)));
}

export class Pusher {
  constructor(
    private readonly transport: PushTransport,
    private readonly queues: QueueService,
    private readonly store: MessageStore,
    private readonly clock: Clock,
    private readonly faults: FaultLog,
    private readonly metrics: Metrics = noMetrics,
    private readonly bodies?: BodyStore,
  ) {}

  /**
   * Pushes in the order given, one at a time. In a FIFO group a failed message holds back the later messages of its
   * message group in the batch: they are not sent and come back with it, so the endpoint sees each group in order.
   */
  async pushBatch(group: ConsumerGroup, messages: IncomingMessage[], pacer?: Pacing): Promise<PushBatchResult> {
    const settings = group.push;
    if (settings === undefined) throw new Error(`group '${group.name}' has no push settings`);
    const result: PushBatchResult = {
      acknowledged: [],
      failed: [],
      figures: { pushed: 0, failed: 0, deadLettered: 0, latenciesMs: [] },
    };
    const trace: TraceEntry[] = [];
    const blocked = new Map<string, number>();
    for (const incoming of messages) {
      const queued = JSON.parse(incoming.body) as QueuedMessage;
      const heldBy = queued.messageGroup === undefined ? undefined : blocked.get(queued.messageGroup);
      if (group.fifo && heldBy !== undefined) {
        await this.retryLater(group, incoming, heldBy);
        result.failed.push(incoming.queueHandle);
        continue;
      }
      // A large body is pushed whole, as receive answers it; one that cannot be read is never pushed without it.
      let delivered: DeliveredMessage;
      try {
        delivered = await withBody(queued, this.bodies);
      } catch (error) {
        const delay = backoffSeconds(incoming.receiveCount);
        this.faults.report(error instanceof BodyMissingError ? 'BODY_MISSING' : 'BODY_NOT_FETCHED', {
          messageId: queued.messageId,
          group: group.name,
          error: String(error),
        });
        await this.retryLater(group, incoming, delay);
        if (queued.messageGroup !== undefined) blocked.set(queued.messageGroup, delay);
        result.failed.push(incoming.queueHandle);
        result.figures.failed++;
        continue;
      }
      const message: PushedMessage = { ...delivered, deliveryAttempt: incoming.receiveCount };
      await pacer?.take();
      const started = this.clock.now();
      const answer = await this.post(settings, group.pushSecret ?? '', message);
      const latencyMs = this.clock.now() - started;
      const at = this.clock.now();
      if (answer.kind === 'answered' && answer.status >= 200 && answer.status < 300) {
        result.acknowledged.push(incoming.queueHandle);
        result.figures.pushed++;
        result.figures.latenciesMs.push(latencyMs);
        trace.push(
          entry(message, group, 'PUSHED', at, {
            deliveryAttempt: message.deliveryAttempt,
            status: answer.status,
            latencyMs,
          }),
        );
        continue;
      }
      const lastAttempt = message.deliveryAttempt >= group.maxDeliveryAttempts;
      // After the last attempt, 1 s: SQS moves the message to the dead-letter queue at the next receive, not after a
      // backoff nobody waits for.
      const delay = lastAttempt ? 1 : retryDelaySeconds(answer, message.deliveryAttempt, at);
      await this.retryLater(group, incoming, delay);
      if (message.messageGroup !== undefined) blocked.set(message.messageGroup, delay);
      result.failed.push(incoming.queueHandle);
      result.figures.failed++;
      if (answer.kind === 'answered') result.figures.latenciesMs.push(latencyMs);
      trace.push(
        entry(message, group, 'PUSH_FAILED', at, {
          deliveryAttempt: message.deliveryAttempt,
          ...(answer.kind === 'answered' ? { status: answer.status, latencyMs } : { error: answer.error }),
          // None after the last attempt: the message goes to the dead-letter queue.
          ...(lastAttempt ? {} : { retryAfterSeconds: delay }),
        }),
      );
      if (lastAttempt) {
        result.figures.deadLettered++;
        trace.push(
          entry(message, group, 'DEAD_LETTERED', at, {
            deliveryAttempt: message.deliveryAttempt,
            reason: 'push failed at every attempt',
          }),
        );
      }
    }
    await traceBestEffort(this.store, this.faults, trace);
    this.count(group.name, result.figures);
    return result;
  }

  /** Pushed, failed and the endpoint's latency per group: CloudWatch in AWS, the local stack's counters (GET /v1/metrics). */
  private count(group: string, figures: PushFigures): void {
    if (figures.pushed > 0) this.metrics.count('pushed', { group }, figures.pushed);
    if (figures.failed > 0) this.metrics.count('pushFailed', { group }, figures.failed);
    if (figures.deadLettered > 0) this.metrics.count('deadLettered', { group }, figures.deadLettered);
    for (const latency of figures.latenciesMs) this.metrics.duration('pushLatency', { group }, latency);
  }

  private post(settings: PushSettings, secret: string, message: PushedMessage): Promise<PushAnswer> {
    const body = JSON.stringify(message);
    return this.transport.post({
      url: settings.url,
      body,
      headers: {
        [SIGNATURE_HEADER]: signatureHeader(body, [secret], Math.floor(this.clock.now() / 1000)),
        'Ferry-Message-Id': message.messageId,
        'Ferry-Delivery-Attempt': String(message.deliveryAttempt),
      },
      timeoutMs: settings.timeoutSeconds * 1000,
    });
  }

  /** As a nack does; should it fail, the message comes back after the queue's visibility timeout instead. */
  private async retryLater(group: ConsumerGroup, incoming: IncomingMessage, seconds: number): Promise<void> {
    try {
      await this.queues.changeVisibility(group.queueUrl, incoming.queueHandle, seconds);
    } catch (error) {
      this.faults.report('PUSH_RETRY_NOT_SET', { group: group.name, seconds, error: String(error) });
    }
  }
}

/**
 * A 429 or 503 with Retry-After (seconds or an HTTP date) waits that long, at least 1 s so that an endpoint answering
 * `Retry-After: 0` cannot spin the pusher; any other failure waits the group's backoff for this attempt.
 */
export function retryDelaySeconds(answer: PushAnswer, attempt: number, now: number): number {
  if (
    answer.kind === 'answered' &&
    (answer.status === 429 || answer.status === 503) &&
    answer.retryAfter !== undefined
  ) {
    const seconds = parseRetryAfter(answer.retryAfter, now);
    if (seconds !== undefined) return Math.min(Math.max(seconds, 1), MAX_VISIBILITY_SECONDS);
  }
  return backoffSeconds(attempt);
}

function parseRetryAfter(value: string, now: number): number | undefined {
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.ceil((date - now) / 1000);
}

function entry(
  message: PushedMessage,
  group: ConsumerGroup,
  type: 'PUSHED' | 'PUSH_FAILED' | 'DEAD_LETTERED',
  at: number,
  detail: Record<string, string | number>,
): TraceEntry {
  return { message: refOf(message), event: { type, at, groups: [group.name], detail } };
}
