// A batch of the table's stream, as Lambda delivers it: picks the writes that made a message READY and dispatches them
// in stream order, reporting the first failure so that Lambda retries from there.
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { Message } from '../core/model.ts';
import type { Dispatcher } from '../core/dispatch.ts';
import { fromMessageItem } from '../aws/message-items.ts';
import { logger } from '../aws/logger.ts';

type Image = Record<string, AttributeValue>;

/** Only a write that puts a message into READY makes it deliverable; trace, catalog and other state changes pass by. */
function becameReady(record: DynamoDBRecord): Message | undefined {
  const newImage = record.dynamodb?.NewImage as Image | undefined;
  if (newImage === undefined || newImage.kind?.S !== 'MSG' || newImage.state?.S !== 'READY') return undefined;
  const oldImage = record.dynamodb?.OldImage as Image | undefined;
  if (oldImage?.state?.S === 'READY') return undefined;
  return fromMessageItem(unmarshall(newImage));
}

export function createDispatchHandler(dispatcher: Dispatcher) {
  return async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    const ready = event.Records.flatMap((record) => {
      const message = becameReady(record);
      return message === undefined ? [] : [{ message, sequenceNumber: record.dynamodb?.SequenceNumber ?? '' }];
    });
    if (ready.length === 0) return { batchItemFailures: [] };
    let firstFailure: number | undefined;
    try {
      ({ firstFailure } = await dispatcher.dispatch(ready.map((entry) => entry.message)));
    } catch (error) {
      logger.error('dispatch failed', { error: String(error) });
      firstFailure = 0;
    }
    // Lambda retries from the lowest reported sequence number: everything before it is done.
    return {
      batchItemFailures: firstFailure === undefined ? [] : [{ itemIdentifier: ready[firstFailure]!.sequenceNumber }],
    };
  };
}
