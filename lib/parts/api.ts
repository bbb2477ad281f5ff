// The API: the Lambda running the Hono app, behind an IAM-authorised API Gateway HTTP API with throttling and access logs.
import { Duration, Stack } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpMethod, LogGroupLogDestination, type ThrottleSettings } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { Schedule } from 'aws-cdk-lib/aws-scheduler';
import type { Construct } from 'constructs';
import type { ApiAddress } from '../access.ts';
import { createFerryFunction, type SharedFunctionProps } from './function.ts';
import { grantGroupQueues } from './queues.ts';
import { grantTableUse } from './table.ts';

export interface ApiProps {
  readonly table: Table;
  readonly functions: SharedFunctionProps;
  readonly queueArnPattern: string;
  /** Throttling of the API's stage. */
  readonly throttle: ThrottleSettings;
  /** The tick's schedule, whose state the API reports in health; none when the tick has no schedule to ask about. */
  readonly tickSchedule?: Schedule;
}

export interface Api {
  readonly apiFunction: NodejsFunction;
  readonly httpApi: HttpApi;
  /** The API's base URL, ending with `/`. */
  readonly url: string;
  /** Where requests go, for the execute-api ARNs of grants. */
  readonly address: ApiAddress;
}

/** The API manages consumer-group queues (create, redrive, purge) and serves receive/ack/nack over HTTP. */
const API_QUEUE_ACTIONS = [
  'sqs:CreateQueue',
  'sqs:DeleteQueue',
  'sqs:GetQueueUrl',
  'sqs:GetQueueAttributes',
  'sqs:SetQueueAttributes',
  'sqs:TagQueue',
  'sqs:SendMessage',
  'sqs:ReceiveMessage',
  'sqs:DeleteMessage',
  'sqs:ChangeMessageVisibility',
  'sqs:ListDeadLetterSourceQueues',
  'sqs:StartMessageMoveTask',
  'sqs:ListMessageMoveTasks',
  'sqs:PurgeQueue',
];

const DEFAULT_STAGE = '$default';

/** Fields of one access log line (HTTP API `$context` variables), one JSON object per request. */
const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  requestTime: '$context.requestTime',
  sourceIp: '$context.identity.sourceIp',
  caller: '$context.identity.caller',
  userArn: '$context.identity.userArn',
  httpMethod: '$context.httpMethod',
  path: '$context.path',
  routeKey: '$context.routeKey',
  protocol: '$context.protocol',
  status: '$context.status',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationLatency: '$context.integrationLatency',
  error: '$context.error.message',
  integrationError: '$context.integrationErrorMessage',
};

export function createApi(scope: Construct, props: ApiProps): Api {
  const apiFunction = createApiFunction(scope, props);
  const httpApi = createHttpApi(scope, apiFunction);
  const url = addDefaultStage(scope, httpApi, props);
  // HTTP APIs name the $default stage in execute-api ARNs like any other stage.
  return { apiFunction, httpApi, url, address: { apiId: httpApi.apiId, stageName: DEFAULT_STAGE } };
}

function createApiFunction(scope: Construct, props: ApiProps): NodejsFunction {
  const fn = createFerryFunction(scope, 'ApiFunction', props.functions, {
    handlerFile: 'api',
    description: 'Ferry HTTP API: admin, publish, transactions, consume, query, dashboard',
    memorySize: 1024,
    // API Gateway stops waiting after 29 s; running longer would only bill for an answer nobody receives.
    timeout: Duration.seconds(29),
  });
  grantTableUse(props.table, fn);
  grantGroupQueues(fn, props.queueArnPattern, API_QUEUE_ACTIONS);
  if (props.tickSchedule !== undefined) {
    fn.addEnvironment('FERRY_TICK_SCHEDULE_NAME', props.tickSchedule.scheduleName);
    fn.addToRolePolicy(new PolicyStatement({ actions: ['scheduler:GetSchedule'], resources: [props.tickSchedule.scheduleArn] }));
  }
  return fn;
}

function createHttpApi(scope: Construct, apiFunction: NodejsFunction): HttpApi {
  const api = new HttpApi(scope, 'HttpApi', {
    apiName: `${Stack.of(scope).stackName}-${scope.node.id}`,
    description: 'Ferry: business messaging (RocketMQ semantics) on serverless AWS',
    defaultAuthorizer: new HttpIamAuthorizer(),
    // The default stage is added below with throttling and access logs, which HttpApi's own default stage lacks.
    createDefaultStage: false,
  });
  const integration = new HttpLambdaIntegration('ApiIntegration', apiFunction);
  api.addRoutes({ path: '/', methods: [HttpMethod.ANY], integration });
  api.addRoutes({ path: '/{proxy+}', methods: [HttpMethod.ANY], integration });
  return api;
}

/** The `$default` stage, so that the URL has no stage segment; answers its URL. */
function addDefaultStage(scope: Construct, api: HttpApi, props: ApiProps): string {
  const accessLogs = new LogGroup(scope, 'ApiAccessLogs', { retention: props.functions.logRetention, removalPolicy: props.functions.removalPolicy });
  const stage = api.addStage('DefaultStage', {
    stageName: DEFAULT_STAGE,
    autoDeploy: true,
    throttle: props.throttle,
    accessLogSettings: {
      destination: new LogGroupLogDestination(accessLogs),
      format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
    },
  });
  return stage.url;
}
