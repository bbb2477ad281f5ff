// Push delivery: the pusher Lambda, which event source mappings made at run time (one per push group) feed from the
// groups' queues, and the API's right to make those mappings for this function alone.
import { Duration } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { Policy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { createFerryFunction, type SharedFunctionProps } from './function.ts';
import { grantGroupQueues } from './queues.ts';
import { grantTableUse } from './table.ts';

export interface PushProps {
  readonly table: Table;
  readonly functions: SharedFunctionProps;
  readonly queueArnPattern: string;
}

/**
 * The pusher reads the group from the catalog (GetItem) and writes push trace (BatchWriteItem, which IAM authorises as
 * itself, not as PutItem): nothing else of the table.
 */
export const PUSHER_TABLE_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchWriteItem'];

/**
 * What an SQS event source mapping needs of its function's role (ReceiveMessage, DeleteMessage, GetQueueAttributes),
 * and ChangeMessageVisibility, with which the pusher sets a failed message's retry delay as a nack does.
 */
export const PUSHER_QUEUE_ACTIONS = [
  'sqs:ReceiveMessage',
  'sqs:DeleteMessage',
  'sqs:GetQueueAttributes',
  'sqs:ChangeMessageVisibility',
];

/**
 * A push group's queue hides a received message 30 s (lambda/aws/sqs-queues.ts), and Lambda refuses a mapping whose
 * function may run longer than that: the pusher's batch sizes keep its work within 25 s (lambda/core/push.ts).
 */
const PUSHER_TIMEOUT = Duration.seconds(30);

export function createPusher(scope: Construct, props: PushProps): LambdaFunction {
  const fn = createFerryFunction(scope, 'PusherFunction', props.functions, {
    handlerFile: 'pusher',
    description: "Ferry pusher: POSTs push groups' messages to their endpoints",
    memorySize: 256,
    timeout: PUSHER_TIMEOUT,
  });
  grantTableUse(props.table, fn, { actions: PUSHER_TABLE_ACTIONS, indexes: [] });
  grantGroupQueues(fn, props.queueArnPattern, PUSHER_QUEUE_ACTIONS);
  return fn;
}

/**
 * The API makes, changes and removes the pusher's event source mappings as groups switch between pull and push.
 * Create, update and delete are allowed only for mappings on this function (the `lambda:FunctionArn` condition key;
 * these actions take no function in their resource, and a mapping's own ARN holds a UUID that exists only once it is
 * made). Listing supports neither. A policy of its own, so that its reviewed `*` resources are acknowledged on it
 * alone and a `*` anywhere else in the API's role is still reported.
 */
export function grantPushMappings(scope: Construct, api: LambdaFunction, pusher: LambdaFunction): Policy {
  api.addEnvironment('FERRY_PUSHER_FUNCTION', pusher.functionArn);
  return new Policy(scope, 'PushMappingsPolicy', {
    roles: [api.role!],
    statements: [
      new PolicyStatement({
        actions: [
          'lambda:CreateEventSourceMapping',
          'lambda:UpdateEventSourceMapping',
          'lambda:DeleteEventSourceMapping',
        ],
        resources: ['*'],
        conditions: { StringEquals: { 'lambda:FunctionArn': pusher.functionArn } },
      }),
      new PolicyStatement({ actions: ['lambda:ListEventSourceMappings'], resources: ['*'] }),
    ],
  });
}
