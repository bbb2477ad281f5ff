// Lambda entry on the stream failure queue: a stream batch the dispatcher gave up on is read back from the stream
// (which keeps it 24 hours) and dispatched again, so that its READY messages still reach their queues.
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import * as z from 'zod/mini';
import { createAwsDispatcher } from '../aws/core-ports.ts';
import { endpointFor } from '../aws/clients.ts';
import { readStreamRange } from '../aws/stream-records.ts';
import { createDispatchHandler } from './dispatch-stream-batch.ts';
import { logger } from '../aws/logger.ts';
import { STREAM_BATCH_NOT_REDRIVEN } from '../aws/log-messages.ts';
import { flushingMetrics } from '../aws/powertools-metrics.ts';

/** What Lambda writes to the on-failure destination of a DynamoDB stream event source (the fields used here). */
const StreamFailureRecord = z.object({
  DDBStreamBatchInfo: z.object({
    streamArn: z.string(),
    shardId: z.string(),
    startSequenceNumber: z.string().check(z.regex(/^\d+$/)),
    endSequenceNumber: z.string().check(z.regex(/^\d+$/)),
  }),
});

function parseFailureRecord(body: string) {
  try {
    return StreamFailureRecord.safeParse(JSON.parse(body));
  } catch {
    return StreamFailureRecord.safeParse(undefined);
  }
}

/** A batch that fails again stays in the queue (and the alarm stays on) to be retried after its visibility timeout. */
export function createStreamRedriveHandler(
  dispatch: (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse>,
  streams: DynamoDBStreamsClient,
) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    for (const message of event.Records) {
      const parsed = parseFailureRecord(message.body);
      if (!parsed.success) {
        // Not Lambda's record: nothing could ever be redriven from it, so it is dropped (and logged).
        logger.error('not a stream failure record, dropped', { body: message.body.slice(0, 1000) });
        continue;
      }
      const batch = parsed.data.DDBStreamBatchInfo;
      try {
        const records = await readStreamRange(streams, batch);
        const { batchItemFailures: failed } = await dispatch({ Records: records });
        if (failed.length > 0) throw new Error(`dispatch failed again at sequence number ${failed[0]!.itemIdentifier}`);
        logger.info('stream batch redriven', { ...batch, records: records.length });
      } catch (error) {
        logger.error(STREAM_BATCH_NOT_REDRIVEN, { ...batch, error: String(error) });
        batchItemFailures.push({ itemIdentifier: message.messageId });
      }
    }
    return { batchItemFailures };
  };
}

export const handler = flushingMetrics(
  createStreamRedriveHandler(
    createDispatchHandler(createAwsDispatcher()),
    new DynamoDBStreamsClient(endpointFor(process.env, 'DYNAMODB_STREAMS')),
  ),
);
