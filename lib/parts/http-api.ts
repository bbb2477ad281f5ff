// The HTTP API front door: an API Gateway HTTP API, IAM authorisation on every route, a throttled $default stage with access logs.
import { Stack } from 'aws-cdk-lib';
import { HttpApi, HttpMethod, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { accessLogFormat, accessLogGroup, type FrontDoor, type FrontDoorProps } from './front-door.ts';

/** The stage with no name in the URL; execute-api ARNs name it `$default` like any other stage. */
const DEFAULT_STAGE = '$default';

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
  const accessLogs = accessLogGroup(scope, props);
  const stage = api.addStage('DefaultStage', {
    stageName: DEFAULT_STAGE,
    autoDeploy: true,
    throttle: props.throttle,
    accessLogSettings: {
      destination: new LogGroupLogDestination(accessLogs),
      format: accessLogFormat({ routeKey: '$context.routeKey' }),
    },
  });
  return stage.url;
}
