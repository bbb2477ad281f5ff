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
import { INDEXES, PARTITION_KEY, SORT_KEY, TTL_ATTRIBUTE } from '../../lambda/aws/table-layout.ts';

export interface FerryTableProps {
  /** Unless `DESTROY`, the table is also deletion-protected. */
  readonly removalPolicy: RemovalPolicy;
  /** @default - DynamoDB's on-demand defaults */
  readonly warmThroughput?: WarmThroughput;
}

/**
 * The table calls of `lambda/aws/dynamo-*.ts` that the background functions (dispatcher, stream redrive, tick, tick
 * shard) make: reading items and the tick state, querying, inserting and transitioning messages, writing trace in
 * batches. TransactWriteItems is authorised per contained Put or Delete, and no transaction holds a ConditionCheck.
 */
/** BatchGetItem and DeleteItem: the dispatcher reads and settles FIFO holds and reads held messages back. */
export const WORKER_TABLE_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
];

/**
 * The API's table calls: the workers' and also DeleteItem (deleting a topic; the Deletes of a group's transaction),
 * BatchGetItem (the checks a producer group pulls) and DescribeTable (health).
 */
export const API_TABLE_ACTIONS = [...WORKER_TABLE_ACTIONS, 'dynamodb:DescribeTable'];

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

/** These actions on the table's items; query (only) its indexes, each named, so no wildcard is needed. */
export function grantTableUse(table: Table, fn: IGrantable, actions: readonly string[] = WORKER_TABLE_ACTIONS): void {
  fn.grantPrincipal.addToPrincipalPolicy(new PolicyStatement({ actions: [...actions], resources: [table.tableArn] }));
  fn.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({
      actions: ['dynamodb:Query'],
      resources: INDEXES.map((index) => `${table.tableArn}/index/${index.name}`),
    }),
  );
}
