// The local stand-in for Lambda's DynamoDB stream event source: reads the stream in order and calls a handler with Lambda's event shape.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import {
  DescribeStreamCommand,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  TrimmedDataAccessException,
  type _Record as StreamRecord,
  type DynamoDBStreamsClient,
  type Shard,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { toLambdaRecord } from '../aws/stream-records.ts';

export type StreamHandler = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | void>;

export interface StreamPollerOptions {
  streams: DynamoDBStreamsClient;
  streamArn: string;
  handler: StreamHandler;
  /** Where the last handled sequence number of each shard is kept, so a restart resumes there; omitted: in memory. */
  checkpointFile?: string;
  /** Records per handler call, as the event source mapping's batch size. */
  batchSize?: number;
  /** Pause between polls when the stream has nothing new; it grows to IDLE_MAX_MS while the stream stays quiet. */
  idleMs?: number;
  /** Told of each failed batch; it is retried (locally without limit, so that nothing is skipped). */
  onError?: (error: unknown) => void;
}

const MAX_BACKOFF_MS = 5_000;
/**
 * A quiet stream is polled 4 times a second, Lambda's rate for a stream event source (each empty GetRecords costs
 * DynamoDB Local about 10 ms of CPU: at 10 a second it was a tenth of a core for an idle stack). After a write, or
 * while someone waits for caughtUp, the poll comes sooner.
 */
const IDLE_MAX_MS = 250;
/**
 * After a pass that found only a few records, the next waits this long so that the next batch gathers more: each
 * GetRecords and each dispatcher call costs the same for 3 records as for 100. A small stand-in for the construct's
 * batching window in AWS (1 s).
 */
const GATHER_MS = 50;
/**
 * The shard list is asked for again after this long, or at once when a shard ends (its children appear then): asked
 * on every poll, it was half of what DynamoDB Local did for an idle stack.
 */
const SHARD_LIST_MAX_AGE_MS = 2_000;

export class StreamPoller {
  private running = false;
  private loop: Promise<void> | undefined;
  private readonly checkpoints: Record<string, string>;
  private readonly finished = new Set<string>();
  private readonly iterators = new Map<string, string>();
  private lastPollFoundNothing = false;
  private shardList: { shards: Shard[]; at: number } | undefined;
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly options: StreamPollerOptions) {
    const file = options.checkpointFile;
    this.checkpoints =
      file !== undefined && existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>) : {};
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  /** Resolves once a full pass over the stream found nothing new: everything written before the call was handled. */
  async caughtUp(): Promise<void> {
    this.lastPollFoundNothing = false;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private async run(): Promise<void> {
    let quietPasses = 0;
    while (this.running) {
      let found = false;
      let records = 0;
      try {
        for (const shard of await this.readyShards()) {
          if (!this.running) break;
          const page = await this.pollShard(shard);
          records += page.records;
          found = found || page.records > 0 || page.ended;
        }
      } catch (error) {
        this.options.onError?.(error);
        await sleep(500);
      }
      if (!found) {
        if (this.lastPollFoundNothing) this.releaseIdleWaiters();
        this.lastPollFoundNothing = true;
        quietPasses++;
        const base = this.options.idleMs ?? 100;
        await sleep(this.idleWaiters.length > 0 ? base : Math.min(IDLE_MAX_MS, base * quietPasses));
      } else {
        this.lastPollFoundNothing = false;
        quietPasses = 0;
        if (records < (this.options.batchSize ?? 100) / 4 && this.idleWaiters.length === 0) await sleep(GATHER_MS);
      }
    }
    this.releaseIdleWaiters();
  }

  private releaseIdleWaiters(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  /** Open shards whose parent is done: a child shard's records come after its parent's. */
  private async readyShards(): Promise<Shard[]> {
    if (this.shardList === undefined || Date.now() - this.shardList.at > SHARD_LIST_MAX_AGE_MS)
      this.shardList = { shards: await this.describeShards(), at: Date.now() };
    const shards = this.shardList.shards;
    const known = new Set(shards.map((shard) => shard.ShardId));
    return shards.filter((shard) => {
      if (shard.ShardId === undefined || this.finished.has(shard.ShardId)) return false;
      const parent = shard.ParentShardId;
      return parent === undefined || !known.has(parent) || this.finished.has(parent);
    });
  }

  private async describeShards(): Promise<Shard[]> {
    const shards: Shard[] = [];
    let exclusiveStartShardId: string | undefined;
    do {
      const { StreamDescription } = await this.options.streams.send(
        new DescribeStreamCommand({ StreamArn: this.options.streamArn, ExclusiveStartShardId: exclusiveStartShardId }),
      );
      shards.push(...(StreamDescription?.Shards ?? []));
      exclusiveStartShardId = StreamDescription?.LastEvaluatedShardId;
    } while (exclusiveStartShardId !== undefined);
    return shards;
  }

  /**
   * Reads one page of a shard and hands it on; answers how many records it held and whether the shard ended (its
   * children are not known yet, so such a pass is not one that found nothing: caughtUp waits for them).
   */
  private async pollShard(shard: Shard): Promise<{ records: number; ended: boolean }> {
    const shardId = shard.ShardId!;
    let iterator = this.iterators.get(shardId) ?? (await this.iteratorFor(shardId));
    let page;
    try {
      page = await this.options.streams.send(
        new GetRecordsCommand({ ShardIterator: iterator, Limit: this.options.batchSize ?? 100 }),
      );
    } catch (error) {
      // An expired iterator, or one DynamoDB Local declares trimmed, is replaced by one from the checkpoint.
      if (!(error instanceof ExpiredIteratorException) && !(error instanceof TrimmedDataAccessException)) throw error;
      iterator = await this.iteratorFor(shardId);
      page = await this.options.streams.send(
        new GetRecordsCommand({ ShardIterator: iterator, Limit: this.options.batchSize ?? 100 }),
      );
    }
    const records = page.Records ?? [];
    if (records.length > 0) await this.deliver(shardId, records);
    if (page.NextShardIterator === undefined || page.NextShardIterator === null) {
      this.finished.add(shardId);
      this.iterators.delete(shardId);
      this.shardList = undefined;
      return { records: records.length, ended: true };
    }
    this.iterators.set(shardId, page.NextShardIterator);
    return { records: records.length, ended: false };
  }

  private async iteratorFor(shardId: string): Promise<string> {
    const after = this.checkpoints[shardId];
    const { ShardIterator } = await this.options.streams.send(
      new GetShardIteratorCommand({
        StreamArn: this.options.streamArn,
        ShardId: shardId,
        ...(after === undefined
          ? { ShardIteratorType: 'TRIM_HORIZON' }
          : { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after }),
      }),
    );
    if (ShardIterator === undefined) throw new Error(`no iterator for shard ${shardId}`);
    return ShardIterator;
  }

  /** Calls the handler until every record is handled, retrying from the first failure as Lambda does. */
  private async deliver(shardId: string, records: StreamRecord[]): Promise<void> {
    let pending = records;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) await sleep(Math.min(MAX_BACKOFF_MS, 100 * 2 ** attempt));
      let failedAt = 0;
      try {
        const response = await this.options.handler({
          Records: pending.map((record) => toLambdaRecord(record, this.options.streamArn)),
        });
        const failed = new Set((response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
        const index = pending.findIndex((record) => failed.has(record.dynamodb?.SequenceNumber ?? ''));
        failedAt = index === -1 ? pending.length : index;
        if (index !== -1)
          this.options.onError?.(
            new Error(`handler reported a failure at sequence number ${pending[index]!.dynamodb?.SequenceNumber}`),
          );
      } catch (error) {
        this.options.onError?.(error);
      }
      if (failedAt > 0) this.checkpoint(shardId, pending[failedAt - 1]!);
      pending = pending.slice(failedAt);
      if (!this.running && pending.length > 0) return;
    }
  }

  private checkpoint(shardId: string, record: StreamRecord): void {
    const sequenceNumber = record.dynamodb?.SequenceNumber;
    if (sequenceNumber === undefined) return;
    this.checkpoints[shardId] = sequenceNumber;
    if (this.options.checkpointFile !== undefined) {
      // Written aside, then renamed: a kill in the middle of the write leaves the previous checkpoint, never half a file.
      writeFileSync(`${this.options.checkpointFile}.next`, JSON.stringify(this.checkpoints));
      renameSync(`${this.options.checkpointFile}.next`, this.options.checkpointFile);
    }
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
