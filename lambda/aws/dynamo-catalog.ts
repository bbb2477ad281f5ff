// Topics, consumer groups and their routes in the DynamoDB table (catalog items; the dispatcher ignores them on the stream).
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { queryAll } from './query-all.ts';
import {
  CATALOG_PARTITION,
  GROUP_PREFIX,
  groupKey,
  producerKey,
  routeKey,
  ROUTES_REVISION_KEY,
  routesPartition,
  TOPIC_PREFIX,
  topicKey,
} from './table-layout.ts';
import type { ConsumerGroup, ProducerGroup, PushSettings, Topic } from '../core/model.ts';
import type { CatalogStore, Route } from '../core/ports.ts';

export class DynamoCatalog implements CatalogStore {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async getTopic(name: string): Promise<Topic | undefined> {
    const { Item } = await this.documents.send(
      new GetCommand({ TableName: this.tableName, Key: topicKey(name), ConsistentRead: true }),
    );
    return Item === undefined ? undefined : toTopic(Item);
  }

  async createTopic(topic: Topic): Promise<Topic> {
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...topicKey(topic.name), kind: 'TOPIC', ...topic },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return topic;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const stored = await this.getTopic(topic.name);
      // Deleted between the two calls: create again.
      return stored ?? this.createTopic(topic);
    }
  }

  async listTopics(): Promise<Topic[]> {
    return (await this.queryCatalog(TOPIC_PREFIX)).map(toTopic);
  }

  async deleteTopic(name: string): Promise<boolean> {
    const { Attributes } = await this.documents.send(
      new DeleteCommand({ TableName: this.tableName, Key: topicKey(name), ReturnValues: 'ALL_OLD' }),
    );
    return Attributes !== undefined;
  }

  async getGroup(name: string): Promise<ConsumerGroup | undefined> {
    const { Item } = await this.documents.send(
      new GetCommand({ TableName: this.tableName, Key: groupKey(name), ConsistentRead: true }),
    );
    return Item === undefined ? undefined : toGroup(Item);
  }

  async putGroup(group: ConsumerGroup, previous: ConsumerGroup | undefined): Promise<void> {
    const topics = new Set(group.subscriptions.map((subscription) => subscription.topic));
    const dropped = (previous?.subscriptions ?? []).filter((subscription) => !topics.has(subscription.topic));
    await this.documents.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: this.tableName, Item: { ...groupKey(group.name), kind: 'GROUP', ...group } } },
          ...group.subscriptions.map((subscription) => {
            const route: Route = { group: group.name, queueUrl: group.queueUrl, fifo: group.fifo };
            if (subscription.filter !== undefined) route.filter = subscription.filter;
            return {
              Put: {
                TableName: this.tableName,
                Item: { ...routeKey(subscription.topic, group.name), kind: 'ROUTE', ...route },
              },
            };
          }),
          ...dropped.map((subscription) => ({
            Delete: { TableName: this.tableName, Key: routeKey(subscription.topic, group.name) },
          })),
        ],
      }),
    );
    await this.routesChanged();
  }

  async listGroups(): Promise<ConsumerGroup[]> {
    return (await this.queryCatalog(GROUP_PREFIX)).map(toGroup);
  }

  async deleteGroup(group: ConsumerGroup): Promise<void> {
    await this.documents.send(
      new TransactWriteCommand({
        TransactItems: [
          { Delete: { TableName: this.tableName, Key: groupKey(group.name) } },
          ...group.subscriptions.map((subscription) => ({
            Delete: { TableName: this.tableName, Key: routeKey(subscription.topic, group.name) },
          })),
        ],
      }),
    );
    await this.routesChanged();
  }

  async routesRevision(): Promise<number> {
    const { Item } = await this.documents.send(
      new GetCommand({ TableName: this.tableName, Key: ROUTES_REVISION_KEY, ConsistentRead: true }),
    );
    return typeof Item?.revision === 'number' ? Item.revision : 0;
  }

  /**
   * After the routes' own write, not in its transaction: every change of a group would otherwise conflict with every
   * other on this one item. A crash between the two leaves cached routes as they were until FERRY_CATALOG_CACHE_SECONDS
   * ends them.
   */
  private async routesChanged(): Promise<void> {
    await this.documents.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: ROUTES_REVISION_KEY,
        UpdateExpression: 'ADD revision :one SET kind = :kind',
        ExpressionAttributeValues: { ':one': 1, ':kind': 'REVISION' },
      }),
    );
  }

  async routesOf(topic: string): Promise<Route[]> {
    const items = await this.queryAll({ pk: routesPartition(topic) });
    return items.map((item) => {
      const route: Route = { group: String(item.group), queueUrl: String(item.queueUrl), fifo: item.fifo === true };
      if (item.filter !== undefined) route.filter = item.filter as Route['filter'] & object;
      return route;
    });
  }

  async getProducerGroup(name: string): Promise<ProducerGroup | undefined> {
    const { Item } = await this.documents.send(
      new GetCommand({ TableName: this.tableName, Key: producerKey(name), ConsistentRead: true }),
    );
    if (Item === undefined) return undefined;
    const group: ProducerGroup = { name: String(Item.name), createdAt: String(Item.createdAt) };
    if (typeof Item.checkUrl === 'string') group.checkUrl = Item.checkUrl;
    if (Array.isArray(Item.signingSecrets))
      group.signingSecrets = Item.signingSecrets as ProducerGroup['signingSecrets'];
    if (typeof Item.revision === 'number') group.revision = Item.revision;
    return group;
  }

  async putProducerGroup(group: ProducerGroup, previous: ProducerGroup | undefined): Promise<boolean> {
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...producerKey(group.name), kind: 'PRODUCER_GROUP', ...group },
          ...unchangedSince(previous),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  private queryCatalog(prefix: string): Promise<Record<string, unknown>[]> {
    return this.queryAll({ pk: CATALOG_PARTITION, prefix });
  }

  private queryAll(key: { pk: string; prefix?: string }): Promise<Record<string, unknown>[]> {
    return queryAll(this.documents, {
      TableName: this.tableName,
      KeyConditionExpression: key.prefix === undefined ? 'pk = :pk' : 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues:
        key.prefix === undefined ? { ':pk': key.pk } : { ':pk': key.pk, ':prefix': key.prefix },
      ConsistentRead: true,
    });
  }
}

/** The condition that the producer group item is still as `previous` was read (items written before revisions: none). */
function unchangedSince(previous: ProducerGroup | undefined) {
  if (previous === undefined) return { ConditionExpression: 'attribute_not_exists(pk)' };
  if (previous.revision === undefined)
    return { ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(revision)' };
  return { ConditionExpression: 'revision = :revision', ExpressionAttributeValues: { ':revision': previous.revision } };
}

function toTopic(item: Record<string, unknown>): Topic {
  return {
    name: String(item.name),
    messageType: item.messageType as Topic['messageType'],
    retentionHours: Number(item.retentionHours),
    createdAt: String(item.createdAt),
  };
}

function toGroup(item: Record<string, unknown>): ConsumerGroup {
  return {
    name: String(item.name),
    subscriptions: item.subscriptions as ConsumerGroup['subscriptions'],
    maxDeliveryAttempts: Number(item.maxDeliveryAttempts),
    fifo: item.fifo === true,
    queueUrl: String(item.queueUrl),
    deadLetterQueueUrl: String(item.deadLetterQueueUrl),
    createdAt: String(item.createdAt),
    updatedAt: String(item.updatedAt),
    ...(item.push === undefined ? {} : { push: item.push as PushSettings }),
    ...(typeof item.pushSecret === 'string' ? { pushSecret: item.pushSecret } : {}),
  };
}
