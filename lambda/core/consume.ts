// Consuming over HTTP: receive from a group's queue (bodies kept aside fetched whole), then acknowledge, negatively
// acknowledge or extend.
import { traceBestEffort } from './best-effort.ts';
import { NotFoundError, ValidationError } from './errors.ts';
import { refOf } from './message-ref.ts';
import { answerBytes, BodyMissingError, withBody } from './large-body.ts';
import type { ConsumerGroup, DeliveredMessage, QueuedMessage } from './model.ts';
import type {
  BodyStore,
  Clock,
  FaultLog,
  IncomingMessage,
  MessageStore,
  QueueService,
  ReceiptKeys,
  TraceEntry,
} from './ports.ts';
import { QUEUE_BODY_MAX_BYTES } from './queue-body.ts';
import { decodeReceiptHandleOf, encodeReceiptHandle, type ReceiptHandle } from './receipt-handle.ts';
import { backoffSeconds, MAX_VISIBILITY_SECONDS } from './retry-policy.ts';
import { noMetrics, type Metrics } from './metrics.ts';

/** SQS hands out at most 10 messages per call. */
const SQS_RECEIVE_MAX = 10;

export type ReceivedMessage = DeliveredMessage & { deliveryAttempt: number; receiptHandle: string };

export interface ReceiveOptions {
  maxMessages?: number;
  waitSeconds?: number;
  invisibleSeconds?: number;
}

export interface AckResult {
  acked: number;
  failed: Array<{ receiptHandle: string; error: { code: string; message: string } }>;
}

export class Consumer {
  constructor(
    private readonly groups: (name: string) => Promise<ConsumerGroup | undefined>,
    private readonly queues: QueueService,
    private readonly store: MessageStore,
    private readonly clock: Clock,
    private readonly faults: FaultLog,
    /** The deployment's key for receipt handles (read once per instance, then cached by the adapter). */
    private readonly receiptKeys: ReceiptKeys,
    private readonly metrics: Metrics = noMetrics,
    private readonly bodies?: BodyStore,
  ) {}

  async receive(groupName: string, options: ReceiveOptions): Promise<ReceivedMessage[]> {
    const group = await this.requireGroup(groupName);
    const key = await this.receiptKeys.signingKey();
    const wanted = options.maxMessages ?? 1;
    const received: ReceivedMessage[] = [];
    let bytes = 0;
    // Only the first call waits: once messages flow, more calls fill the batch without waiting. A call is made only
    // while the largest message a queue holds would still fit the answer.
    for (
      let call = 0;
      received.length < wanted && (call === 0 || bytes + QUEUE_BODY_MAX_BYTES <= RECEIVE_ANSWER_MAX_BYTES);
      call++
    ) {
      const incoming = await this.queues.receive(group.queueUrl, {
        maxMessages: Math.min(SQS_RECEIVE_MAX, wanted - received.length),
        waitSeconds: call === 0 ? (options.waitSeconds ?? 0) : 0,
        ...(options.invisibleSeconds === undefined ? {} : { invisibleSeconds: options.invisibleSeconds }),
      });
      const taken = await this.takeWithin(
        group,
        incoming,
        RECEIVE_ANSWER_MAX_BYTES - bytes,
        received.length === 0,
        key,
      );
      for (const message of taken) {
        bytes += answerBytes(message);
        received.push(message);
      }
      if (taken.length < incoming.length || incoming.length === 0) break;
    }
    await traceBestEffort(
      this.store,
      this.faults,
      received.map((message) =>
        this.trace(message, 'RECEIVED', group.name, { deliveryAttempt: message.deliveryAttempt }),
      ),
    );
    this.countReceived(group.name, received);
    return received;
  }

  /**
   * The first of these messages that fit in `room` bytes, each with its whole body (fetched from the body store when
   * the queue holds a reference); the rest go back to the queue. A body that cannot be fetched ends the answer there,
   * so that nothing of its FIFO group overtakes it: one the store no longer holds is reported and left invisible (it
   * reaches the dead-letter queue after its attempts); any other failure gives it back, and is the caller's error when
   * nothing could be answered.
   */
  private async takeWithin(
    group: ConsumerGroup,
    incoming: IncomingMessage[],
    room: number,
    nothingYet: boolean,
    key: Uint8Array,
  ): Promise<ReceivedMessage[]> {
    const queued = incoming.map((message) => JSON.parse(message.body) as QueuedMessage);
    // A body is at least its UTF-8 bytes in the answer: no fetch for what could not fit anyway.
    let estimate = 0;
    let cut = queued.findIndex((message) => {
      estimate += answerBytes(message) + (message.bodyRef?.bytes ?? 0);
      return estimate > room;
    });
    if (cut === -1) cut = queued.length;
    const fetched = await Promise.allSettled(queued.slice(0, cut).map((message) => withBody(message, this.bodies)));
    const taken: ReceivedMessage[] = [];
    let used = 0;
    let keptInvisible = 0;
    let failure: unknown;
    for (const [index, outcome] of fetched.entries()) {
      if (outcome.status === 'rejected') {
        if (outcome.reason instanceof BodyMissingError) {
          this.faults.report('BODY_MISSING', {
            messageId: queued[index]!.messageId,
            group: group.name,
            ref: outcome.reason.ref,
          });
          keptInvisible = 1;
        } else failure = outcome.reason;
        cut = index;
        break;
      }
      const message = toReceived(outcome.value, incoming[index]!, group.name, key);
      used += answerBytes(message);
      if (used > room) {
        cut = index;
        break;
      }
      taken.push(message);
    }
    await this.giveBack(group, incoming.slice(cut + keptInvisible));
    if (failure !== undefined && taken.length === 0 && nothingYet) throw failure;
    if (failure !== undefined) this.faults.report('BODY_NOT_FETCHED', { group: group.name, error: String(failure) });
    return taken;
  }

  /**
   * Messages that would take the answer past its limit go back to the queue at once, last first, so that a FIFO
   * group's messages keep their order. SQS has counted a receive for each; should giving one back fail, it comes back
   * after its invisible time instead.
   */
  private async giveBack(group: ConsumerGroup, messages: IncomingMessage[]): Promise<void> {
    for (const message of [...messages].reverse()) {
      try {
        await this.queues.changeVisibility(group.queueUrl, message.queueHandle, 0);
      } catch (error) {
        this.faults.report('NOT_GIVEN_BACK', { messageCount: 1, error: String(error) });
      }
    }
  }

  async ack(groupName: string, receiptHandles: string[]): Promise<AckResult> {
    const group = await this.requireGroup(groupName);
    const key = await this.receiptKeys.verifyingKey();
    // Every handle is checked before any is deleted: one forged handle refuses the whole call, and nothing changes. A
    // handle given twice is one acknowledgement.
    const handles = [...new Set(receiptHandles)].map((encoded) => ({
      encoded,
      handle: decodeReceiptHandleOf(group.name, encoded, key),
    }));
    const { failed } = await this.queues.delete(
      group.queueUrl,
      handles.map(({ handle }) => handle.queueHandle),
    );
    const failedHandles = new Map(failed.map((failure) => [failure.queueHandle, failure.reason]));
    const acked = handles.filter(({ handle }) => !failedHandles.has(handle.queueHandle));
    await traceBestEffort(
      this.store,
      this.faults,
      acked.map(({ handle }) => this.trace(handle, 'ACKED', group.name, { deliveryAttempt: handle.deliveryAttempt })),
    );
    for (const { handle } of acked) this.metrics.count('acked', { topic: handle.topic, group: group.name });
    return {
      acked: acked.length,
      failed: handles
        .filter(({ handle }) => failedHandles.has(handle.queueHandle))
        .map(({ encoded, handle }) => ({
          receiptHandle: encoded,
          error: { code: 'ACK_FAILED', message: failedHandles.get(handle.queueHandle)! },
        })),
    };
  }

  /** Deliver again later: after `retryAfterSeconds`, or after RocketMQ's backoff for this attempt. */
  async nack(
    groupName: string,
    receiptHandle: string,
    retryAfterSeconds?: number,
  ): Promise<{ retryAfterSeconds: number; deadLettered?: true }> {
    const group = await this.requireGroup(groupName);
    const handle = decodeReceiptHandleOf(group.name, receiptHandle, await this.receiptKeys.verifyingKey());
    const requested = retryAfterSeconds ?? backoffSeconds(handle.deliveryAttempt);
    checkVisibility(requested, 'retryAfterSeconds');
    // Its last attempt: no retry comes. Visible at once, SQS moves it to the dead-letter queue at the next receive.
    const lastAttempt = handle.deliveryAttempt >= group.maxDeliveryAttempts;
    const delay = lastAttempt ? 0 : requested;
    await this.queues.changeVisibility(group.queueUrl, handle.queueHandle, delay);
    const attempt = { deliveryAttempt: handle.deliveryAttempt };
    await traceBestEffort(this.store, this.faults, [
      this.trace(handle, 'NACKED', group.name, lastAttempt ? attempt : { ...attempt, retryAfterSeconds: delay }),
      ...(lastAttempt
        ? [
            this.trace(handle, 'DEAD_LETTERED', group.name, {
              ...attempt,
              reason: 'nacked at its last attempt: SQS moves it to the dead-letter queue at the next receive',
            }),
          ]
        : []),
    ]);
    const scope = { topic: handle.topic, group: group.name };
    this.metrics.count('nacked', scope);
    if (lastAttempt) this.metrics.count('deadLettered', scope);
    return lastAttempt ? { retryAfterSeconds: 0, deadLettered: true } : { retryAfterSeconds: delay };
  }

  async changeVisibility(groupName: string, receiptHandle: string, invisibleSeconds: number): Promise<void> {
    const group = await this.requireGroup(groupName);
    checkVisibility(invisibleSeconds, 'invisibleSeconds');
    const handle = decodeReceiptHandleOf(group.name, receiptHandle, await this.receiptKeys.verifyingKey());
    await this.queues.changeVisibility(group.queueUrl, handle.queueHandle, invisibleSeconds);
  }

  /** Latency is measured on first deliveries only: a redelivery's wait is the retry policy's, not Ferry's. */
  private countReceived(group: string, received: ReceivedMessage[]): void {
    const now = this.clock.now();
    for (const message of received) {
      const scope = { topic: message.topic, group };
      this.metrics.count('received', scope);
      if (message.deliveryAttempt === 1)
        this.metrics.duration('publishToReceive', scope, Math.max(0, now - Date.parse(message.bornAt)));
    }
  }

  private async requireGroup(name: string): Promise<ConsumerGroup> {
    const group = await this.groups(name);
    if (group === undefined) throw new NotFoundError('GROUP', name);
    return group;
  }

  private trace(
    message: ReceiptHandle | ReceivedMessage,
    type: 'RECEIVED' | 'ACKED' | 'NACKED' | 'DEAD_LETTERED',
    group: string,
    detail: Record<string, number | string>,
  ): TraceEntry {
    return { message: refOf(message), event: { type, at: this.clock.now(), groups: [group], detail } };
  }
}

/**
 * A receive answers at most this many bytes: Lambda's synchronous response is 6 MB, and an answer past it fails after
 * SQS has hidden the messages and counted a delivery, so they would reach the dead-letter queue unseen.
 */
export const RECEIVE_ANSWER_MAX_BYTES = 5 * 1024 * 1024;

function toReceived(
  delivered: DeliveredMessage,
  message: IncomingMessage,
  group: string,
  key: Uint8Array,
): ReceivedMessage {
  const handle: ReceiptHandle = {
    queueHandle: message.queueHandle,
    messageId: delivered.messageId,
    topic: delivered.topic,
    deliveryAttempt: message.receiveCount,
    group,
  };
  if (delivered.messageGroup !== undefined) handle.messageGroup = delivered.messageGroup;
  return { ...delivered, deliveryAttempt: message.receiveCount, receiptHandle: encodeReceiptHandle(handle, key) };
}

function checkVisibility(seconds: number, field: string): void {
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > MAX_VISIBILITY_SECONDS) {
    throw new ValidationError(
      `${field} must be a whole number of seconds from 0 to ${MAX_VISIBILITY_SECONDS} (SQS's 12 hours)`,
      'INVALID_VISIBILITY',
    );
  }
}
