// Stream redrive: reads each stream batch the dispatcher gave up on back from the stream and dispatches it again.
import { Duration } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { createFerryFunction, type SharedFunctionProps } from './function.ts';
import { DISPATCH_QUEUE_ACTIONS, grantGroupQueues } from './queues.ts';
import { DISPATCH_TABLE_USE, grantTableUse } from './table.ts';

export interface StreamRedriveProps {
  readonly table: Table;
  readonly functions: SharedFunctionProps;
  readonly queueArnPattern: string;
  /** The dispatcher's on-failure destination, which this function reads. */
  readonly streamFailureQueue: Queue;
}

export function createStreamRedrive(scope: Construct, props: StreamRedriveProps): LambdaFunction {
  const fn = createFerryFunction(scope, 'StreamRedriveFunction', props.functions, {
    handlerFile: 'stream-redrive',
    description: 'Ferry stream redrive: dispatches again the stream batches the dispatcher gave up on',
    memorySize: 512,
    timeout: Duration.seconds(60),
  });
  grantTableUse(props.table, fn, DISPATCH_TABLE_USE);
  grantGroupQueues(fn, props.queueArnPattern, DISPATCH_QUEUE_ACTIONS);
  // readStreamRange (lambda/aws/stream-records.ts) calls GetShardIterator and GetRecords on the stream the failure
  // record names, this table's; not grantStreamRead, whose ListStreams needs a resource of '*'.
  fn.addToRolePolicy(
    new PolicyStatement({
      actions: ['dynamodb:GetShardIterator', 'dynamodb:GetRecords'],
      resources: [props.table.tableStreamArn!],
    }),
  );
  // One record per invocation; one that fails again comes back after the queue's visibility timeout.
  fn.addEventSource(new SqsEventSource(props.streamFailureQueue, { batchSize: 1, reportBatchItemFailures: true }));
  return fn;
}
