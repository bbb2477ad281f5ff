// Creates Ferry's table in DynamoDB Local exactly as the CDK construct declares it (keys, indexes, stream, TTL).
import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { INDEXES, PARTITION_KEY, SORT_KEY, TTL_ATTRIBUTE } from '../aws/table-layout.ts';

const keyNames = [PARTITION_KEY, SORT_KEY, ...INDEXES.flatMap((index) => [index.partitionKey, index.sortKey])];
const attributeDefinitions = keyNames.map((AttributeName) => ({ AttributeName, AttributeType: 'S' as const }));
const indexDefinition = (index: (typeof INDEXES)[number]) => ({
  IndexName: index.name,
  KeySchema: [
    { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
    { AttributeName: index.sortKey, KeyType: 'RANGE' as const },
  ],
  Projection: { ProjectionType: index.projection },
});

/** Creates the table if it is missing, and adds the indexes a newer Ferry declares; answers its stream ARN. */
export async function ensureTable(dynamoDb: DynamoDBClient, tableName: string): Promise<string> {
  try {
    await dynamoDb.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: attributeDefinitions,
        KeySchema: [
          { AttributeName: PARTITION_KEY, KeyType: 'HASH' },
          { AttributeName: SORT_KEY, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: INDEXES.map(indexDefinition),
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      }),
    );
    await dynamoDb.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  const { Table } = await dynamoDb.send(new DescribeTableCommand({ TableName: tableName }));
  if (Table?.LatestStreamArn === undefined) throw new Error(`table ${tableName} has no stream`);
  await addMissingIndexes(dynamoDb, tableName, new Set((Table.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName)));
  return Table.LatestStreamArn;
}

/**
 * A data folder made by an older Ferry keeps its messages: the indexes it lacks are added (one per update, as DynamoDB
 * allows) and filled from the items already there, instead of asking the user to delete the folder.
 */
async function addMissingIndexes(dynamoDb: DynamoDBClient, tableName: string, present: Set<string | undefined>) {
  for (const index of INDEXES.filter((candidate) => !present.has(candidate.name))) {
    await dynamoDb.send(
      new UpdateTableCommand({
        TableName: tableName,
        AttributeDefinitions: attributeDefinitions,
        GlobalSecondaryIndexUpdates: [{ Create: indexDefinition(index) }],
      }),
    );
    for (let waited = 0; ; waited += 100) {
      const { Table } = await dynamoDb.send(new DescribeTableCommand({ TableName: tableName }));
      const status = Table?.GlobalSecondaryIndexes?.find((i) => i.IndexName === index.name)?.IndexStatus;
      if (status === 'ACTIVE') break;
      if (waited > 60_000) throw new Error(`index ${index.name} of ${tableName} is still ${status} after 60 s`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
