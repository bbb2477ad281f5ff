// Topics and consumer groups: creating, reading and deleting them, and the queues each group owns.
import { ConflictError, NotFoundError, ValidationError } from './errors.ts';
import type { ConsumerGroup, Subscription, Topic, TopicType } from './model.ts';
import type { CatalogStore, Clock, QueueBacklog, QueueService } from './ports.ts';
import { DEFAULT_MAX_DELIVERY_ATTEMPTS } from './retry-policy.ts';
import { compileFilter, FilterSyntaxError } from './filter/index.ts';

export interface TopicInput {
  messageType: TopicType;
  retentionHours?: number;
}

export interface GroupInput {
  subscriptions: Subscription[];
  maxDeliveryAttempts?: number;
}

export type GroupWithBacklog = ConsumerGroup & { backlog: QueueBacklog };

export class Admin {
  constructor(
    private readonly catalog: CatalogStore,
    private readonly queues: QueueService,
    private readonly clock: Clock,
    private readonly defaultRetentionHours: number,
  ) {}

  /** Same type again is a no-op; another type is a conflict (RocketMQ fixes a topic's type at creation). */
  async putTopic(name: string, input: TopicInput): Promise<Topic> {
    const wanted: Topic = {
      name,
      messageType: input.messageType,
      retentionHours: input.retentionHours ?? this.defaultRetentionHours,
      createdAt: new Date(this.clock.now()).toISOString(),
    };
    const stored = await this.catalog.createTopic(wanted);
    if (stored.messageType !== input.messageType) {
      throw new ConflictError(
        `topic '${name}' exists with message type ${stored.messageType}; delete it first to re-create it as ${input.messageType}`,
        'TOPIC_TYPE_CONFLICT',
      );
    }
    return stored;
  }

  async getTopic(name: string): Promise<Topic> {
    const topic = await this.catalog.getTopic(name);
    if (topic === undefined) throw new NotFoundError('TOPIC', name);
    return topic;
  }

  listTopics(): Promise<Topic[]> {
    return this.catalog.listTopics();
  }

  async deleteTopic(name: string): Promise<void> {
    if (!(await this.catalog.deleteTopic(name))) throw new NotFoundError('TOPIC', name);
  }

  async putGroup(name: string, input: GroupInput): Promise<GroupWithBacklog> {
    const topics = await this.subscribedTopics(input.subscriptions);
    validateFilters(input.subscriptions);
    const fifo = topics.some((topic) => topic.messageType === 'FIFO');
    if (fifo && topics.some((topic) => topic.messageType !== 'FIFO')) {
      throw new ValidationError(
        'a group subscribes either to FIFO topics only or to none: its queue is a FIFO queue or not',
        'MIXED_FIFO_SUBSCRIPTIONS',
      );
    }
    const previous = await this.catalog.getGroup(name);
    if (previous !== undefined && previous.fifo !== fifo) {
      throw new ConflictError(
        `group '${name}' has ${previous.fifo ? 'FIFO' : 'standard'} queues; delete it first to change that`,
        'GROUP_QUEUE_TYPE_CONFLICT',
      );
    }
    const maxDeliveryAttempts = input.maxDeliveryAttempts ?? DEFAULT_MAX_DELIVERY_ATTEMPTS;
    const urls = await this.queues.ensureGroupQueues(name, {
      fifo,
      maxDeliveryAttempts,
      ...(previous === undefined
        ? {}
        : { current: { queueUrl: previous.queueUrl, deadLetterQueueUrl: previous.deadLetterQueueUrl } }),
    });
    const now = new Date(this.clock.now()).toISOString();
    const group: ConsumerGroup = {
      name,
      subscriptions: input.subscriptions,
      maxDeliveryAttempts,
      fifo,
      queueUrl: urls.queueUrl,
      deadLetterQueueUrl: urls.deadLetterQueueUrl,
      createdAt: previous?.createdAt ?? now,
      updatedAt: now,
    };
    await this.catalog.putGroup(group, previous);
    return this.withBacklog(group);
  }

  async getGroup(name: string): Promise<GroupWithBacklog> {
    const group = await this.catalog.getGroup(name);
    if (group === undefined) throw new NotFoundError('GROUP', name);
    return this.withBacklog(group);
  }

  async listGroups(): Promise<GroupWithBacklog[]> {
    const groups = await this.catalog.listGroups();
    return Promise.all(groups.map((group) => this.withBacklog(group)));
  }

  async deleteGroup(name: string): Promise<void> {
    const group = await this.catalog.getGroup(name);
    if (group === undefined) throw new NotFoundError('GROUP', name);
    await this.catalog.deleteGroup(group);
    await this.queues.deleteGroupQueues(group.queueUrl, group.deadLetterQueueUrl);
  }

  private async withBacklog(group: ConsumerGroup): Promise<GroupWithBacklog> {
    return { ...group, backlog: await this.queues.backlog(group.queueUrl, group.deadLetterQueueUrl) };
  }

  private async subscribedTopics(subscriptions: Subscription[]): Promise<Topic[]> {
    const names = subscriptions.map((subscription) => subscription.topic);
    const duplicate = names.find((name, index) => names.indexOf(name) !== index);
    if (duplicate !== undefined) {
      throw new ValidationError(
        `topic '${duplicate}' appears in two subscriptions: one subscription per topic, combine the filters`,
        'DUPLICATE_SUBSCRIPTION',
      );
    }
    return Promise.all(
      names.map(async (name) => {
        const topic = await this.catalog.getTopic(name);
        if (topic === undefined) throw new NotFoundError('TOPIC', name);
        return topic;
      }),
    );
  }
}

/** A filter that does not parse is refused at group creation, saying what and where. */
function validateFilters(subscriptions: Subscription[]): void {
  for (const [index, subscription] of subscriptions.entries()) {
    try {
      compileFilter(subscription.filter);
    } catch (error) {
      if (error instanceof FilterSyntaxError) {
        throw new ValidationError(
          `subscriptions[${index}].filter (${subscription.filter?.type}) does not parse: ${error.message}`,
          'INVALID_FILTER',
        );
      }
      throw error;
    }
  }
}
