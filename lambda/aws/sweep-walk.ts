// The sweep's walk: a message published READY has no outbox entry; the walk finds, topic by topic in `byTopicTime`,
// the READY messages that no dispatch record names.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { decodeTime } from 'ulid';
import { mapConcurrently } from '../core/concurrency.ts';
import type { Message, MessageId } from '../core/model.ts';
import { idRange } from '../core/pages.ts';
import type { OutboxEntry } from '../core/ports.ts';
import { recordedIds } from './dispatch-log.ts';
import { queryAll } from './query-all.ts';
import {
  dispatchPartition,
  dispatchRecordPartition,
  QUERY_SHARDS,
  SWEEP_MARKS_PARTITION,
  sweepMarkKey,
  timeIndexPartition,
} from './table-layout.ts';

/** Index entries read per topic shard per step of a walk (keys only: about 100 KB). */
const WALK_PAGE = 1000;
/** How long one sweep walks, all topics together; what is left waits for the next tick (the AWS tick has 55 s). */
const WALK_BUDGET_MS = 20_000;
/**
 * A topic is walked again once its mark is this far behind the horizon (or the sweep's age behind, if that is shorter,
 * so that a message the stream missed waits at most twice the age): a quiet topic costs a few queries a walk, not a tick.
 */
const WALK_STEP_MS = 5_000;
/** A topic never walked starts here before the sweep's horizon (messages older than this were published with entries). */
const FIRST_WALK_LOOKBACK_MS = 60_000;
const TOPICS_AT_ONCE = 4;

interface Walked {
  entries: OutboxEntry[];
  /** The mark to move to, when the walk passed something. */
  mark?: string;
  /** A shard had more index entries than one step reads. */
  more: boolean;
}

/**
 * Each topic keeps a mark: every message of it published up to the mark was dispatched, or is not READY (and then it
 * reaches READY only through a step that writes an outbox entry). A walk reads the topic's index entries after the
 * mark up to the sweep's horizon, the dispatch records of the minutes they were born in, and the messages that no
 * record names; it answers the READY ones and moves the mark up to the first of them. So a message the stream missed
 * holds back its topic's mark, never the others'.
 *
 * The horizon must lie behind every write that can still land (the API's timeout) and behind the index's lag; the
 * sweep's age (`FERRY_SWEEP_AFTER_SECONDS`, 300 s) is both.
 */
export class SweepWalk {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly readMessages: (keys: Array<Record<string, unknown>>) => Promise<Message[]>,
    private readonly page = WALK_PAGE,
  ) {}

  async unrecorded(before: number, limit: number, topics: string[]): Promise<OutboxEntry[]> {
    if (topics.length === 0) return [];
    const marks = await this.marks();
    const records = new Map<string, Promise<Set<string>>>();
    const recorded = (pk: string) => {
      if (!records.has(pk)) records.set(pk, this.recordedIn(pk));
      return records.get(pk)!;
    };
    const deadline = Date.now() + WALK_BUDGET_MS;
    const walked = await mapConcurrently(topics, TOPICS_AT_ONCE, async (topic) => {
      const seen = marks.get(topic);
      let mark = seen;
      // Step by step up to the horizon, while nothing is found and time is left: a busy topic has more than a step.
      for (;;) {
        const step = await this.walk(topic, mark, before, limit, recorded);
        mark = step.mark ?? mark;
        if (step.entries.length > 0 || !step.more || Date.now() > deadline) {
          if (mark !== undefined && mark !== seen) await this.moveMark(topic, seen, mark);
          return step.entries;
        }
      }
    });
    return walked.flat();
  }

  private async walk(
    topic: string,
    seen: string | undefined,
    before: number,
    limit: number,
    recorded: (pk: string) => Promise<Set<string>>,
  ): Promise<Walked> {
    const from = seen ?? idRange(before - FIRST_WALK_LOOKBACK_MS, before).low;
    const stepMs = Math.min(WALK_STEP_MS, Date.now() - before);
    if (seen !== undefined && decodeTime(from) > before - stepMs) return { entries: [], more: false };
    let high = idRange(before, before).high;
    const shards = await Promise.all(
      Array.from({ length: QUERY_SHARDS }, (_, shard) => this.indexEntries(topic, shard, from, high)),
    );
    // A shard with more to read bounds what this walk can vouch for.
    for (const shard of shards) if (shard.truncated) high = shard.ids.at(-1)! < high ? shard.ids.at(-1)! : high;
    const ids = shards
      .flatMap((shard) => shard.ids)
      .filter((id) => id <= high)
      .sort();
    const unrecorded: MessageId[] = [];
    for (const [minute, inMinute] of Map.groupBy(ids, dispatchPartition)) {
      const records = await recorded(dispatchRecordPartition(inMinute[0]!));
      const notInRecords = inMinute.filter((id) => !records.has(id));
      // The minute's dispatch trace (larger) only for what the records do not name: dispatches before the records.
      if (notInRecords.length === 0) continue;
      const trace = await recorded(minute);
      unrecorded.push(...notInRecords.filter((id) => !trace.has(id)));
    }
    const keys = new Map(shards.flatMap((shard) => [...shard.keys]));
    const ready = await this.readyOf(unrecorded.sort().map((id) => keys.get(id)!));
    const first = ready[0]?.messageId;
    // Up to just before the first READY message not recorded: it and what follows are walked again next time.
    const passed = first === undefined ? high : ids.filter((id) => id < first).at(-1);
    return {
      entries: ready.slice(0, limit).map((message) => ({
        messageId: message.messageId,
        topic: message.topic,
        ...(message.messageGroup === undefined ? {} : { messageGroup: message.messageGroup }),
        outboxed: false,
        at: decodeTime(message.messageId),
      })),
      ...(passed === undefined ? {} : { mark: passed }),
      more: shards.some((shard) => shard.truncated),
    };
  }

  private async indexEntries(
    topic: string,
    shard: number,
    after: string,
    high: string,
  ): Promise<{ ids: MessageId[]; keys: Map<MessageId, Record<string, unknown>>; truncated: boolean }> {
    const { Items = [], LastEvaluatedKey } = await this.documents.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'byTopicTime',
        // Strictly after the mark: a space sorts before every character of an id.
        KeyConditionExpression: 'gsi3pk = :pk AND gsi3sk BETWEEN :low AND :high',
        ExpressionAttributeValues: { ':pk': timeIndexPartition(topic, shard), ':low': `${after} `, ':high': high },
        Limit: this.page,
      }),
    );
    // The index holds the table key too: a FIFO message's partition names its group, which the id alone does not.
    return {
      ids: Items.map((item) => item.gsi3sk as MessageId),
      keys: new Map(Items.map((item) => [item.gsi3sk as MessageId, { pk: item.pk, sk: item.sk }])),
      truncated: LastEvaluatedKey !== undefined,
    };
  }

  /** The messages among these that are READY; one not READY reaches READY only through a step with an outbox entry. */
  private async readyOf(keys: Array<Record<string, unknown>>): Promise<Message[]> {
    if (keys.length === 0) return [];
    return (await this.readMessages(keys)).filter((message) => message.state === 'READY');
  }

  private async recordedIn(pk: string): Promise<Set<string>> {
    return recordedIds(
      await queryAll(this.documents, {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        ProjectionExpression: 'ids, entries',
        // A record written a moment ago (the last sweep's, or the stream's) must be seen, or its message is sent again.
        ConsistentRead: true,
      }),
    );
  }

  private async marks(): Promise<Map<string, string>> {
    const items = await queryAll(this.documents, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': SWEEP_MARKS_PARTITION },
      ConsistentRead: true,
    });
    return new Map(items.map((item) => [String(item.sk), String(item.mark)]));
  }

  /** Two sweeps at once: the one that read the mark as it is moves it; the other's walk is repeated next time. */
  private async moveMark(topic: string, seen: string | undefined, mark: string): Promise<void> {
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...sweepMarkKey(topic), kind: 'SWEEPMARK', mark },
          ...(seen === undefined
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : { ConditionExpression: 'mark = :seen', ExpressionAttributeValues: { ':seen': seen } }),
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}
