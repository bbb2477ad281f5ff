// Topics and consumer groups: creating, reading and deleting them, and the queues each group owns.
import { ConflictError, NotFoundError, ValidationError } from './errors.ts';
import type { ConsumerGroup, PushSettings, Subscription, Topic, TopicType } from './model.ts';
import type { CatalogStore, Clock, PushMappings, QueueBacklog, QueueService } from './ports.ts';
import { DEFAULT_PUSH_MAX_CONCURRENCY, DEFAULT_PUSH_TIMEOUT_SECONDS } from './push.ts';
import { refuseEndpoint, type EndpointRules, type Resolve } from './endpoint-rules.ts';
import { newSigningSecret } from './signature.ts';
import { DEFAULT_MAX_DELIVERY_ATTEMPTS } from './retry-policy.ts';
import { compileFilter, FilterSyntaxError } from './filter/index.ts';

export interface TopicInput {
  messageType: TopicType;
  retentionHours?: number;
}

export interface GroupInput {
  subscriptions: Subscription[];
  maxDeliveryAttempts?: number;
  push?:
    | {
        url: string;
        maxConcurrency?: number | undefined;
        ratePerSecond?: number | undefined;
        timeoutSeconds?: number | undefined;
      }
    | undefined;
}

/** A group as the API shows it: never its push secret, except once, as `signingSecret`, when push makes one. */
export type GroupWithBacklog = Omit<ConsumerGroup, 'pushSecret'> & { backlog: QueueBacklog; signingSecret?: string };

/** Push groups' settings, and how each is honoured where it runs. */
export interface PushOptions {
  mappings: PushMappings;
  /** The check-backs' rules (https to public addresses in AWS; http on loopback in the local stack). */
  endpointRules: EndpointRules;
  resolve: Resolve;
}

/**
 * Drops what this instance cached of a topic or group it has just changed, so that its own next request sees the change
 * (other instances see it when their cache ends, FERRY_CATALOG_CACHE_SECONDS).
 */
export type ForgetCached = (kind: 'topic' | 'group', name: string) => void;

export class Admin {
  constructor(
    private readonly catalog: CatalogStore,
    private readonly queues: QueueService,
    private readonly clock: Clock,
    private readonly defaultRetentionHours: number,
    private readonly push: PushOptions,
    private readonly forget: ForgetCached = () => undefined,
  ) {}

  /** Same type again is a no-op; another type is a conflict (RocketMQ fixes a topic's type at creation). */
  async putTopic(name: string, input: TopicInput): Promise<Topic> {
    // An existing topic of another type is refused below, with what to do about it.
    if ((await this.catalog.getTopic(name)) === undefined)
      await this.refuseGroupsOfOtherQueueType(name, input.messageType === 'FIFO');
    const wanted: Topic = {
      name,
      messageType: input.messageType,
      retentionHours: input.retentionHours ?? this.defaultRetentionHours,
      createdAt: new Date(this.clock.now()).toISOString(),
    };
    const stored = await this.catalog.createTopic(wanted);
    this.forget('topic', name);
    if (stored.messageType !== input.messageType) {
      throw new ConflictError(
        `topic '${name}' exists with message type ${stored.messageType}; delete it first to re-create it as ${input.messageType}`,
        'TOPIC_TYPE_CONFLICT',
      );
    }
    return stored;
  }

  /**
   * A group's subscriptions outlive a deleted topic, so a topic re-created as FIFO (or no longer FIFO) could find groups
   * whose queue is of the other kind: a FIFO topic's messages would lose their order in a standard queue.
   */
  private async refuseGroupsOfOtherQueueType(topic: string, fifo: boolean): Promise<void> {
    const conflicting = (await this.catalog.listGroups()).filter(
      (group) => group.fifo !== fifo && group.subscriptions.some((subscription) => subscription.topic === topic),
    );
    if (conflicting.length === 0) return;
    const names = conflicting.map((group) => `'${group.name}'`).join(', ');
    throw new ConflictError(
      `group${conflicting.length === 1 ? '' : 's'} ${names} subscribe${conflicting.length === 1 ? 's' : ''} to '${topic}' with ${fifo ? 'a standard' : 'a FIFO'} queue, which a ${fifo ? 'FIFO' : 'non-FIFO'} topic cannot use (a group's queue is FIFO exactly when its topics are); remove the subscription or delete the group first`,
      'TOPIC_QUEUE_TYPE_CONFLICT',
    );
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
    const deleted = await this.catalog.deleteTopic(name);
    this.forget('topic', name);
    if (!deleted) throw new NotFoundError('TOPIC', name);
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
    const push = input.push === undefined ? undefined : await this.pushSettings(input.push);
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
    // The secret outlives a switch back to pull, so that endpoints keep verifying when the group switches back.
    const secretMade = push !== undefined && previous?.pushSecret === undefined;
    if (push !== undefined) group.push = push;
    const pushSecret = secretMade ? newSigningSecret() : previous?.pushSecret;
    if (pushSecret !== undefined) group.pushSecret = pushSecret;
    await this.catalog.putGroup(group, previous);
    this.forget('group', name);
    // After the catalog write: a pusher that starts reads the group, secret included. Messages stay in the queue
    // through a switch either way, so switching loses nothing.
    await this.push.mappings.sync(group);
    const view = await this.withBacklog(group);
    return secretMade ? { ...view, signingSecret: pushSecret! } : view;
  }

  private async pushSettings(input: NonNullable<GroupInput['push']>): Promise<PushSettings> {
    const refusal = await refuseEndpoint(input.url, this.push.endpointRules, this.push.resolve);
    if (refusal !== undefined) throw new ValidationError(`push.url: ${refusal.message}`, 'INVALID_PUSH_URL');
    const settings: PushSettings = {
      url: input.url,
      maxConcurrency: input.maxConcurrency ?? DEFAULT_PUSH_MAX_CONCURRENCY,
      timeoutSeconds: input.timeoutSeconds ?? DEFAULT_PUSH_TIMEOUT_SECONDS,
    };
    if (input.ratePerSecond !== undefined) settings.ratePerSecond = input.ratePerSecond;
    return settings;
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
    this.forget('group', name);
    await this.push.mappings.remove(group);
    await this.queues.deleteGroupQueues(group.queueUrl, group.deadLetterQueueUrl);
  }

  private async withBacklog(group: ConsumerGroup): Promise<GroupWithBacklog> {
    const { pushSecret: _secret, ...shown } = group;
    return { ...shown, backlog: await this.queues.backlog(group.queueUrl, group.deadLetterQueueUrl) };
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
