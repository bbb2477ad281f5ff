// The REST API front door (for LocalStack's free plan): an API Gateway REST API, IAM authorisation on every method, a proxy to the API function.
import { Stack } from 'aws-cdk-lib';
import {
  AuthorizationType,
  EndpointType,
  LambdaIntegration,
  LogGroupLogDestination,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { accessLogFormat, accessLogGroup, type FrontDoor, type FrontDoorProps } from './front-door.ts';

/** The stage, which a REST API's URL names: `https://<id>.execute-api.<region>.amazonaws.com/prod/`. */
const STAGE = 'prod';

export function createRestFrontDoor(
  scope: Construct,
  apiFunction: IFunction,
  props: FrontDoorProps,
): FrontDoor & { restApi: RestApi } {
  const accessLogs = accessLogGroup(scope, props);
  const restApi = new RestApi(scope, 'RestApi', {
    restApiName: `${Stack.of(scope).stackName}-${scope.node.id}`,
    description: 'Ferry: business messaging (RocketMQ semantics) on serverless AWS',
    endpointConfiguration: { types: [EndpointType.REGIONAL] },
    // The role that lets API Gateway write execution logs is one per account and region; a construct must not take it over.
    cloudWatchRole: false,
    deployOptions: {
      stageName: STAGE,
      ...(props.throttle.rateLimit === undefined ? {} : { throttlingRateLimit: props.throttle.rateLimit }),
      ...(props.throttle.burstLimit === undefined ? {} : { throttlingBurstLimit: props.throttle.burstLimit }),
      accessLogDestination: new LogGroupLogDestination(accessLogs),
      accessLogFormat: accessLogFormat({ resourcePath: '$context.resourcePath' }),
    },
    // Every method, the proxy's included, requires SigV4-signed requests, as every route of the HTTP API does.
    defaultMethodOptions: { authorizationType: AuthorizationType.IAM },
  });
  // No test-invoke permission: the console's test button is not a way in that Ferry needs.
  const integration = new LambdaIntegration(apiFunction, { allowTestInvoke: false });
  restApi.root.addMethod('ANY', integration);
  restApi.root.addProxy({ defaultIntegration: integration, anyMethod: true });
  return { restApi, url: restApi.url, address: { apiId: restApi.restApiId, stageName: STAGE } };
}
