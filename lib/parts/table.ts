// The one DynamoDB table (messages, trace, catalog, timer buckets; its stream is the outbox) and what a function may do with it.
import { RemovalPolicy } from 'aws-cdk-lib';
import {
  AttributeType,
  BillingMode,
  ProjectionType,
  StreamViewType,
  Table,
  type WarmThroughput,
} from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { INDEXES, PARTITION_KEY, SORT_KEY, TTL_ATTRIBUTE, type IndexName } from '../../lambda/aws/table-layout.ts';

export interface FerryTableProps {
  /** Unless `DESTROY`, the table is also deletion-protected. */
  readonly removalPolicy: RemovalPolicy;
  /** @default - DynamoDB's on-demand defaults */
  readonly warmThroughput?: WarmThroughput;
}

/** What a function may do with the table: these actions on its items, and Query on these indexes. */
export interface TableUse {
  readonly actions: readonly string[];
  readonly indexes: readonly IndexName[];
}

/**
 * The dispatch code (`lambda/core/dispatch.ts`), wherever it runs (the dispatcher, the stream redrive, the tick's
 * sweep): Query (a topic's routes), BatchWriteItem (trace, dispatch records, outbox entries done), BatchGetItem (FIFO holds, held
 * messages), PutItem, UpdateItem and DeleteItem (holding, passing on and releasing a FIFO hold; UpdateItem also marks
 * a message no queue takes UNDELIVERABLE) and GetItem (a queue that seems missing is checked against the catalog).
 */
const DISPATCH_TABLE_ACTIONS = [
  'dynamodb:Query',
  'dynamodb:BatchWriteItem',
  'dynamodb:BatchGetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:GetItem',
];

/** The dispatcher and the stream redrive: the dispatch code alone; no index. */
export const DISPATCH_TABLE_USE: TableUse = { actions: DISPATCH_TABLE_ACTIONS, indexes: [] };

/**
 * The tick: its state (GetItem, PutItem), whether a bucket is empty (Query on the due-time index), the sweep, which
 * reads the outbox, its marks and the dispatch records (Query), walks each topic's messages (Query on the topic-time
 * index), reads the messages (BatchGetItem), dispatches them and moves its marks (PutItem), and replays, which read a
 * topic's messages of a time range (Query on the topic-time index) and checkpoint the job (PutItem).
 */
export const TICK_TABLE_USE: TableUse = { actions: DISPATCH_TABLE_ACTIONS, indexes: ['byDueTime', 'byTopicTime'] };

/**
 * One tick shard: reads the due messages (Query on the due-time index) and the producer group of a transaction
 * (GetItem), hands messages on and records checks (UpdateItem; PutItem for the outbox entry and a pulled check), and
 * removes the outbox entry again when another tick handed the message on first (BatchWriteItem).
 */
export const TICK_SHARD_TABLE_USE: TableUse = {
  actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:PutItem', 'dynamodb:BatchWriteItem'],
  indexes: ['byDueTime'],
};

/**
 * The API: the catalog and messages (GetItem, Query, PutItem, UpdateItem, DeleteItem; TransactWriteItems is authorised
 * per contained Put, Update or Delete, and no transaction holds a ConditionCheck), the checks a producer group pulls
 * (BatchGetItem, BatchWriteItem), a message found by id alone (Query on the byMessageId index: FIFO messages share a
 * partition), the query and listing routes (Query on byKey, byTopicTime, and byWaiting for scheduled and undecided
 * messages; cancel and reschedule by key read byKey too), and health (DescribeTable).
 */
export const API_TABLE_USE: TableUse = {
  actions: [
    'dynamodb:GetItem',
    'dynamodb:BatchGetItem',
    'dynamodb:Query',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
    'dynamodb:BatchWriteItem',
    'dynamodb:DescribeTable',
  ],
  indexes: ['byMessageId', 'byKey', 'byTopicTime', 'byWaiting'],
};

/** The table with the indexes of the shared layout (`lambda/aws/table-layout.ts`), on demand, with TTL, stream and PITR. */
export function createTable(scope: Construct, props: FerryTableProps): Table {
  const { removalPolicy, warmThroughput } = props;
  const table = new Table(scope, 'Table', {
    partitionKey: { name: PARTITION_KEY, type: AttributeType.STRING },
    sortKey: { name: SORT_KEY, type: AttributeType.STRING },
    billingMode: BillingMode.PAY_PER_REQUEST,
    timeToLiveAttribute: TTL_ATTRIBUTE,
    // The dispatcher needs the old image to tell a write that made a message READY from a rewrite of a READY one.
    stream: StreamViewType.NEW_AND_OLD_IMAGES,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    deletionProtection: removalPolicy !== RemovalPolicy.DESTROY,
    removalPolicy,
    ...(warmThroughput === undefined ? {} : { warmThroughput }),
  });
  for (const index of INDEXES) {
    table.addGlobalSecondaryIndex({
      indexName: index.name,
      partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
      sortKey: { name: index.sortKey, type: AttributeType.STRING },
      projectionType: index.projection === 'ALL' ? ProjectionType.ALL : ProjectionType.KEYS_ONLY,
      ...(warmThroughput === undefined ? {} : { warmThroughput }),
    });
  }
  return table;
}

/** These actions on the table's items; Query on exactly the indexes named, so no wildcard is needed. */
export function grantTableUse(table: Table, fn: IGrantable, use: TableUse): void {
  fn.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({ actions: [...use.actions], resources: [table.tableArn] }),
  );
  if (use.indexes.length === 0) return;
  fn.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({
      actions: ['dynamodb:Query'],
      resources: use.indexes.map((index) => `${table.tableArn}/index/${index}`),
    }),
  );
}
