// Consumer-group queues in SQS: one queue and one dead-letter queue per group, named by Ferry's queue prefix.
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  ListQueueTagsCommand,
  QueueDeletedRecently,
  QueueDoesNotExist,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SetQueueAttributesCommand,
  TagQueueCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { ConflictError, GroupQueueGoneError, ValidationError, type FerryError } from '../core/errors.ts';
import { ownedBy, queueName, queueTags, type QueueRole } from '../core/names.ts';
import { QUEUE_BODY_MAX_BYTES } from '../core/queue-body.ts';
import { mapConcurrently } from '../core/concurrency.ts';
import type {
  IncomingMessage,
  OutgoingMessage,
  QueueBacklog,
  GroupQueueUrls,
  QueueService,
  SendFailure,
  SendResult,
} from '../core/ports.ts';

/**
 * Entry errors by which SQS refuses the message itself (its group id, size, characters or attributes): sending it
 * again cannot help. Any other failure (throttling, KMS, an outage) is retried.
 */
const REFUSED_FOR_GOOD = new Set([
  'InvalidMessageContents',
  'InvalidParameterValue',
  'MissingParameter',
  'MessageTooLong',
  'InvalidAttributeName',
  'InvalidAttributeValue',
]);

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
  if (
    name === 'MessageNotInflight' ||
    (name === 'InvalidParameterValue' && /not available|does not exist/i.test((error as Error).message))
  ) {
    return new ConflictError(
      'the message is no longer in flight for this receipt handle: it was acknowledged, its invisible time ran out, or a newer receive holds it',
      'MESSAGE_NOT_INFLIGHT',
    );
  }
  if (name === 'ReceiptHandleIsInvalid' || name === 'InvalidParameterValue') {
    return new ValidationError(
      `the queue refused the receipt handle: ${(error as Error).message}`,
      'INVALID_RECEIPT_HANDLE',
    );
  }
  return undefined;
}

/** A call on a group's queue: a queue that does not exist answers as the group's 404, not as a bug. */
async function onGroupQueue<T>(queueUrl: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof QueueDoesNotExist) throw new GroupQueueGoneError(queueUrl);
    throw error;
  }
}

/** SQS's longest retention: what waits in a queue is kept as long as SQS can. */
const RETENTION_SECONDS = String(14 * 24 * 3600);
/** Default invisible time of a received message, RocketMQ's 30 s. */
const DEFAULT_VISIBILITY_SECONDS = '30';

export class SqsQueues implements QueueService {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queuePrefix: string,
    /** Written into the `ferry:stack` tag of every queue created, and required there of every queue adopted. */
    private readonly stackName: string,
  ) {}

  /**
   * A new group's queues are created with this Ferry's tags; a queue of that name that exists already is adopted only
   * when its tags say it is this Ferry's queue of that role for this group (a PUT that failed half way), else 409. A
   * group that has queues (`current`, from the catalog) keeps them, whatever their names: groups created before the
   * present naming keep their queues and messages, and get their tags now. A queue of the group's that no longer
   * exists (deleted outside Ferry) is created again, so that a PUT of the group mends it.
   */
  async ensureGroupQueues(
    group: string,
    options: { fifo: boolean; maxDeliveryAttempts: number; current?: GroupQueueUrls },
  ): Promise<GroupQueueUrls> {
    const deadLetterQueue = await this.queueOf(group, 'dlq', options.fifo, options.current?.deadLetterQueueUrl);
    const redrivePolicy = JSON.stringify({
      deadLetterTargetArn: deadLetterQueue.arn,
      maxReceiveCount: options.maxDeliveryAttempts,
    });
    const { url: queueUrl } = await this.queueOf(group, 'main', options.fifo, options.current?.queueUrl);
    await this.configure(deadLetterQueue.url, {});
    await this.configure(queueUrl, { RedrivePolicy: redrivePolicy, VisibilityTimeout: DEFAULT_VISIBILITY_SECONDS });
    return { queueUrl, deadLetterQueueUrl: deadLetterQueue.url };
  }

  /**
   * The group's queue of this role and its ARN: the one the catalog names (`current`) while it exists, tagged now; else
   * one created or adopted.
   */
  private async queueOf(
    group: string,
    role: QueueRole,
    fifo: boolean,
    current: string | undefined,
  ): Promise<{ url: string; arn: string }> {
    const currentArn = current === undefined ? undefined : await this.arnIfExists(current);
    if (current !== undefined && currentArn !== undefined) {
      await this.tag(current, group, role);
      return { url: current, arn: currentArn };
    }
    const url = await this.createOrAdopt(group, role, fifo);
    const arn = await this.arnIfExists(url);
    if (arn === undefined) throw new Error(`queue ${url} was gone as soon as it was made`);
    return { url, arn };
  }

  private async arnIfExists(queueUrl: string): Promise<string | undefined> {
    try {
      const { Attributes } = await this.sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
      );
      return Attributes?.QueueArn ?? '';
    } catch (error) {
      if (error instanceof QueueDoesNotExist) return undefined;
      throw error;
    }
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

  async send(queueUrl: string, messages: OutgoingMessage[]): Promise<SendResult> {
    if (!queueUrl.endsWith('.fifo')) {
      const failed = await mapConcurrently(sendBatches(messages), SEND_CONCURRENCY, (batch) =>
        this.sendBatch(queueUrl, batch),
      );
      return { failed: failed.flat() };
    }
    return this.sendInGroupOrder(queueUrl, messages);
  }

  /**
   * A FIFO queue gets its messages in rounds, one batch after another, each batch holding at most one message of a
   * message group: SQS reports each entry of a batch on its own, so two entries of one group in one batch could see
   * the later one enqueued while the earlier one failed. After a group's first failure, nothing more of that group is
   * sent (a retry from the failure keeps the group's order); a permanent refusal does not stop the group.
   */
  private async sendInGroupOrder(queueUrl: string, messages: OutgoingMessage[]): Promise<SendResult> {
    const failed: SendFailure[] = [];
    const stopped = new Set<string>();
    let pending = messages;
    while (pending.length > 0) {
      const round: OutgoingMessage[] = [];
      const later: OutgoingMessage[] = [];
      const inRound = new Set<string>();
      for (const message of pending) {
        const group = message.messageGroupId ?? '';
        if (stopped.has(group)) {
          failed.push({
            id: message.id,
            kind: 'transient',
            reason: 'an earlier message of its message group was not sent',
          });
        } else if (inRound.has(group) || round.length === SQS_BATCH_MAX) {
          later.push(message);
        } else {
          inRound.add(group);
          round.push(message);
        }
      }
      const byId = new Map(round.map((message) => [message.id, message]));
      for (const failure of round.length === 0 ? [] : await this.sendBatch(queueUrl, round)) {
        failed.push(failure);
        if (failure.kind !== 'permanent') stopped.add(byId.get(failure.id)?.messageGroupId ?? '');
      }
      pending = later;
    }
    return { failed };
  }

  private async sendBatch(queueUrl: string, batch: OutgoingMessage[]): Promise<SendFailure[]> {
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
      return (Failed ?? []).map((failure) => ({
        id: failure.Id ?? '',
        kind: failure.SenderFault === true && REFUSED_FOR_GOOD.has(failure.Code ?? '') ? 'permanent' : 'transient',
        reason: `${failure.Code ?? 'Failed'}: ${failure.Message ?? 'SQS did not take the message'}`,
      }));
    } catch (error) {
      const kind = error instanceof QueueDoesNotExist ? 'queue-missing' : 'transient';
      return batch.map((message) => ({
        id: message.id,
        kind,
        reason: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      }));
    }
  }

  async receive(
    queueUrl: string,
    options: { maxMessages: number; waitSeconds: number; invisibleSeconds?: number },
  ): Promise<IncomingMessage[]> {
    const { Messages } = await onGroupQueue(queueUrl, () =>
      this.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: options.maxMessages,
          WaitTimeSeconds: options.waitSeconds,
          VisibilityTimeout: options.invisibleSeconds,
          MessageSystemAttributeNames: ['ApproximateReceiveCount'],
        }),
      ),
    );
    return (Messages ?? []).map((message) => ({
      body: message.Body ?? '',
      queueHandle: message.ReceiptHandle ?? '',
      receiveCount: Number(message.Attributes?.ApproximateReceiveCount ?? 1),
    }));
  }

  async delete(
    queueUrl: string,
    queueHandles: string[],
  ): Promise<{ failed: Array<{ queueHandle: string; reason: string }> }> {
    const failed: Array<{ queueHandle: string; reason: string }> = [];
    for (let start = 0; start < queueHandles.length; start += SQS_BATCH_MAX) {
      const batch = queueHandles.slice(start, start + SQS_BATCH_MAX);
      const { Failed } = await onGroupQueue(queueUrl, () =>
        this.sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: batch.map((handle, index) => ({ Id: String(index), ReceiptHandle: handle })),
          }),
        ),
      );
      for (const failure of Failed ?? []) {
        failed.push({
          queueHandle: batch[Number(failure.Id)] ?? '',
          reason: failure.Message ?? failure.Code ?? 'the queue refused the acknowledgement',
        });
      }
    }
    return { failed };
  }

  async changeVisibility(queueUrl: string, queueHandle: string, seconds: number): Promise<void> {
    try {
      await onGroupQueue(queueUrl, () =>
        this.sqs.send(
          new ChangeMessageVisibilityCommand({
            QueueUrl: queueUrl,
            ReceiptHandle: queueHandle,
            VisibilityTimeout: seconds,
          }),
        ),
      );
    } catch (error) {
      throw callersFault(error) ?? error;
    }
  }

  async backlog(queueUrl: string, deadLetterQueueUrl: string): Promise<QueueBacklog> {
    const [main, deadLetters] = await onGroupQueue(queueUrl, () =>
      Promise.all([
        this.sqs.send(
          new GetQueueAttributesCommand({
            QueueUrl: queueUrl,
            AttributeNames: [
              'ApproximateNumberOfMessages',
              'ApproximateNumberOfMessagesNotVisible',
              'ApproximateNumberOfMessagesDelayed',
            ],
          }),
        ),
        this.deadLetterCount(deadLetterQueueUrl),
      ]),
    );
    return {
      visible: Number(main.Attributes?.ApproximateNumberOfMessages ?? 0),
      inFlight: Number(main.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0),
      delayed: Number(main.Attributes?.ApproximateNumberOfMessagesDelayed ?? 0),
      deadLetters,
    };
  }

  async deadLetterCount(deadLetterQueueUrl: string): Promise<number> {
    const { Attributes } = await onGroupQueue(deadLetterQueueUrl, () =>
      this.sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: deadLetterQueueUrl,
          AttributeNames: ['ApproximateNumberOfMessages'],
        }),
      ),
    );
    return Number(Attributes?.ApproximateNumberOfMessages ?? 0);
  }

  /**
   * CreateQueue answers the URL of an existing queue of that name and leaves its tags as they are (SQS and fauxqs
   * alike), so the tags read back tell whether the queue is the one just created (or an earlier one of ours) or
   * someone else's. Only the fixed FIFO attributes go into CreateQueue: it fails on an existing queue with others.
   */
  private async createOrAdopt(group: string, role: QueueRole, fifo: boolean): Promise<string> {
    const name = queueName(this.queuePrefix, group, role, fifo);
    // High-throughput FIFO: deduplication and throughput are per message group.
    const creation: Record<string, string> = fifo
      ? { FifoQueue: 'true', DeduplicationScope: 'messageGroup', FifoThroughputLimit: 'perMessageGroupId' }
      : {};
    const { QueueUrl } = await this.sqs
      .send(
        new CreateQueueCommand({ QueueName: name, Attributes: creation, tags: queueTags(this.stackName, group, role) }),
      )
      .catch((error: unknown) => {
        // SQS refuses a queue of a name deleted less than 60 s ago (fauxqs does not: a stubbed client tests this).
        if (error instanceof QueueDeletedRecently)
          throw new ConflictError(
            `queue ${name} was deleted less than 60 seconds ago (the group was deleted), and SQS creates a queue of that name only 60 seconds after: PUT the group again then`,
            'QUEUE_DELETED_RECENTLY',
          );
        throw error;
      });
    if (QueueUrl === undefined) throw new Error(`SQS returned no URL for queue ${name}`);
    const { Tags } = await this.sqs.send(new ListQueueTagsCommand({ QueueUrl }));
    if (!ownedBy(Tags, this.stackName, group, role)) {
      throw new ConflictError(
        `an SQS queue named '${name}' already exists and is not this Ferry's ${role === 'dlq' ? 'dead-letter queue' : 'queue'} for group '${group}' (its ferry:stack, ferry:group and ferry:role tags do not say so); Ferry does not take over a queue it did not create: delete that queue or choose another group name`,
        'QUEUE_NOT_FERRYS',
      );
    }
    return QueueUrl;
  }

  private async tag(queueUrl: string, group: string, role: QueueRole): Promise<void> {
    await this.sqs.send(new TagQueueCommand({ QueueUrl: queueUrl, Tags: queueTags(this.stackName, group, role) }));
  }

  private async configure(queueUrl: string, attributes: Record<string, string>): Promise<void> {
    await this.sqs.send(
      new SetQueueAttributesCommand({
        QueueUrl: queueUrl,
        Attributes: { MessageRetentionPeriod: RETENTION_SECONDS, SqsManagedSseEnabled: 'true', ...attributes },
      }),
    );
  }
}
