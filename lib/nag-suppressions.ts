// cdk-nag AwsSolutions findings that Ferry's design requires, acknowledged on the exact resources, each with its reason.
import { Stack, Validations } from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import type { IRole, Policy } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { BODY_PREFIX } from '../lambda/aws/body-layout.ts';
import type { IConstruct } from 'constructs';

/** The Ferry resources whose findings are accepted: named here, so that this file needs nothing from the construct. */
export interface NagSubjects {
  /** The construct itself, whose stack resolves the ARNs that findings name. */
  readonly scope: IConstruct;
  readonly queueArnPattern: string;
  readonly apiFunction: IFunction;
  readonly dispatcherFunction: IFunction;
  readonly streamRedriveFunction: IFunction;
  readonly tickFunction: IFunction;
  readonly tickShardFunction: IFunction;
  readonly pusherFunction: IFunction;
  /** The API's right to manage the pusher's event source mappings. */
  readonly pushMappingsPolicy: Policy;
  /** Absent when the tick runs on an EventBridge rule. */
  readonly tickScheduleRole?: IRole | undefined;
  readonly streamFailureQueue: IQueue;
  /** Present when the front door is a REST API. */
  readonly restApi?: RestApi | undefined;
  readonly bodyBucket: IBucket;
}

/**
 * Acknowledges, on the Ferry construct's own resources, the findings it accepts on purpose. Wildcard findings are
 * acknowledged one resource at a time (`AwsSolutions-IAM5[Resource::...]`), so that any new wildcard is still reported.
 */
export function acknowledgeNagFindings(ferry: NagSubjects): void {
  const stack = Stack.of(ferry.scope);
  const queueArnPattern = nagNotation(stack.resolve(ferry.queueArnPattern));
  for (const fn of [
    ferry.apiFunction,
    ferry.dispatcherFunction,
    ferry.streamRedriveFunction,
    ferry.tickFunction,
    ferry.pusherFunction,
  ]) {
    acknowledge(
      fn.role,
      `AwsSolutions-IAM5[Resource::${queueArnPattern}]`,
      'Consumer-group queues are created at run time, a queue and a dead-letter queue per group (PUT /v1/groups/{group}), so they do not exist at deploy time and can only be addressed by their name prefix. The prefix belongs to this Ferry alone and every action is named (no sqs:*).',
    );
    acknowledge(
      fn,
      'AwsSolutions-L1',
      'Node.js 22 on purpose: the package engines, the local stack and every test run on Node 22, so production runs the major the code is tested on. A newer runtime is adopted together with the engines field, not by the linter.',
    );
  }
  for (const fn of [ferry.tickFunction, ferry.tickShardFunction]) {
    acknowledge(
      fn,
      'AwsSolutions-L1',
      'Node.js 22 on purpose: the package engines, the local stack and every test run on Node 22, so production runs the major the code is tested on.',
    );
  }
  const tickShardArn = nagNotation(stack.resolve(ferry.tickShardFunction.functionArn));
  acknowledge(
    ferry.tickFunction.role,
    `AwsSolutions-IAM5[Resource::${tickShardArn}:*]`,
    'lambda:InvokeFunction on the tick-shard function and its versions (":*"), which is how CDK grants invoke; the tick can invoke nothing else.',
  );
  if (ferry.tickScheduleRole !== undefined) {
    const tickArn = nagNotation(stack.resolve(ferry.tickFunction.functionArn));
    acknowledge(
      ferry.tickScheduleRole,
      `AwsSolutions-IAM5[Resource::${tickArn}:*]`,
      'lambda:InvokeFunction on the tick function and its versions (":*"), which is how CDK grants invoke; the role can invoke nothing else.',
    );
  }
  acknowledge(
    ferry.pushMappingsPolicy,
    'AwsSolutions-IAM5[Resource::*]',
    "lambda:ListEventSourceMappings supports no resource-level permission; Create, Update and DeleteEventSourceMapping name no function in their resource, so they are limited by the lambda:FunctionArn condition to the pusher's mappings.",
  );
  acknowledge(
    ferry.dispatcherFunction.role,
    'AwsSolutions-IAM5[Resource::*]',
    "dynamodb:ListStreams, which the stream event source mapping needs, supports no resource-level permission; DescribeStream, GetRecords and GetShardIterator are limited to this table's stream ARN.",
  );
  acknowledge(
    ferry.streamFailureQueue,
    'AwsSolutions-SQS3',
    'This queue is itself a dead-letter destination (the on-failure destination of the stream event source mapping). A record the redrive function cannot dispatch stays here, retried every 5 minutes under an alarm, until the stream no longer holds its batch; a dead-letter queue behind it would take it out of that retry.',
  );
  acknowledgeBodyBucketFindings(ferry);
  if (ferry.restApi !== undefined) acknowledgeRestApiFindings(ferry.restApi);
}

function acknowledgeBodyBucketFindings(ferry: NagSubjects): void {
  const bucketArn = nagNotation(Stack.of(ferry.scope).resolve(ferry.bodyBucket.bucketArn));
  acknowledge(
    ferry.apiFunction.role,
    `AwsSolutions-IAM5[Resource::${bucketArn}/${BODY_PREFIX}*]`,
    'Large bodies are objects named by message id, created at run time under the body prefix; the API may put and get objects there and nothing else (no delete: lifecycle rules expire them).',
  );
  acknowledge(
    ferry.pusherFunction.role,
    `AwsSolutions-IAM5[Resource::${bucketArn}/${BODY_PREFIX}*]`,
    'The pusher reads large bodies (objects named by message id under the body prefix) to push them whole; it may get objects there and nothing else.',
  );
  acknowledge(
    ferry.bodyBucket,
    'AwsSolutions-S1',
    "Only the API function reads and writes this bucket, and the API's access logs record every request with its caller; object-level auditing is CloudTrail data events where an account wants them. Server access logs would need a second bucket, which would itself be unlogged.",
  );
}

/** The REST API front door, which exists for LocalStack's free plan; the HTTP API raises none of these. */
function acknowledgeRestApiFindings(restApi: RestApi): void {
  acknowledge(
    restApi,
    'AwsSolutions-APIG2',
    'Every request is validated by the API function against the same schemas that produce the OpenAPI document, and answered with a 4xx that says what to fix; API Gateway request models would be a second copy of that contract.',
  );
  acknowledge(
    restApi,
    'AwsSolutions-APIG3',
    "Every method requires SigV4-signed requests (IAM authorisation) and the stage is throttled; a WAF web ACL is the deployer's choice and cost, as it is for the HTTP API front door.",
  );
  acknowledge(
    restApi,
    'AwsSolutions-APIG6',
    'Access logs are on (one JSON line per request) and the function logs every error. Execution logs need the account-wide API Gateway CloudWatch role (one per account and region), which a construct must not take over.',
  );
  acknowledge(
    restApi,
    'AwsSolutions-COG4',
    "Callers are AWS principals authorised by IAM (SigV4) per route, which the construct's grant methods give; Ferry has no end users for a Cognito user pool.",
  );
}

function acknowledge(scope: IConstruct | undefined, id: string, reason: string): void {
  if (scope === undefined) throw new Error(`cannot acknowledge ${id}: the construct does not exist`);
  Validations.of(scope).acknowledge({ id, reason });
}

/** A resolved CloudFormation value in cdk-nag's finding notation: `{ Ref: X }` is `<X>`, `{ Fn::GetAtt: [R, A] }` is `<R.A>`. */
function nagNotation(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null) {
    const intrinsic = value as { Ref?: unknown; 'Fn::Join'?: [string, unknown[]]; 'Fn::GetAtt'?: [string, string] };
    if (typeof intrinsic.Ref === 'string') return `<${intrinsic.Ref}>`;
    if (intrinsic['Fn::GetAtt'] !== undefined) return `<${intrinsic['Fn::GetAtt'].join('.')}>`;
    if (intrinsic['Fn::Join'] !== undefined) {
      const [delimiter, parts] = intrinsic['Fn::Join'];
      return parts.map(nagNotation).join(delimiter);
    }
  }
  return JSON.stringify(value);
}
