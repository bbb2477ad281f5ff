// Consumer-group queues in memory, with SQS's semantics: visibility, receive counts, delays, FIFO groups with one
// consumer at a time, deduplication, and redrive to the dead-letter queue after the group's max delivery attempts.
import { randomUUID } from 'node:crypto';
import { GroupQueueGoneError } from '../core/errors.ts';
import { deadLetterQueueName, groupQueueName } from '../core/names.ts';
import { QUEUE_BODY_MAX_BYTES } from '../core/queue-body.ts';
import { MAX_VISIBILITY_SECONDS } from '../core/retry-policy.ts';
import type {
  Clock,
  GroupQueueUrls,
  IncomingMessage,
  OutgoingMessage,
  QueueBacklog,
  QueueService,
  SendFailure,
  SendResult,
} from '../core/ports.ts';

/** SQS's limits that Ferry relies on. */
const MAX_DELAY_SECONDS = 900;
const DEDUPLICATION_WINDOW_MS = 5 * 60_000;
const SQS_RECEIVE_MAX = 10;
/** The queue's own visibility timeout, RocketMQ's 30 s (as the SQS adapter sets it). */
const DEFAULT_VISIBILITY_SECONDS = 30;

interface QueuedMessage {
  body: string;
  groupId?: string;
  /** Epoch ms from which it can be received: after its delay, or after its invisible time once received. */
  visibleAt: number;
  receiveCount: number;
  /** The handle of its latest receive; only that one deletes it or changes its visibility. */
  handle?: string;
}

interface Queue {
  fifo: boolean;
  messages: QueuedMessage[];
  redrive?: { deadLetterQueueUrl: string; maxReceiveCount: number };
  /** FIFO: deduplication key (message group and deduplication id) → end of its window. */
  deduplication: Map<string, number>;
  issuedHandles: Set<string>;
}

export class MemoryQueues implements QueueService {
  private readonly queues = new Map<string, Queue>();

  constructor(
    private readonly clock: Clock,
    private readonly queuePrefix = 'ferry-',
  ) {}

  /** Nothing but Ferry creates queues here, so there is no foreign queue to refuse (the SQS adapter checks tags). */
  async ensureGroupQueues(
    group: string,
    options: { fifo: boolean; maxDeliveryAttempts: number; current?: GroupQueueUrls },
  ): Promise<GroupQueueUrls> {
    const deadLetterQueueUrl =
      options.current?.deadLetterQueueUrl ??
      this.ensureQueue(deadLetterQueueName(this.queuePrefix, group, options.fifo), options.fifo);
    const queueUrl =
      options.current?.queueUrl ??
      this.ensureQueue(groupQueueName(this.queuePrefix, group, options.fifo), options.fifo);
    this.queues.get(queueUrl)!.redrive = { deadLetterQueueUrl, maxReceiveCount: options.maxDeliveryAttempts };
    return { queueUrl, deadLetterQueueUrl };
  }

  async deleteGroupQueues(queueUrl: string, deadLetterQueueUrl: string): Promise<void> {
    this.queues.delete(queueUrl);
    this.queues.delete(deadLetterQueueUrl);
  }

  async send(queueUrl: string, messages: OutgoingMessage[]): Promise<SendResult> {
    const queue = this.queues.get(queueUrl);
    if (queue === undefined)
      return {
        failed: messages.map((message) => ({ id: message.id, kind: 'queue-missing', reason: 'QueueDoesNotExist' })),
      };
    const now = this.clock.now();
    const failed: SendFailure[] = [];
    const stoppedGroups = new Set<string>();
    for (const message of messages) {
      // Once a message of a FIFO group fails, no later one of that group is sent (the SQS adapter's promise); a message
      // refused for good does not stop its group.
      if (queue.fifo && stoppedGroups.has(message.messageGroupId ?? '')) {
        failed.push({
          id: message.id,
          kind: 'transient',
          reason: 'an earlier message of its message group was not sent',
        });
        continue;
      }
      if (refused(queue, message)) {
        failed.push({
          id: message.id,
          kind: 'permanent',
          reason: 'InvalidParameterValue: the queue refuses this message',
        });
        continue;
      }
      if (queue.fifo && this.isDuplicate(queue, message, now)) continue;
      const queued: QueuedMessage = {
        body: message.body,
        visibleAt: now + (message.delaySeconds ?? 0) * 1000,
        receiveCount: 0,
      };
      if (message.messageGroupId !== undefined) queued.groupId = message.messageGroupId;
      queue.messages.push(queued);
    }
    return { failed };
  }

  async receive(
    queueUrl: string,
    options: { maxMessages: number; waitSeconds: number; invisibleSeconds?: number },
  ): Promise<IncomingMessage[]> {
    const queue = this.requireQueue(queueUrl);
    const now = this.clock.now();
    const invisibleMs = (options.invisibleSeconds ?? DEFAULT_VISIBILITY_SECONDS) * 1000;
    const wanted = Math.min(options.maxMessages, SQS_RECEIVE_MAX);
    // FIFO: a group with a message in flight hands out nothing later until that one is deleted or visible again.
    const busyGroups = new Set(
      queue.messages
        .filter((message) => message.groupId !== undefined && isInFlight(message, now))
        .map((message) => message.groupId!),
    );
    const received: IncomingMessage[] = [];
    for (const message of [...queue.messages]) {
      if (received.length === wanted) break;
      if (message.visibleAt > now || (queue.fifo && busyGroups.has(message.groupId!))) continue;
      if (queue.redrive !== undefined && message.receiveCount >= queue.redrive.maxReceiveCount) {
        this.moveToDeadLetters(queue, message, now);
        continue;
      }
      message.receiveCount++;
      message.visibleAt = now + invisibleMs;
      message.handle = randomUUID();
      queue.issuedHandles.add(message.handle);
      received.push({ body: message.body, queueHandle: message.handle, receiveCount: message.receiveCount });
    }
    return received;
  }

  async delete(
    queueUrl: string,
    queueHandles: string[],
  ): Promise<{ failed: Array<{ queueHandle: string; reason: string }> }> {
    const queue = this.requireQueue(queueUrl);
    const failed: Array<{ queueHandle: string; reason: string }> = [];
    for (const handle of queueHandles) {
      if (!queue.issuedHandles.has(handle)) {
        failed.push({
          queueHandle: handle,
          reason: 'ReceiptHandleIsInvalid: the receipt handle was not issued by this queue',
        });
        continue;
      }
      // An outdated handle succeeds without deleting: SQS says the message "might not be deleted", and here it is not.
      const index = queue.messages.findIndex((message) => message.handle === handle);
      if (index >= 0) queue.messages.splice(index, 1);
    }
    return { failed };
  }

  async changeVisibility(queueUrl: string, queueHandle: string, seconds: number): Promise<void> {
    const queue = this.requireQueue(queueUrl);
    if (!Number.isInteger(seconds) || seconds < 0 || seconds > MAX_VISIBILITY_SECONDS) {
      throw new Error(`InvalidParameterValue: VisibilityTimeout ${seconds} is not within 0..${MAX_VISIBILITY_SECONDS}`);
    }
    const now = this.clock.now();
    const message = queue.messages.find((candidate) => candidate.handle === queueHandle);
    if (message === undefined || !isInFlight(message, now))
      throw new Error('MessageNotInflight: the message is not in flight under this receipt handle');
    message.visibleAt = now + seconds * 1000;
  }

  async backlog(queueUrl: string, deadLetterQueueUrl: string): Promise<QueueBacklog> {
    const now = this.clock.now();
    const main = this.requireQueue(queueUrl).messages;
    return {
      visible: main.filter((message) => message.visibleAt <= now).length,
      inFlight: main.filter((message) => isInFlight(message, now)).length,
      delayed: main.filter((message) => message.handle === undefined && message.visibleAt > now).length,
      deadLetters: await this.deadLetterCount(deadLetterQueueUrl),
    };
  }

  async deadLetterCount(deadLetterQueueUrl: string): Promise<number> {
    const now = this.clock.now();
    return this.requireQueue(deadLetterQueueUrl).messages.filter((message) => message.visibleAt <= now).length;
  }

  private ensureQueue(name: string, fifo: boolean): string {
    const url = `memory://sqs/${name}`;
    if (!this.queues.has(url))
      this.queues.set(url, { fifo, messages: [], deduplication: new Map(), issuedHandles: new Set() });
    return url;
  }

  private requireQueue(queueUrl: string): Queue {
    const queue = this.queues.get(queueUrl);
    if (queue === undefined) throw new GroupQueueGoneError(queueUrl);
    return queue;
  }

  private isDuplicate(queue: Queue, message: OutgoingMessage, now: number): boolean {
    // High-throughput FIFO queues deduplicate per message group.
    const key = `${message.messageGroupId}\u0000${message.deduplicationId}`;
    const until = queue.deduplication.get(key);
    if (until !== undefined && until > now) return true;
    queue.deduplication.set(key, now + DEDUPLICATION_WINDOW_MS);
    return false;
  }

  /** SQS moves a message aside when it would be received once more than the queue's max receive count. */
  private moveToDeadLetters(queue: Queue, message: QueuedMessage, now: number): void {
    queue.messages.splice(queue.messages.indexOf(message), 1);
    const deadLetters = this.queues.get(queue.redrive!.deadLetterQueueUrl);
    const moved: QueuedMessage = { body: message.body, visibleAt: now, receiveCount: 0 };
    if (message.groupId !== undefined) moved.groupId = message.groupId;
    deadLetters?.messages.push(moved);
  }
}

function isInFlight(message: QueuedMessage, now: number): boolean {
  return message.handle !== undefined && message.visibleAt > now;
}

/** What SQS refuses in a send: too large, a delay beyond 15 minutes, a FIFO message without group or with a delay of its own. */
function refused(queue: Queue, message: OutgoingMessage): boolean {
  const delay = message.delaySeconds ?? 0;
  if (Buffer.byteLength(message.body, 'utf8') > QUEUE_BODY_MAX_BYTES) return true;
  if (!Number.isInteger(delay) || delay < 0 || delay > MAX_DELAY_SECONDS) return true;
  return queue.fifo && (message.messageGroupId === undefined || message.deduplicationId === undefined || delay > 0);
}
