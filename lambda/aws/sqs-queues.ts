// Consumer-group queues in SQS: one queue and one dead-letter queue per group, named by Ferry's queue prefix.
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  QueueDoesNotExist,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SetQueueAttributesCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { ConflictError, ValidationError, type FerryError } from '../core/errors.ts';
import { deadLetterQueueName, groupQueueName } from '../core/names.ts';
import { QUEUE_BODY_MAX_BYTES } from '../core/queue-body.ts';
import { mapConcurrently } from '../core/concurrency.ts';
import type { IncomingMessage, OutgoingMessage, QueueBacklog, QueueService } from '../core/ports.ts';
import { logger } from './logger.ts';

/** SQS's batch limit for send and delete. */
const SQS_BATCH_MAX = 10;

/** Batch sends in flight at once to one standard queue. */
const SEND_CONCURRENCY = 5;

/** Batches of at most 10 messages and 1 MiB together, SQS's two limits on one send. */
function sendBatches(messages: OutgoingMessage[]): OutgoingMessage[][] {
  const batches: OutgoingMessage[][] = [];
  let current: OutgoingMessage[] = [];
  let bytes = 0;
  for (const message of messages) {
    const size = Buffer.byteLength(message.body, 'utf8');
    if (current.length === SQS_BATCH_MAX || (current.length > 0 && bytes + size > QUEUE_BODY_MAX_BYTES)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(message);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
/**
 * SQS errors about a receipt handle are the consumer's to fix (a handle already acknowledged, expired or made up):
 * answered as the contract's 4xx, never as a 500.
 */
function callersFault(error: unknown): FerryError | undefined {
  const name = error instanceof Error ? error.name : '';
  if (name === 'MessageNotInflight' || (name === 'InvalidParameterValue' && /not available|does not exist/i.test((error as Error).message))) {
    return new ConflictError(
      'the message is no longer in flight for this receipt handle: it was acknowledged, its invisible time ran out, or a newer receive holds it',
      'MESSAGE_NOT_INFLIGHT',
    );
  }
  if (name === 'ReceiptHandleIsInvalid' || name === 'InvalidParameterValue') {
    return new ValidationError(`the queue refused the receipt handle: ${(error as Error).message}`, 'INVALID_RECEIPT_HANDLE');
  }
  return undefined;
}

/** SQS's longest retention: what waits in a queue is kept as long as SQS can. */
const RETENTION_SECONDS = String(14 * 24 * 3600);
/** Default invisible time of a received message, RocketMQ's 30 s. */
const DEFAULT_VISIBILITY_SECONDS = '30';

export class SqsQueues implements QueueService {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queuePrefix: string,
  ) {}

  async ensureGroupQueues(group: string, options: { fifo: boolean; maxDeliveryAttempts: number }): Promise<{ queueUrl: string; deadLetterQueueUrl: string }> {
    const deadLetterQueueUrl = await this.ensureQueue(deadLetterQueueName(this.queuePrefix, group, options.fifo), options.fifo, {});
    const { Attributes } = await this.sqs.send(new GetQueueAttributesCommand({ QueueUrl: deadLetterQueueUrl, AttributeNames: ['QueueArn'] }));
    const redrivePolicy = JSON.stringify({ deadLetterTargetArn: Attributes?.QueueArn, maxReceiveCount: options.maxDeliveryAttempts });
    const queueUrl = await this.ensureQueue(groupQueueName(this.queuePrefix, group, options.fifo), options.fifo, {
      RedrivePolicy: redrivePolicy,
      VisibilityTimeout: DEFAULT_VISIBILITY_SECONDS,
    });
    return { queueUrl, deadLetterQueueUrl };
  }

  async deleteGroupQueues(queueUrl: string, deadLetterQueueUrl: string): Promise<void> {
    for (const url of [queueUrl, deadLetterQueueUrl]) {
      try {
        await this.sqs.send(new DeleteQueueCommand({ QueueUrl: url }));
      } catch (error) {
        if (!(error instanceof QueueDoesNotExist)) throw error;
      }
    }
  }

  async send(queueUrl: string, messages: OutgoingMessage[]): Promise<{ failedIds: string[] }> {
    const batches = sendBatches(messages);
    if (!queueUrl.endsWith('.fifo')) {
      const failed = await mapConcurrently(batches, SEND_CONCURRENCY, (batch) => this.sendBatch(queueUrl, batch));
      return { failedIds: failed.flat() };
    }
    // A FIFO queue receives its batches one after another, and once a message of a group fails no later one of
    // that group is sent, so that a retry from the failure cannot put the group out of order.
    const failedIds: string[] = [];
    const stoppedGroups = new Set<string>();
    for (const batch of batches) {
      const sendable = batch.filter((message) => !stoppedGroups.has(message.messageGroupId ?? ''));
      const failed = new Set(sendable.length === 0 ? [] : await this.sendBatch(queueUrl, sendable));
      for (const message of batch) {
        if (failed.has(message.id) || !sendable.includes(message)) {
          failedIds.push(message.id);
          stoppedGroups.add(message.messageGroupId ?? '');
        }
      }
    }
    return { failedIds };
  }

  private async sendBatch(queueUrl: string, batch: OutgoingMessage[]): Promise<string[]> {
    try {
      const { Failed } = await this.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: batch.map((message) => ({
            Id: message.id,
            MessageBody: message.body,
            DelaySeconds: message.delaySeconds,
            MessageGroupId: message.messageGroupId,
            MessageDeduplicationId: message.deduplicationId,
          })),
        }),
      );
      return (Failed ?? []).map((failure) => failure.Id ?? '');
    } catch (error) {
      // The group was deleted after the dispatcher read its routes (they are cached): nobody is left to receive these,
      // and failing the batch would hold back every other group's messages behind it until the cache expired.
      if (error instanceof QueueDoesNotExist) {
        logger.warn('queue of a deleted group: messages for it dropped', { queueUrl, count: batch.length });
        return [];
      }
      return batch.map((message) => message.id);
    }
  }

  async receive(queueUrl: string, options: { maxMessages: number; waitSeconds: number; invisibleSeconds?: number }): Promise<IncomingMessage[]> {
    const { Messages } = await this.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: options.maxMessages,
        WaitTimeSeconds: options.waitSeconds,
        VisibilityTimeout: options.invisibleSeconds,
        MessageSystemAttributeNames: ['ApproximateReceiveCount'],
      }),
    );
    return (Messages ?? []).map((message) => ({
      body: message.Body ?? '',
      queueHandle: message.ReceiptHandle ?? '',
      receiveCount: Number(message.Attributes?.ApproximateReceiveCount ?? 1),
    }));
  }

  async delete(queueUrl: string, queueHandles: string[]): Promise<{ failed: Array<{ queueHandle: string; reason: string }> }> {
    const failed: Array<{ queueHandle: string; reason: string }> = [];
    for (let start = 0; start < queueHandles.length; start += SQS_BATCH_MAX) {
      const batch = queueHandles.slice(start, start + SQS_BATCH_MAX);
      const { Failed } = await this.sqs.send(
        new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: batch.map((handle, index) => ({ Id: String(index), ReceiptHandle: handle })) }),
      );
      for (const failure of Failed ?? []) {
        failed.push({ queueHandle: batch[Number(failure.Id)] ?? '', reason: failure.Message ?? failure.Code ?? 'the queue refused the acknowledgement' });
      }
    }
    return { failed };
  }

  async changeVisibility(queueUrl: string, queueHandle: string, seconds: number): Promise<void> {
    try {
      await this.sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: queueHandle, VisibilityTimeout: seconds }));
    } catch (error) {
      throw callersFault(error) ?? error;
    }
  }

  async backlog(queueUrl: string, deadLetterQueueUrl: string): Promise<QueueBacklog> {
    const [main, dead] = await Promise.all([
      this.sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: queueUrl,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
        }),
      ),
      this.sqs.send(new GetQueueAttributesCommand({ QueueUrl: deadLetterQueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] })),
    ]);
    return {
      visible: Number(main.Attributes?.ApproximateNumberOfMessages ?? 0),
      inFlight: Number(main.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0),
      delayed: Number(main.Attributes?.ApproximateNumberOfMessagesDelayed ?? 0),
      deadLetters: Number(dead.Attributes?.ApproximateNumberOfMessages ?? 0),
    };
  }

  /** CreateQueue fails on an existing queue with other attributes, so only the fixed FIFO ones go there. */
  private async ensureQueue(name: string, fifo: boolean, attributes: Record<string, string>): Promise<string> {
    // High-throughput FIFO: deduplication and throughput are per message group.
    const creation: Record<string, string> = fifo ? { FifoQueue: 'true', DeduplicationScope: 'messageGroup', FifoThroughputLimit: 'perMessageGroupId' } : {};
    const { QueueUrl } = await this.sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: creation }));
    if (QueueUrl === undefined) throw new Error(`SQS returned no URL for queue ${name}`);
    await this.sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { MessageRetentionPeriod: RETENTION_SECONDS, SqsManagedSseEnabled: 'true', ...attributes } }));
    return QueueUrl;
  }
}
