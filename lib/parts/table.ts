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
  /** @default { mode: 'onDemand' } */
  readonly capacity?: TableCapacity;
}

/** Capacity units per second that auto scaling keeps the table, and each index, between. */
export interface CapacityRange {
  readonly min: number;
  readonly max: number;
}

/**
 * How the table pays for throughput. `onDemand` pays per request and takes a spike at once. `provisioned` pays per hour
 * for the units it keeps, which auto scaling moves between `min` and `max` to hold `targetUtilizationPercent`: under
 * steady traffic a write costs about 40% of on demand's, but a spike beyond what is provisioned is throttled until
 * auto scaling catches up, which takes minutes.
 */
export type TableCapacity =
  | { readonly mode: 'onDemand' }
  | {
      readonly mode: 'provisioned';
      /** The table's, and each index's, write units: every message writes the table and its time index. */
      readonly writeUnits: CapacityRange;
      readonly readUnits: CapacityRange;
      /** DynamoDB's target tracking takes 20 to 90. @default 70 */
      readonly targetUtilizationPercent?: number;
    };

const DEFAULT_TARGET_UTILIZATION_PERCENT = 70;

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

/**
 * The table with the indexes of the shared layout (`lambda/aws/table-layout.ts`), on demand unless provisioned
 * capacity is asked for, with TTL, stream and PITR.
 */
export function createTable(scope: Construct, props: FerryTableProps): Table {
  const { removalPolicy, warmThroughput } = props;
  const capacity = validCapacity(props.capacity ?? { mode: 'onDemand' });
  const provisioned =
    capacity.mode === 'provisioned'
      ? { readCapacity: capacity.readUnits.min, writeCapacity: capacity.writeUnits.min }
      : undefined;
  const table = new Table(scope, 'Table', {
    partitionKey: { name: PARTITION_KEY, type: AttributeType.STRING },
    sortKey: { name: SORT_KEY, type: AttributeType.STRING },
    billingMode: provisioned === undefined ? BillingMode.PAY_PER_REQUEST : BillingMode.PROVISIONED,
    ...provisioned,
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
      ...provisioned,
    });
  }
  if (capacity.mode === 'provisioned') autoScale(table, capacity);
  return table;
}

/**
 * Target tracking on the table and on every index alike: an index that runs out of write units throttles the table's
 * writes too (DynamoDB holds a write back until each index can take it).
 */
function autoScale(table: Table, capacity: Extract<TableCapacity, { mode: 'provisioned' }>): void {
  const targetUtilizationPercent = capacity.targetUtilizationPercent ?? DEFAULT_TARGET_UTILIZATION_PERCENT;
  const range = ({ min, max }: CapacityRange) => ({ minCapacity: min, maxCapacity: max });
  table.autoScaleWriteCapacity(range(capacity.writeUnits)).scaleOnUtilization({ targetUtilizationPercent });
  table.autoScaleReadCapacity(range(capacity.readUnits)).scaleOnUtilization({ targetUtilizationPercent });
  for (const index of INDEXES) {
    table
      .autoScaleGlobalSecondaryIndexWriteCapacity(index.name, range(capacity.writeUnits))
      .scaleOnUtilization({ targetUtilizationPercent });
    table
      .autoScaleGlobalSecondaryIndexReadCapacity(index.name, range(capacity.readUnits))
      .scaleOnUtilization({ targetUtilizationPercent });
  }
}

/** Whole units of at least 1 with `min` ≤ `max`, and a target DynamoDB takes: refused at synth, not at deploy. */
function validCapacity(capacity: TableCapacity): TableCapacity {
  if (capacity.mode === 'onDemand') return capacity;
  for (const [name, range] of [
    ['writeUnits', capacity.writeUnits],
    ['readUnits', capacity.readUnits],
  ] as const) {
    if (!Number.isInteger(range.min) || !Number.isInteger(range.max) || range.min < 1 || range.max < range.min)
      throw new Error(`capacity.${name} must be whole units with 1 <= min <= max, got ${JSON.stringify(range)}`);
  }
  const target = capacity.targetUtilizationPercent;
  if (target !== undefined && !(target >= 20 && target <= 90))
    throw new Error(`capacity.targetUtilizationPercent must be 20 to 90 (DynamoDB's target tracking), got ${target}`);
  return capacity;
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
