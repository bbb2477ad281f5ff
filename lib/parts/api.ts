// The API: the Lambda running the Hono app, behind an IAM-authorised front door (an HTTP API, or a REST API).
import { Duration } from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import type { HttpApi, ThrottleSettings } from 'aws-cdk-lib/aws-apigatewayv2';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import type { Schedule } from 'aws-cdk-lib/aws-scheduler';
import type { Construct } from 'constructs';
import type { FrontDoor } from './front-door.ts';
import { createFerryFunction, type SharedFunctionProps } from './function.ts';
import { createHttpFrontDoor } from './http-api.ts';
import { grantBodyUse } from './bodies.ts';
import { grantGroupQueues } from './queues.ts';
import { createRestFrontDoor } from './rest-api.ts';
import { API_TABLE_USE, grantTableUse } from './table.ts';

/** `http`: an API Gateway HTTP API (cheaper, faster). `rest`: a REST API, for LocalStack's free plan, which has no HTTP APIs. */
export type FrontDoorKind = 'http' | 'rest';

export interface ApiProps {
  readonly kind: FrontDoorKind;
  readonly table: Table;
  /** Where bodies too large for an item are kept; the API alone reads and writes them. */
  readonly bodyBucket: Bucket;
  readonly functions: SharedFunctionProps;
  readonly queueArnPattern: string;
  /** Throttling of the API's stage. */
  readonly throttle: ThrottleSettings;
  /** The tick's schedule, whose state the API reports in health; none when the tick has no schedule to ask about. */
  readonly tickSchedule?: Schedule | undefined;
}

export interface Api extends FrontDoor {
  readonly apiFunction: LambdaFunction;
  /** The front door when `kind` is `http`. */
  readonly httpApi?: HttpApi;
  /** The front door when `kind` is `rest`. */
  readonly restApi?: RestApi;
}

/**
 * Exactly the SQS calls of `lambda/aws/sqs-queues.ts` that the API makes: CreateQueue and SetQueueAttributes (a
 * group's queue pair), GetQueueAttributes (the dead-letter queue's ARN, backlog figures), DeleteQueue,
 * ReceiveMessage, DeleteMessageBatch (ack, authorised as DeleteMessage), ChangeMessageVisibility (nack, visibility),
 * SendMessageBatch (dead-letter redrive, authorised as SendMessage), TagQueue (tags given to CreateQueue, and the tags
 * of a group's queues made before queues were tagged) and ListQueueTags (whose a queue of that name is). No
 * PurgeQueue, no message move task, no GetQueueUrl: nothing calls them.
 */
const API_QUEUE_ACTIONS = [
  'sqs:CreateQueue',
  'sqs:SetQueueAttributes',
  'sqs:GetQueueAttributes',
  'sqs:DeleteQueue',
  'sqs:ReceiveMessage',
  'sqs:DeleteMessage',
  'sqs:ChangeMessageVisibility',
  'sqs:SendMessage',
  'sqs:TagQueue',
  'sqs:ListQueueTags',
];

export function createApi(scope: Construct, props: ApiProps): Api {
  const apiFunction = createApiFunction(scope, props);
  const frontDoorProps = { throttle: props.throttle, functions: props.functions };
  const frontDoor =
    props.kind === 'rest'
      ? createRestFrontDoor(scope, apiFunction, frontDoorProps)
      : createHttpFrontDoor(scope, apiFunction, frontDoorProps);
  return { apiFunction, ...frontDoor };
}

function createApiFunction(scope: Construct, props: ApiProps): LambdaFunction {
  const fn = createFerryFunction(scope, 'ApiFunction', props.functions, {
    handlerFile: 'api',
    description: 'Ferry HTTP API: admin, publish, transactions, consume, query, dashboard',
    memorySize: 1024,
    // API Gateway stops waiting after 29 s; running longer would only bill for an answer nobody receives.
    timeout: Duration.seconds(29),
  });
  grantTableUse(props.table, fn, API_TABLE_USE);
  grantGroupQueues(fn, props.queueArnPattern, API_QUEUE_ACTIONS);
  grantBodyUse(props.bodyBucket, fn);
  fn.addEnvironment('FERRY_BODY_BUCKET', props.bodyBucket.bucketName);
  if (props.tickSchedule !== undefined) {
    fn.addEnvironment('FERRY_TICK_SCHEDULE_NAME', props.tickSchedule.scheduleName);
    fn.addToRolePolicy(
      new PolicyStatement({ actions: ['scheduler:GetSchedule'], resources: [props.tickSchedule.scheduleArn] }),
    );
  }
  return fn;
}
