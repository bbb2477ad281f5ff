// A stream batch the dispatcher gave up on (Lambda's on-failure record) is read back from the stream and dispatched.
// DynamoDB Local serves the stream; the SQS event that would carry the record is built here, as Lambda would deliver it.
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDispatchHandler } from '../../lambda/handlers/dispatch-stream-batch.ts';
import { createStreamRedriveHandler } from '../../lambda/handlers/stream-redrive.ts';
import { drain, startTestStack, type TestStack } from './harness.ts';

let stack: TestStack;
let streams: DynamoDBStreamsClient;
let streamArn: string;

beforeAll(async () => {
  stack = await startTestStack();
  streams = new DynamoDBStreamsClient({ endpoint: stack.dynamoDbEndpoint });
  const { Table } = await new DynamoDBClient({ endpoint: stack.dynamoDbEndpoint }).send(
    new DescribeTableCommand({ TableName: stack.tableName }),
  );
  streamArn = Table!.LatestStreamArn!;
  await stack.client.putTopic('payments', 'NORMAL');
  await stack.client.putGroup('ledger', [{ topic: 'payments' }]);
});
afterAll(async () => {
  await stack?.stop();
});

/** Where in the stream the writes of these messages are: the range an on-failure record would name. */
async function streamRangeOf(messageIds: string[]) {
  const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
  for (const shard of StreamDescription?.Shards ?? []) {
    let { ShardIterator: iterator } = await streams.send(
      new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON' }),
    );
    const sequenceNumbers: string[] = [];
    for (let page = 0; iterator && page < 20; page++) {
      const { Records, NextShardIterator } = await streams.send(new GetRecordsCommand({ ShardIterator: iterator }));
      for (const record of Records ?? []) {
        if (messageIds.includes(record.dynamodb?.NewImage?.messageId?.S ?? ''))
          sequenceNumbers.push(record.dynamodb!.SequenceNumber!);
      }
      if ((Records ?? []).length === 0) break;
      iterator = NextShardIterator;
    }
    if (sequenceNumbers.length > 0)
      return {
        shardId: shard.ShardId!,
        startSequenceNumber: sequenceNumbers[0]!,
        endSequenceNumber: sequenceNumbers.at(-1)!,
      };
  }
  throw new Error('the messages are not on the stream');
}

const sqsEvent = (...bodies: unknown[]): SQSEvent =>
  ({
    Records: bodies.map((body, i) => ({
      messageId: `m${i}`,
      body: typeof body === 'string' ? body : JSON.stringify(body),
    })),
  }) as SQSEvent;

describe('stream redrive', () => {
  it('dispatches every READY message of a given-up batch, and keeps a record it cannot redrive for a retry', async () => {
    await stack.poller.stop(); // the dispatcher "gave up": nothing else dispatches these
    const { results } = await stack.client.publishBatch(
      'payments',
      Array.from({ length: 5 }, (_, i) => ({ body: `payment ${i}` })),
    );
    const ids = results.map((result) => ('messageId' in result ? result.messageId : ''));
    const range = await streamRangeOf(ids);
    const failureRecord = {
      requestContext: { condition: 'RetryAttemptsExhausted' },
      DDBStreamBatchInfo: { ...range, streamArn, batchSize: 5 },
    };
    const lost = {
      ...failureRecord,
      DDBStreamBatchInfo: { ...failureRecord.DDBStreamBatchInfo, shardId: 'shardId-00000000000000000000-nothere' },
    };

    const redrive = createStreamRedriveHandler(createDispatchHandler(stack.services.dispatcher), streams);
    const response = await redrive(sqsEvent(failureRecord, lost, 'not json'));

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm1' }]); // the lost one stays; junk is dropped
    const received = await drain(stack, 'ledger', 5, 5000);
    expect(received.map((message) => message.messageId).sort()).toEqual([...ids].sort());
    const trace = await stack.client.getMessage(ids[0]!);
    expect(trace.events.map((event) => event.type)).toContain('DISPATCHED');
  });
});
