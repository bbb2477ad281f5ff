// The HTTP API front door: an API Gateway HTTP API, IAM authorisation on every route, a throttled $default stage with access logs.
import { Stack } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpMethod, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { FrontDoor, FrontDoorProps } from './front-door.ts';

/** The stage with no name in the URL; execute-api ARNs name it `$default` like any other stage. */
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

export function createHttpFrontDoor(
  scope: Construct,
  apiFunction: IFunction,
  props: FrontDoorProps,
): FrontDoor & { httpApi: HttpApi } {
  const httpApi = new HttpApi(scope, 'HttpApi', {
    apiName: `${Stack.of(scope).stackName}-${scope.node.id}`,
    description: 'Ferry: business messaging (RocketMQ semantics) on serverless AWS',
    defaultAuthorizer: new HttpIamAuthorizer(),
    // The default stage is added below with throttling and access logs, which HttpApi's own default stage lacks.
    createDefaultStage: false,
  });
  const integration = new HttpLambdaIntegration('ApiIntegration', apiFunction);
  httpApi.addRoutes({ path: '/', methods: [HttpMethod.ANY], integration });
  httpApi.addRoutes({ path: '/{proxy+}', methods: [HttpMethod.ANY], integration });
  const url = addDefaultStage(scope, httpApi, props);
  return { httpApi, url, address: { apiId: httpApi.apiId, stageName: DEFAULT_STAGE } };
}

/** The `$default` stage, so that the URL has no stage segment; answers its URL. */
function addDefaultStage(scope: Construct, api: HttpApi, props: FrontDoorProps): string {
  const accessLogs = new LogGroup(scope, 'ApiAccessLogs', {
    retention: props.functions.logRetention,
    removalPolicy: props.functions.removalPolicy,
  });
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
