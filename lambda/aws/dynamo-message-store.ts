// Messages and their trace events in DynamoDB: written once, read back by id with every event in order.
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  GetCommand,
  paginateQuery,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { queryAll } from './query-all.ts';
import { mapConcurrently } from '../core/concurrency.ts';
import type { Message, MessageId, MessageState, TraceEvent } from '../core/model.ts';
import {
  PULL_CHECKS_MAX,
  type DispatchedRef,
  type FifoGroup,
  type FifoHold,
  type MessageRef,
  type MessageStore,
  type OutboxEntry,
  type ReplayJob,
  type StoredSize,
  type TickState,
  type TraceEntry,
  type Transition,
  type TransitionResult,
} from '../core/ports.ts';
import { DYNAMODB_ITEM_MAX_BYTES, itemBytes } from './item-size.ts';
import type { TimerWheel } from '../core/timers.ts';
import {
  extraKeyItems,
  fromMessageItem,
  fromOutboxItem,
  fromTraceItem,
  toMessageItem,
  toStoredMessageItem,
  toOutboxItem,
  toTraceItem,
  waitingIndexKeys,
} from './message-items.ts';
import { idRange, mergeShards, type MessagePage, type PageRequest } from '../core/pages.ts';
import {
  dedupKey,
  dispatchPartition,
  dueIndexKeys,
  dueSlotKey,
  holdKey,
  keyIndexPartition,
  messageKey,
  messagePartition,
  messageSortKey,
  OUTBOX_SHARDS,
  outboxKey,
  outboxPartition,
  pullChecksPartition,
  QUERY_SHARDS,
  receiptPartition,
  REPLAY_PARTITION,
  replayKey,
  scheduledPartition,
  TICK_STATE_KEY,
  timeIndexPartition,
  undecidedPartition,
} from './table-layout.ts';
import { foldReceipts, receiptEvents } from './receipt-log.ts';
import { dispatchEvents, dispatchRecordItems, foldDispatches } from './dispatch-log.ts';
import { SweepWalk } from './sweep-walk.ts';

/** Room kept in a message's item for one state change's trace event (type, time, who, a reason). */
const TRANSITION_BYTES = 256;
/** BatchGetItem's limit. */
const BATCH_GET_MAX = 100;
/** BatchWriteItem's limit. */
const BATCH_WRITE_MAX = 25;
/** Batch writes in flight at once. */
const WRITE_CONCURRENCY = 4;

export class DynamoMessageStore implements MessageStore {
  private readonly walk: SweepWalk;

  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** Trace events of messages whose retention the caller does not know expire after this. */
    private readonly defaultRetentionHours: number,
    private readonly wheel: TimerWheel,
    /** Index entries the sweep's walk reads per shard and step (small in tests, to make it step). */
    walkPage?: number,
  ) {
    this.walk = new SweepWalk(documents, tableName, (keys) => this.getByKeys(keys), walkPage);
  }

  async insert(messages: Message[]): Promise<void> {
    const ordered = messages.filter((message) => message.messageGroup !== undefined);
    const unordered = messages.filter((message) => message.messageGroup === undefined);
    // The stream keeps a partition's writes in the order they happen: a FIFO group's messages are written one by one.
    const groups = Map.groupBy(ordered, (message) => messagePartition(message));
    await Promise.all([
      ...[...groups.values()].map(async (group) => {
        for (const message of group) await this.put(message);
      }),
      unordered.length === 1
        ? this.put(unordered[0]!)
        : this.batchWrite(unordered.flatMap((message) => this.itemsToInsert(message))),
    ]);
  }

  async insertOnce(
    message: Message & { dedupKey: string },
  ): Promise<{ messageId: MessageId; state: MessageState } | undefined> {
    const key = dedupKey(message.topic, message.dedupKey);
    // An expired key no longer counts, even before DynamoDB's TTL has removed it.
    const dedup = {
      Put: {
        TableName: this.tableName,
        Item: {
          ...key,
          kind: 'DEDUP',
          messageId: message.messageId,
          state: message.state,
          expiresAt: message.expiresAt,
        },
        ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
        ExpressionAttributeValues: { ':now': Math.floor(message.bornAt / 1000) },
      },
    };
    const writes = this.itemsToInsert(message).map((Item) => ({ Put: { TableName: this.tableName, Item } }));
    for (let attempt = 0; ; attempt++) {
      try {
        await this.documents.send(new TransactWriteCommand({ TransactItems: [dedup, ...writes] }));
        return undefined;
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const reasons = (error.CancellationReasons ?? []).map((reason) => reason.Code);
        if (reasons[0] === 'ConditionalCheckFailed') {
          const { Item } = await this.documents.send(
            new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
          );
          if (Item !== undefined) return { messageId: Item.messageId as MessageId, state: Item.state as MessageState };
        }
        // Two publishes of one key at once: one wins, the other reads the winner on its next attempt.
        if (
          attempt >= 5 ||
          !reasons.some((code) => code === 'TransactionConflict' || code === 'ConditionalCheckFailed')
        )
          throw error;
        await sleep(20 * 2 ** attempt);
      }
    }
  }

  /**
   * One message: one conditional put (an id is never overwritten). A READY message needs no outbox entry: if the stream
   * never hands it on, the sweep's walk finds it in `byTopicTime` (`sweep-walk.ts`).
   */
  private async put(message: Message): Promise<void> {
    const item = toStoredMessageItem(message, this.wheel);
    await Promise.all([
      this.documents
        .send(
          new PutCommand({ TableName: this.tableName, Item: item, ConditionExpression: 'attribute_not_exists(sk)' }),
        )
        .catch(writtenByEarlierAttempt),
      ...extraKeyItems(message).map((Item) => this.documents.send(new PutCommand({ TableName: this.tableName, Item }))),
    ]);
  }

  /** A batch write takes no condition: fresh ULIDs never collide, so it cannot overwrite a message either. */
  private itemsToInsert(message: Message): Record<string, unknown>[] {
    return [toStoredMessageItem(message, this.wheel), ...extraKeyItems(message)];
  }

  storedSize(message: Message, transitions: number): StoredSize {
    // The body as written before deflating: an upper bound, so that whether a body fits its item never depends on how
    // well it compresses.
    // The due-time index keys a waiting message may gain, and one trace event per state change (a reason included).
    const indexKeys = 'gsi4pk'.length * 2 + 64;
    return {
      bytes: itemBytes(toMessageItem(message, this.wheel)) + indexKeys + transitions * TRANSITION_BYTES,
      limit: DYNAMODB_ITEM_MAX_BYTES,
    };
  }

  async get(messageId: MessageId): Promise<{ message: Message; events: TraceEvent[] } | undefined> {
    // The dispatch partition follows from the id alone: it is read beside the message's own.
    const [items, dispatches] = await Promise.all([this.messageItemsOf(messageId), this.dispatchesOf(messageId)]);
    const found = split(items);
    if (found === undefined) return undefined;
    const events = [...found.events, ...dispatches];
    const groups = new Set(events.flatMap((event) => (event.type === 'DISPATCHED' ? (event.groups ?? []) : [])));
    const receipts = await Promise.all([...groups].map((group) => this.receiptsOf(group, messageId)));
    return { message: found.message, events: [...events, ...receipts.flat()] };
  }

  async appendTrace(entries: TraceEntry[]): Promise<void> {
    const expiresAt = (at: number) => Math.ceil(at / 1000 + this.defaultRetentionHours * 3600);
    const { dispatchItems, perMessage: notDispatches } = foldDispatches(entries, expiresAt);
    const { receiptItems, perMessage } = foldReceipts(notDispatches, expiresAt);
    const messageItems = perMessage.map((entry) =>
      toTraceItem(entry.message, entry.event, entry.expiresAt ?? expiresAt(entry.event.at)),
    );
    await this.batchWrite([...dispatchItems, ...receiptItems, ...messageItems]);
  }

  async transition(target: MessageId | MessageRef, transition: Transition): Promise<TransitionResult> {
    const ref: MessageRef = typeof target === 'string' ? { messageId: target, topic: '' } : target;
    const key = messageKey(ref);
    const names: Record<string, string> = { '#state': 'state' };
    const values: Record<string, unknown> = {
      ':from': transition.from,
      ':to': transition.to,
      ':event': [transition.event],
      ':none': [],
    };
    const set = ['#state = :to', 'transitions = list_append(if_not_exists(transitions, :none), :event)'];
    const remove: string[] = [];
    if (transition.wakeAt === undefined) {
      remove.push('wakeAt', 'gsi4pk', 'gsi4sk');
    } else {
      const keys = dueIndexKeys(this.wheel, ref.messageId, transition.wakeAt);
      Object.assign(values, { ':wakeAt': transition.wakeAt, ':gsi4pk': keys.gsi4pk, ':gsi4sk': keys.gsi4sk });
      set.push('wakeAt = :wakeAt', 'gsi4pk = :gsi4pk', 'gsi4sk = :gsi4sk');
    }
    if (transition.checkCount !== undefined) {
      values[':checkCount'] = transition.checkCount;
      set.push('checkCount = :checkCount');
    }
    if (transition.reschedule !== undefined) {
      const { deliverAt, expiresAt } = transition.reschedule;
      const waiting = waitingIndexKeys({ messageId: ref.messageId, topic: ref.topic, state: 'SCHEDULED', deliverAt });
      Object.assign(values, {
        ':deliverAt': deliverAt,
        ':expiresAt': expiresAt,
        ':gsi5pk': waiting.gsi5pk,
        ':gsi5sk': waiting.gsi5sk,
      });
      set.push('deliverAt = :deliverAt', 'expiresAt = :expiresAt', 'gsi5pk = :gsi5pk', 'gsi5sk = :gsi5sk');
    } else if (transition.to !== 'SCHEDULED' && transition.to !== 'PREPARED') {
      // Out of its waiting state, the message leaves the listing of scheduled messages or undecided transactions.
      remove.push('gsi5pk', 'gsi5sk');
    }
    const recorded =
      transition.to === 'READY' && transition.from !== 'READY' && (await this.recordInOutbox(ref, transition.event.at));
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          ConditionExpression: '#state = :from',
          UpdateExpression: `SET ${set.join(', ')}${remove.length > 0 ? ` REMOVE ${remove.join(', ')}` : ''}`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          // The item as it was, when the condition fails: no second read to tell the caller why.
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { applied: true };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      // Not made READY by this call (decided already, or handed on by an earlier tick): the entry it wrote must go, or
      // the sweep would send the message a second time.
      if (recorded) await this.batchWrite([], [outboxKey(ref)]);
      const old = error.Item === undefined ? undefined : (unmarshall(error.Item) as Record<string, unknown>);
      return { applied: false, current: old === undefined ? undefined : fromMessageItem(old) };
    }
  }

  /** Before a message becomes READY: its outbox entry (a crash between the two leaves an entry the sweep clears). */
  private async recordInOutbox(ref: MessageRef, at: number): Promise<boolean> {
    // A transaction or delay message's topic is not known from its id alone; the entry needs it only for FIFO messages.
    const expiresAt = Math.ceil(at / 1000 + this.defaultRetentionHours * 3600);
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: toOutboxItem(ref, at, expiresAt),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async getMany(refs: MessageRef[]): Promise<Message[]> {
    return this.getByKeys(refs.map(messageKey));
  }

  async messagesByKey(topic: string, key: string, page: PageRequest): Promise<MessagePage> {
    const values: Record<string, unknown> = { ':pk': keyIndexPartition(topic, key) };
    if (page.after !== undefined) values[':after'] = page.after;
    const { Items = [] } = await this.documents.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'byKey',
        KeyConditionExpression: page.after === undefined ? 'gsi2pk = :pk' : 'gsi2pk = :pk AND gsi2sk < :after',
        ExpressionAttributeValues: values,
        ScanIndexForward: false,
        Limit: page.limit,
      }),
    );
    const ids = Items.map((item) => item.gsi2sk as MessageId);
    const messages = await this.getByKeys(
      Items.map((item) => ({ pk: item.pk, sk: messageSortKey(item.gsi2sk as MessageId) })),
    );
    const last = ids.at(-1);
    return { messages, ...(ids.length === page.limit && last !== undefined ? { next: last } : {}) };
  }

  async messagesByTime(topic: string, range: { from: number; to: number }, page: PageRequest): Promise<MessagePage> {
    const { low, high } = idRange(range.from, range.to);
    // Strictly after the cursor: a space sorts before every character of an id.
    return this.shardedPage('byTopicTime', 'gsi3', (shard) => timeIndexPartition(topic, shard), page, {
      low: page.after === undefined ? low : `${page.after} `,
      high,
    });
  }

  async scheduledMessages(topic: string, page: PageRequest): Promise<MessagePage> {
    const result = await this.shardedPage('byWaiting', 'gsi5', (shard) => scheduledPartition(topic, shard), page);
    // The index lags the table a moment: what has just been handed on or cancelled is left out.
    return { ...result, messages: result.messages.filter((message) => message.state === 'SCHEDULED') };
  }

  async undecidedTransactions(producerGroup: string, page: PageRequest): Promise<MessagePage> {
    const result = await this.shardedPage(
      'byWaiting',
      'gsi5',
      (shard) => undecidedPartition(producerGroup, shard),
      page,
    );
    return { ...result, messages: result.messages.filter((message) => message.state === 'PREPARED') };
  }

  /** One page over every shard of a sharded index: each shard read up to the limit, merged by sort key. */
  private async shardedPage(
    indexName: 'byTopicTime' | 'byWaiting',
    prefix: 'gsi3' | 'gsi5',
    partitionOf: (shard: number) => string,
    page: PageRequest,
    range?: { low: string; high: string },
  ): Promise<MessagePage> {
    const [pk, sk] = [`${prefix}pk`, `${prefix}sk`];
    const shards = Array.from({ length: QUERY_SHARDS }, (_, shard) => shard);
    const perShard = await mapConcurrently(shards, QUERY_SHARDS, async (shard) => {
      const values: Record<string, unknown> = { ':pk': partitionOf(shard) };
      let condition = `${pk} = :pk`;
      if (range !== undefined) {
        Object.assign(values, { ':low': range.low, ':high': range.high });
        condition += ` AND ${sk} BETWEEN :low AND :high`;
      } else if (page.after !== undefined) {
        values[':after'] = page.after;
        condition += ` AND ${sk} > :after`;
      }
      const { Items = [] } = await this.documents.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: indexName,
          KeyConditionExpression: condition,
          ExpressionAttributeValues: values,
          Limit: page.limit,
        }),
      );
      return Items;
    });
    const { entries, next } = mergeShards(perShard, (item) => String(item[sk]), page.limit);
    const messages = await this.getByKeys(entries.map((item) => ({ pk: item.pk, sk: item.sk })));
    return { messages, ...(next === undefined ? {} : { next }) };
  }

  /** The message items behind these keys, in their order, those that still exist (read strongly consistent). */
  private async getByKeys(keys: Array<Record<string, unknown>>): Promise<Message[]> {
    const found: Message[] = [];
    for (let start = 0; start < keys.length; start += BATCH_GET_MAX) {
      let pending: Record<string, unknown>[] = keys.slice(start, start + BATCH_GET_MAX);
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt > 10)
          throw new Error(`DynamoDB left ${pending.length} reads unprocessed after ${attempt} attempts`);
        if (attempt > 0) await sleep(Math.min(1000, 25 * 2 ** attempt));
        const { Responses, UnprocessedKeys } = await this.documents.send(
          new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: true } } }),
        );
        found.push(...(Responses?.[this.tableName] ?? []).map(fromMessageItem));
        pending = (UnprocessedKeys?.[this.tableName]?.Keys ?? []) as Record<string, unknown>[];
      }
    }
    // BatchGetItem answers in any order.
    const order = new Map(keys.map((key, index) => [String(key.sk), index]));
    return found.sort((a, b) => order.get(messageSortKey(a.messageId))! - order.get(messageSortKey(b.messageId))!);
  }

  async createReplay(job: ReplayJob): Promise<void> {
    await this.documents.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...replayKey(job.replayId), kind: 'REPLAY', ...job },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async getReplay(replayId: string): Promise<ReplayJob | undefined> {
    const { Item } = await this.documents.send(
      new GetCommand({ TableName: this.tableName, Key: replayKey(replayId), ConsistentRead: true }),
    );
    return Item === undefined ? undefined : fromReplayItem(Item);
  }

  async runningReplays(): Promise<ReplayJob[]> {
    const items = await queryAll(this.documents, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      FilterExpression: '#state = :running',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: { ':pk': REPLAY_PARTITION, ':running': 'RUNNING' },
      ConsistentRead: true,
    });
    return items.map(fromReplayItem);
  }

  async saveReplay(job: ReplayJob, seenVersion: number): Promise<boolean> {
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...replayKey(job.replayId), kind: 'REPLAY', ...job },
          ConditionExpression: 'version = :seen',
          ExpressionAttributeValues: { ':seen': seenVersion },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** One dispatch record per minute of birth and batch; an outbox entry only where one was written (`outboxed`). */
  async markDispatched(refs: DispatchedRef[]): Promise<void> {
    if (refs.length === 0) return;
    const now = Date.now();
    await this.batchWrite(
      dispatchRecordItems(
        refs.map((ref) => ref.messageId),
        now,
        Math.ceil(now / 1000 + this.defaultRetentionHours * 3600),
      ),
      refs.filter((ref) => ref.outboxed).map((ref) => outboxKey(ref)),
    );
  }

  /** Outbox entries (messages made READY by a step), and what the walk finds of messages published READY. */
  async undispatched(before: number, limit: number, topics: string[]): Promise<OutboxEntry[]> {
    const [outboxed, walked] = await Promise.all([
      this.outboxEntries(before, limit),
      this.walk.unrecorded(before, limit, topics),
    ]);
    const byId = new Map([...walked, ...outboxed].map((entry) => [entry.messageId, entry]));
    return [...byId.values()].sort((a, b) => (a.messageId < b.messageId ? -1 : 1));
  }

  private async outboxEntries(before: number, limit: number): Promise<OutboxEntry[]> {
    const shards = Array.from({ length: OUTBOX_SHARDS }, (_, shard) => shard);
    const perShard = await mapConcurrently(shards, 4, async (shard) => {
      const entries: OutboxEntry[] = [];
      const pages = paginateQuery(
        { client: this.documents },
        {
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          FilterExpression: '#at < :before',
          ExpressionAttributeNames: { '#at': 'at' },
          ExpressionAttributeValues: { ':pk': outboxPartition(shard), ':before': before },
          ConsistentRead: true,
        },
      );
      for await (const page of pages) {
        entries.push(...(page.Items ?? []).map(fromOutboxItem));
        if (entries.length >= limit) break;
      }
      return entries.slice(0, limit);
    });
    return perShard.flat();
  }

  async holdsOf(groups: FifoGroup[]): Promise<FifoHold[]> {
    const unique = [...new Map(groups.map((group) => [holdKey(group).pk, group])).values()];
    const holds: FifoHold[] = [];
    for (let start = 0; start < unique.length; start += BATCH_GET_MAX) {
      const keys = unique.slice(start, start + BATCH_GET_MAX).map(holdKey);
      const { Responses } = await this.documents.send(
        new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: true } } }),
      );
      for (const item of Responses?.[this.tableName] ?? []) {
        holds.push({
          topic: String(item.topic),
          messageGroup: String(item.messageGroup),
          holder: item.holder as MessageId,
          held: (item.held as MessageId[] | undefined) ?? [],
        });
      }
    }
    return holds;
  }

  async hold(group: FifoGroup, holder: MessageId): Promise<void> {
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...holdKey(group),
            kind: 'HOLD',
            topic: group.topic,
            messageGroup: group.messageGroup,
            holder,
            held: [],
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async addToHold(group: FifoGroup, messageId: MessageId): Promise<boolean> {
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: holdKey(group),
          UpdateExpression: 'SET held = list_append(held, :id)',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':id': [messageId] },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async settleHold(seen: FifoHold, left: { holder: MessageId; held: MessageId[] } | undefined): Promise<boolean> {
    const condition = { ConditionExpression: 'holder = :seenHolder AND size(held) = :seenCount' };
    const values = { ':seenHolder': seen.holder, ':seenCount': seen.held.length };
    try {
      if (left === undefined) {
        await this.documents.send(
          new DeleteCommand({
            TableName: this.tableName,
            Key: holdKey(seen),
            ...condition,
            ExpressionAttributeValues: values,
          }),
        );
      } else {
        await this.documents.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: holdKey(seen),
            UpdateExpression: 'SET holder = :holder, held = :held',
            ...condition,
            ExpressionAttributeValues: { ...values, ':holder': left.holder, ':held': left.held },
          }),
        );
      }
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
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
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'byDueTime',
        KeyConditionExpression: 'gsi4pk = :slot',
        ExpressionAttributeValues: { ':slot': dueSlotKey(slot) },
        Limit: 1,
      }),
    );
    return (Items ?? []).length > 0;
  }

  async tickState(): Promise<TickState> {
    const { Item } = await this.documents.send(
      new GetCommand({ TableName: this.tableName, Key: TICK_STATE_KEY, ConsistentRead: true }),
    );
    const state: TickState = {};
    if (typeof Item?.cursor === 'number') state.cursor = Item.cursor;
    if (typeof Item?.lastTickAt === 'number') state.lastTickAt = Item.lastTickAt;
    if (typeof Item?.bucketSeconds === 'number') state.bucketSeconds = Item.bucketSeconds;
    if (typeof Item?.timerShards === 'number') state.timerShards = Item.timerShards;
    return state;
  }

  async saveTickState(state: TickState): Promise<void> {
    await this.documents.send(
      new PutCommand({ TableName: this.tableName, Item: { ...TICK_STATE_KEY, kind: 'TICK', ...state } }),
    );
  }

  async addPullCheck(producerGroup: string, messageId: MessageId): Promise<void> {
    const expiresAt = Math.ceil(Date.now() / 1000 + this.defaultRetentionHours * 3600);
    await this.documents.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: pullChecksPartition(producerGroup), sk: messageId, kind: 'CHECK', messageId, expiresAt },
      }),
    );
  }

  async pullChecks(producerGroup: string): Promise<Message[]> {
    const { Items = [] } = await this.documents.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pullChecksPartition(producerGroup) },
        ConsistentRead: true,
        Limit: PULL_CHECKS_MAX,
      }),
    );
    const ids = Items.map((item) => String(item.messageId));
    if (ids.length === 0) return [];
    const { Responses } = await this.documents.send(
      new BatchGetCommand({
        RequestItems: {
          [this.tableName]: {
            Keys: ids.map((messageId) => messageKey({ messageId: messageId as MessageId, topic: '' })),
            ConsistentRead: true,
          },
        },
      }),
    );
    return (Responses?.[this.tableName] ?? []).map(fromMessageItem);
  }

  async removePullChecks(producerGroup: string, messageIds: MessageId[]): Promise<void> {
    for (let start = 0; start < messageIds.length; start += BATCH_WRITE_MAX) {
      const chunk = messageIds.slice(start, start + BATCH_WRITE_MAX);
      await this.documents.send(
        new BatchWriteCommand({
          RequestItems: {
            [this.tableName]: chunk.map((id) => ({
              DeleteRequest: { Key: { pk: pullChecksPartition(producerGroup), sk: id } },
            })),
          },
        }),
      );
    }
  }

  private async dispatchesOf(messageId: MessageId): Promise<TraceEvent[]> {
    const items = await queryAll(this.documents, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      FilterExpression: 'attribute_exists(entries.#id)',
      ExpressionAttributeNames: { '#id': messageId },
      ExpressionAttributeValues: { ':pk': dispatchPartition(messageId) },
      ConsistentRead: true,
    });
    return dispatchEvents(items, messageId);
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

  /** The message's item and its per-message trace items, from its own partition or the one the id index names. */
  private async messageItemsOf(messageId: MessageId): Promise<Record<string, unknown>[]> {
    const items = await this.itemsOf(messagePartition({ messageId, topic: '' }), messageId);
    if (items.length > 0) return items;
    const partition = await this.partitionFromIndex(messageId);
    return partition === undefined ? [] : this.itemsOf(partition, messageId);
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
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'byMessageId',
        KeyConditionExpression: 'gsi1pk = :id',
        ExpressionAttributeValues: { ':id': `MID#${messageId}` },
      }),
    );
    const pk = Items?.[0]?.pk;
    return typeof pk === 'string' ? pk : undefined;
  }

  /** Writes (and deletes) every item, a few batches at a time, retrying what DynamoDB leaves unprocessed under load. */
  private async batchWrite(
    items: Record<string, unknown>[],
    deleteKeys: Record<string, unknown>[] = [],
  ): Promise<void> {
    const requests = [
      ...items.map((Item) => ({ PutRequest: { Item } })),
      ...deleteKeys.map((Key) => ({ DeleteRequest: { Key } })),
    ];
    const chunks: WriteRequest[][] = [];
    for (let start = 0; start < requests.length; start += BATCH_WRITE_MAX)
      chunks.push(requests.slice(start, start + BATCH_WRITE_MAX));
    await mapConcurrently(chunks, WRITE_CONCURRENCY, (chunk) => this.writeChunk(chunk));
  }

  private async writeChunk(chunk: WriteRequest[]): Promise<void> {
    let requests = chunk;
    for (let attempt = 0; requests.length > 0; attempt++) {
      if (attempt > 10)
        throw new Error(`DynamoDB left ${requests.length} writes unprocessed after ${attempt} attempts`);
      if (attempt > 0) await sleep(Math.min(1000, 25 * 2 ** attempt));
      const { UnprocessedItems } = await this.documents.send(
        new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } }),
      );
      requests = (UnprocessedItems?.[this.tableName] ?? []) as WriteRequest[];
    }
  }
}

type WriteRequest =
  { PutRequest: { Item: Record<string, unknown> } } | { DeleteRequest: { Key: Record<string, unknown> } };

/**
 * A fresh message id never collides, so a put that finds its id taken was stored by an earlier attempt of the same call
 * (the SDK retries when an answer is lost): the message is written, and the publish succeeds instead of answering 500.
 */
function writtenByEarlierAttempt(error: unknown): void {
  if (!(error instanceof ConditionalCheckFailedException)) throw error;
}

function split(items: Record<string, unknown>[]): { message: Message; events: TraceEvent[] } | undefined {
  const messageItem = items.find((item) => item.kind === 'MSG');
  if (messageItem === undefined) return undefined;
  return {
    message: fromMessageItem(messageItem),
    events: items.filter((item) => item.kind === 'EVT').map(fromTraceItem),
  };
}

function fromReplayItem(item: Record<string, unknown>): ReplayJob {
  const { pk: _pk, sk: _sk, kind: _kind, ...job } = item;
  return job as unknown as ReplayJob;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
