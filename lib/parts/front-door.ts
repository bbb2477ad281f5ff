// What either front door of the API (HTTP API or REST API) is given and gives back.
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import type { ThrottleSettings } from 'aws-cdk-lib/aws-apigatewayv2';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { ApiAddress } from '../access.ts';
import type { SharedFunctionProps } from './function.ts';

export interface FrontDoorProps {
  readonly throttle: ThrottleSettings;
  /** The log retention and removal policy of the functions, which the access logs share. */
  readonly functions: SharedFunctionProps;
}

/** Where the API answers, and where its requests go (for execute-api ARNs). */
export interface FrontDoor {
  /** The API's base URL, ending with `/`. */
  readonly url: string;
  readonly address: ApiAddress;
}

/** One access log line per request, as JSON: the `$context` variables both kinds of API have, and `routeFields`. */
export function accessLogFormat(routeFields: Record<string, string>): AccessLogFormat {
  return AccessLogFormat.custom(
    JSON.stringify({
      requestId: '$context.requestId',
      requestTime: '$context.requestTime',
      sourceIp: '$context.identity.sourceIp',
      caller: '$context.identity.caller',
      userArn: '$context.identity.userArn',
      httpMethod: '$context.httpMethod',
      path: '$context.path',
      ...routeFields,
      protocol: '$context.protocol',
      status: '$context.status',
      responseLength: '$context.responseLength',
      responseLatency: '$context.responseLatency',
      integrationLatency: '$context.integrationLatency',
      error: '$context.error.message',
      integrationError: '$context.integrationErrorMessage',
    }),
  );
}

/** The access logs' group, kept as long as the functions' logs. */
export function accessLogGroup(scope: Construct, props: FrontDoorProps): LogGroup {
  return new LogGroup(scope, 'ApiAccessLogs', {
    retention: props.functions.logRetention,
    removalPolicy: props.functions.removalPolicy,
  });
}
