// A group's dead letters: the messages SQS moved aside after maxDeliveryAttempts, to look at and to send back.
import { NotFoundError } from './errors.ts';
import type { ConsumerGroup, QueuedMessage } from './model.ts';
import type { OutgoingMessage, QueueService } from './ports.ts';

/** How many dead letters one redrive call moves at most; call again for more. */
const REDRIVE_MAX = 1000;

export class DeadLetters {
  constructor(
    private readonly groups: (name: string) => Promise<ConsumerGroup | undefined>,
    private readonly queues: QueueService,
    private readonly now: () => number,
  ) {}

  /**
   * Up to 10 dead letters, left where they are (received with no invisible time), as the queue holds them: a large body
   * as its reference (ten whole ones could pass Lambda's 6 MB answer).
   */
  async list(groupName: string): Promise<QueuedMessage[]> {
    const group = await this.requireGroup(groupName);
    const incoming = await this.queues.receive(group.deadLetterQueueUrl, {
      maxMessages: 10,
      waitSeconds: 0,
      invisibleSeconds: 0,
    });
    return incoming.map((message) => JSON.parse(message.body) as QueuedMessage);
  }

  /** Sends dead letters back to the group's queue, each deleted from the dead-letter queue only once it is there. */
  async redrive(groupName: string): Promise<{ redriven: number }> {
    const group = await this.requireGroup(groupName);
    let redriven = 0;
    while (redriven < REDRIVE_MAX) {
      const incoming = await this.queues.receive(group.deadLetterQueueUrl, {
        maxMessages: 10,
        waitSeconds: 0,
        invisibleSeconds: 60,
      });
      if (incoming.length === 0) break;
      const outgoing = incoming.map((message, index) => this.resend(message.body, index, group.fifo));
      const { failed } = await this.queues.send(group.queueUrl, outgoing);
      const failedIds = new Set(failed.map((failure) => failure.id));
      const sent = incoming.filter((_, index) => !failedIds.has(String(index)));
      await this.queues.delete(
        group.deadLetterQueueUrl,
        sent.map((message) => message.queueHandle),
      );
      redriven += sent.length;
      if (sent.length < incoming.length) break;
    }
    return { redriven };
  }

  private resend(body: string, index: number, fifo: boolean): OutgoingMessage {
    const outgoing: OutgoingMessage = { id: String(index), body };
    if (fifo) {
      const message = JSON.parse(body) as QueuedMessage;
      outgoing.messageGroupId = message.messageGroup ?? message.topic;
      // A new deduplication id: the original one would make SQS drop the redriven copy within its window.
      outgoing.deduplicationId = `${message.messageId}-redrive-${this.now()}`;
    }
    return outgoing;
  }

  private async requireGroup(name: string): Promise<ConsumerGroup> {
    const group = await this.groups(name);
    if (group === undefined) throw new NotFoundError('GROUP', name);
    return group;
  }
}
