// Messages and their trace events in DynamoDB: written once, read back by id with every event in order.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, BatchWriteCommand, GetCommand, paginateQuery, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { queryAll } from './query-all.ts';
import { mapConcurrently } from '../core/concurrency.ts';
import type { Message, MessageId, TraceEvent } from '../core/model.ts';
import type { MessageStore, TickState, TraceEntry, Transition, TransitionResult } from '../core/ports.ts';
import type { TimerWheel } from '../core/timers.ts';
import { dueIndexKeys, dueSlotKey, fromMessageItem, fromTraceItem, messagePartition, messageSortKey, toMessageItem, toTraceItem } from './message-items.ts';
import { foldReceipts, receiptEvents, receiptPartition } from './receipt-log.ts';

/** BatchWriteItem's limit. */
const BATCH_WRITE_MAX = 25;
/** Batch writes in flight at once. */
const WRITE_CONCURRENCY = 4;

export class DynamoMessageStore implements MessageStore {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** Trace events of messages whose retention the caller does not know expire after this. */
    private readonly defaultRetentionHours: number,
    private readonly wheel: TimerWheel,
  ) {}

  async insert(messages: Message[]): Promise<void> {
    const ordered = messages.filter((message) => message.messageGroup !== undefined);
    const unordered = messages.filter((message) => message.messageGroup === undefined);
    // The stream keeps a partition's writes in the order they happen: a FIFO group's messages are written one by one.
    const groups = Map.groupBy(ordered, (message) => messagePartition(message));
    await Promise.all([
      ...[...groups.values()].map(async (group) => {
        for (const message of group) await this.put(message);
      }),
      unordered.length === 1 ? this.put(unordered[0]!) : this.batchWrite(unordered.map((message) => ({ ...toMessageItem(message, this.wheel) }))),
    ]);
  }

  /** Fresh ULIDs never collide, so batch writes cannot overwrite a message; single puts say so with a condition. */
  private async put(message: Message): Promise<void> {
    await this.documents.send(new PutCommand({ TableName: this.tableName, Item: toMessageItem(message, this.wheel), ConditionExpression: 'attribute_not_exists(sk)' }));
  }

  async get(messageId: MessageId): Promise<{ message: Message; events: TraceEvent[] } | undefined> {
    let items = await this.itemsOf(`M#${messageId}`, messageId);
    if (items.length === 0) {
      const partition = await this.partitionFromIndex(messageId);
      if (partition === undefined) return undefined;
      items = await this.itemsOf(partition, messageId);
    }
    const found = split(items);
    if (found === undefined) return undefined;
    const groups = new Set(found.events.flatMap((event) => (event.type === 'DISPATCHED' ? (event.groups ?? []) : [])));
    const receipts = await Promise.all([...groups].map((group) => this.receiptsOf(group, messageId)));
    return { message: found.message, events: [...found.events, ...receipts.flat()] };
  }

  async appendTrace(entries: TraceEntry[]): Promise<void> {
    const expiresAt = (at: number) => Math.ceil(at / 1000 + this.defaultRetentionHours * 3600);
    const { receiptItems, perMessage } = foldReceipts(entries, expiresAt);
    const messageItems = perMessage.map((entry) => toTraceItem(entry.message, entry.event, entry.expiresAt ?? expiresAt(entry.event.at)));
    await this.batchWrite([...receiptItems, ...messageItems]);
  }

  async transition(messageId: MessageId, transition: Transition): Promise<TransitionResult> {
    const names: Record<string, string> = { '#state': 'state' };
    const values: Record<string, unknown> = { ':from': transition.from, ':to': transition.to, ':event': [transition.event], ':none': [] };
    const set = ['#state = :to', 'transitions = list_append(if_not_exists(transitions, :none), :event)'];
    const remove: string[] = [];
    if (transition.wakeAt === undefined) {
      remove.push('wakeAt', 'gsi4pk', 'gsi4sk');
    } else {
      const keys = dueIndexKeys(this.wheel, messageId, transition.wakeAt);
      Object.assign(values, { ':wakeAt': transition.wakeAt, ':gsi4pk': keys.gsi4pk, ':gsi4sk': keys.gsi4sk });
      set.push('wakeAt = :wakeAt', 'gsi4pk = :gsi4pk', 'gsi4sk = :gsi4sk');
    }
    if (transition.checkCount !== undefined) {
      values[':checkCount'] = transition.checkCount;
      set.push('checkCount = :checkCount');
    }
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: `M#${messageId}`, sk: messageSortKey(messageId) },
          ConditionExpression: '#state = :from',
          UpdateExpression: `SET ${set.join(', ')}${remove.length > 0 ? ` REMOVE ${remove.join(', ')}` : ''}`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
      return { applied: true };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const { Item } = await this.documents.send(new GetCommand({ TableName: this.tableName, Key: { pk: `M#${messageId}`, sk: messageSortKey(messageId) }, ConsistentRead: true }));
      return { applied: false, current: Item === undefined ? undefined : fromMessageItem(Item) };
    }
  }

  async *waking(slot: { bucket: number; shard: number }, until: number): AsyncIterable<Message[]> {
    const pages = paginateQuery(
      { client: this.documents },
      {
        TableName: this.tableName,
        IndexName: 'byDueTime',
        KeyConditionExpression: 'gsi4pk = :slot AND gsi4sk <= :until',
        // The sort key is "wakeAt#id": everything up to "until" followed by any id.
        ExpressionAttributeValues: { ':slot': dueSlotKey(slot), ':until': `${String(until).padStart(13, '0')}#~` },
      },
    );
    for await (const page of pages) {
      if ((page.Items ?? []).length > 0) yield (page.Items ?? []).map(fromMessageItem);
    }
  }

  async slotHasMessages(slot: { bucket: number; shard: number }): Promise<boolean> {
    const { Items } = await this.documents.send(
      new QueryCommand({ TableName: this.tableName, IndexName: 'byDueTime', KeyConditionExpression: 'gsi4pk = :slot', ExpressionAttributeValues: { ':slot': dueSlotKey(slot) }, Limit: 1 }),
    );
    return (Items ?? []).length > 0;
  }

  async tickState(): Promise<TickState> {
    const { Item } = await this.documents.send(new GetCommand({ TableName: this.tableName, Key: TICK_STATE_KEY, ConsistentRead: true }));
    const state: TickState = {};
    if (typeof Item?.cursor === 'number') state.cursor = Item.cursor;
    if (typeof Item?.lastTickAt === 'number') state.lastTickAt = Item.lastTickAt;
    return state;
  }

  async saveTickState(state: TickState): Promise<void> {
    await this.documents.send(new PutCommand({ TableName: this.tableName, Item: { ...TICK_STATE_KEY, kind: 'TICK', ...state } }));
  }

  async addPullCheck(producerGroup: string, messageId: MessageId): Promise<void> {
    const expiresAt = Math.ceil(Date.now() / 1000 + this.defaultRetentionHours * 3600);
    await this.documents.send(new PutCommand({ TableName: this.tableName, Item: { pk: `CHECKS#${producerGroup}`, sk: messageId, kind: 'CHECK', messageId, expiresAt } }));
  }

  async pullChecks(producerGroup: string): Promise<Message[]> {
    const { Items = [] } = await this.documents.send(
      new QueryCommand({ TableName: this.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `CHECKS#${producerGroup}` }, ConsistentRead: true, Limit: 100 }),
    );
    const ids = Items.map((item) => String(item.messageId));
    if (ids.length === 0) return [];
    const { Responses } = await this.documents.send(
      new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: ids.map((id) => ({ pk: `M#${id}`, sk: `M#${id}` })), ConsistentRead: true } } }),
    );
    return (Responses?.[this.tableName] ?? []).map(fromMessageItem);
  }

  async removePullChecks(producerGroup: string, messageIds: MessageId[]): Promise<void> {
    for (let start = 0; start < messageIds.length; start += BATCH_WRITE_MAX) {
      const chunk = messageIds.slice(start, start + BATCH_WRITE_MAX);
      await this.documents.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: chunk.map((id) => ({ DeleteRequest: { Key: { pk: `CHECKS#${producerGroup}`, sk: id } } })) } }));
    }
  }

  private async receiptsOf(group: string, messageId: MessageId): Promise<TraceEvent[]> {
    const items = await queryAll(this.documents, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      FilterExpression: 'attribute_exists(entries.#id)',
      ExpressionAttributeNames: { '#id': messageId },
      ExpressionAttributeValues: { ':pk': receiptPartition(group, messageId) },
      ConsistentRead: true,
    });
    return receiptEvents(items, messageId);
  }

  private itemsOf(partition: string, messageId: MessageId): Promise<Record<string, unknown>[]> {
    return queryAll(this.documents, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
      ExpressionAttributeValues: { ':pk': partition, ':sk': messageSortKey(messageId) },
      ConsistentRead: true,
    });
  }

  private async partitionFromIndex(messageId: MessageId): Promise<string | undefined> {
    const { Items } = await this.documents.send(
      new QueryCommand({ TableName: this.tableName, IndexName: 'byMessageId', KeyConditionExpression: 'gsi1pk = :id', ExpressionAttributeValues: { ':id': `MID#${messageId}` } }),
    );
    const pk = Items?.[0]?.pk;
    return typeof pk === 'string' ? pk : undefined;
  }

  /** Writes every item, a few batches at a time, retrying what DynamoDB leaves unprocessed under load. */
  private async batchWrite(items: Record<string, unknown>[]): Promise<void> {
    const chunks: Record<string, unknown>[][] = [];
    for (let start = 0; start < items.length; start += BATCH_WRITE_MAX) chunks.push(items.slice(start, start + BATCH_WRITE_MAX));
    await mapConcurrently(chunks, WRITE_CONCURRENCY, (chunk) => this.writeChunk(chunk));
  }

  private async writeChunk(chunk: Record<string, unknown>[]): Promise<void> {
    let requests = chunk.map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; requests.length > 0; attempt++) {
      if (attempt > 10) throw new Error(`DynamoDB left ${requests.length} writes unprocessed after ${attempt} attempts`);
      if (attempt > 0) await sleep(Math.min(1000, 25 * 2 ** attempt));
      const { UnprocessedItems } = await this.documents.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } }));
      requests = (UnprocessedItems?.[this.tableName] ?? []) as typeof requests;
    }
  }
}

const TICK_STATE_KEY = { pk: 'TICK', sk: 'STATE' };

function split(items: Record<string, unknown>[]): { message: Message; events: TraceEvent[] } | undefined {
  const messageItem = items.find((item) => item.kind === 'MSG');
  if (messageItem === undefined) return undefined;
  return { message: fromMessageItem(messageItem), events: items.filter((item) => item.kind === 'EVT').map(fromTraceItem) };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
