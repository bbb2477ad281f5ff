// What either front door of the API (HTTP API or REST API) is given and gives back.
import type { ThrottleSettings } from 'aws-cdk-lib/aws-apigatewayv2';
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
