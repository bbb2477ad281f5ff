// DynamoDB stream records in the shape Lambda hands them to a function, and a range of them read back from the stream.
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  type AttributeValue as SdkValue,
  type _Record as StreamRecord,
  type DynamoDBStreamsClient,
} from '@aws-sdk/client-dynamodb-streams';
import type { AttributeValue as LambdaValue, DynamoDBRecord } from 'aws-lambda';

export function toLambdaRecord(record: StreamRecord, streamArn: string): DynamoDBRecord {
  const approximate = record.dynamodb?.ApproximateCreationDateTime;
  const { Keys, NewImage, OldImage, ...rest } = record.dynamodb ?? {};
  return {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: record.eventVersion,
    eventSource: 'aws:dynamodb',
    awsRegion: record.awsRegion,
    eventSourceARN: streamArn,
    dynamodb: {
      ...(rest as DynamoDBRecord['dynamodb']),
      ...(Keys === undefined ? {} : { Keys: lambdaImage(Keys) }),
      ...(NewImage === undefined ? {} : { NewImage: lambdaImage(NewImage) }),
      ...(OldImage === undefined ? {} : { OldImage: lambdaImage(OldImage) }),
      ApproximateCreationDateTime:
        approximate === undefined ? undefined : Math.floor(new Date(approximate).getTime() / 1000),
    },
  };
}

/**
 * Lambda hands a stream event to a function as JSON, so binary values (B, BS) arrive base64-encoded, where the SDK
 * reads them from GetRecords as bytes; the local poller and the redrive hand them on as Lambda does, so that code which
 * reads an image meets in the local stack what it meets in AWS.
 */
function lambdaImage(image: Record<string, SdkValue>): Record<string, LambdaValue> {
  return Object.fromEntries(Object.entries(image).map(([name, value]) => [name, lambdaValue(value)]));
}

function lambdaValue(value: SdkValue): LambdaValue {
  const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
  if (value.B !== undefined) return { B: base64(value.B) };
  if (value.BS !== undefined) return { BS: value.BS.map(base64) };
  if (value.L !== undefined) return { L: value.L.map(lambdaValue) };
  if (value.M !== undefined) return { M: lambdaImage(value.M) };
  return value as LambdaValue;
}

/** Where a batch sits in the stream, as Lambda's on-failure record for a stream event source names it. */
export interface StreamBatchInfo {
  streamArn: string;
  shardId: string;
  startSequenceNumber: string;
  endSequenceNumber: string;
}

/** An open shard may answer empty pages before the records that follow; this many in a row end the read. */
const EMPTY_PAGES_TO_GIVE_UP = 5;

/** The records of one batch, start to end inclusive; the stream keeps records 24 hours, after which this throws. */
export async function readStreamRange(
  streams: DynamoDBStreamsClient,
  batch: StreamBatchInfo,
): Promise<DynamoDBRecord[]> {
  const { ShardIterator } = await streams.send(
    new GetShardIteratorCommand({
      StreamArn: batch.streamArn,
      ShardId: batch.shardId,
      ShardIteratorType: 'AT_SEQUENCE_NUMBER',
      SequenceNumber: batch.startSequenceNumber,
    }),
  );
  const end = BigInt(batch.endSequenceNumber);
  const records: DynamoDBRecord[] = [];
  let iterator = ShardIterator;
  for (let emptyPages = 0; iterator !== undefined && iterator !== null && emptyPages < EMPTY_PAGES_TO_GIVE_UP;) {
    const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
    const found = page.Records ?? [];
    emptyPages = found.length === 0 ? emptyPages + 1 : 0;
    for (const record of found) {
      if (BigInt(record.dynamodb?.SequenceNumber ?? '0') > end) return records;
      records.push(toLambdaRecord(record, batch.streamArn));
    }
    if (records.length > 0 && BigInt(records.at(-1)!.dynamodb?.SequenceNumber ?? '0') === end) return records;
    iterator = page.NextShardIterator;
  }
  return records;
}
