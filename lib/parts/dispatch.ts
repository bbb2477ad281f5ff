// Dispatch: the dispatcher Lambda on the table's stream, and the queue that records the stream batches it gave up on.
import { Duration } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { StartingPosition, type Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { createFerryFunction, type SharedFunctionProps } from './function.ts';
import { DISPATCH_QUEUE_ACTIONS, grantGroupQueues } from './queues.ts';
import { DISPATCH_TABLE_USE, grantTableUse } from './table.ts';

export interface DispatchProps {
  readonly table: Table;
  readonly functions: SharedFunctionProps;
  readonly queueArnPattern: string;
  /** How often a failing stream batch is retried before it is recorded in the failure queue. */
  readonly streamRetryAttempts: number;
}

export interface Dispatch {
  readonly dispatcherFunction: LambdaFunction;
  readonly streamFailureQueue: Queue;
}

export function createDispatch(scope: Construct, props: DispatchProps): Dispatch {
  const dispatcherFunction = createFerryFunction(scope, 'DispatcherFunction', props.functions, {
    handlerFile: 'dispatcher',
    description: 'Ferry dispatcher: sends messages that became READY to the queues of their matching groups',
    memorySize: 512,
    timeout: Duration.seconds(60),
  });
  grantTableUse(props.table, dispatcherFunction, DISPATCH_TABLE_USE);
  grantGroupQueues(dispatcherFunction, props.queueArnPattern, DISPATCH_QUEUE_ACTIONS);
  const streamFailureQueue = createStreamFailureQueue(scope);
  subscribeToStream(dispatcherFunction, props.table, streamFailureQueue, props.streamRetryAttempts);
  return { dispatcherFunction, streamFailureQueue };
}

function createStreamFailureQueue(scope: Construct): Queue {
  return new Queue(scope, 'StreamFailures', {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    // SQS's longest retention: time to find out why a batch failed and recover its READY messages.
    retentionPeriod: Duration.days(14),
    // Longer than the redrive function may run, and the pause before a failed redrive is tried again.
    visibilityTimeout: Duration.minutes(5),
  });
}

function subscribeToStream(dispatcher: LambdaFunction, table: Table, failureQueue: Queue, retryAttempts: number): void {
  dispatcher.addEventSource(
    new DynamoEventSource(table, {
      // Nothing written before the dispatcher existed may be skipped: the stream is the outbox.
      startingPosition: StartingPosition.TRIM_HORIZON,
      batchSize: 100,
      maxBatchingWindow: Duration.seconds(1),
      // The handler reports the first record it could not dispatch; Lambda retries from there, keeping order.
      reportBatchItemFailures: true,
      retryAttempts,
      // Bisecting would retry the two halves separately, so a later message of a FIFO message group could be sent
      // before an earlier one that is still failing: a message group must never be reordered.
      bisectBatchOnError: false,
      // More than one concurrent batch per shard would let records of one item key (one FIFO message group) overtake
      // each other; per-key order is the only order DynamoDB streams promise, and Ferry's FIFO rests on it.
      parallelizationFactor: 1,
      onFailure: new SqsDlq(failureQueue),
    }),
  );
}
