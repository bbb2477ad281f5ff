// Who may call what: the API routes behind each of the construct's grants, named down to the topic or group, as execute-api ARNs.
import { ArnFormat, Stack, Token } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { NAME_PATTERN } from '../lambda/core/names.ts';

/** One route, or a family of routes, in execute-api terms: `*` in a path matches any characters, `/` included. */
export interface Route {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE' | '*';
  readonly path: string;
}

/** Where the routes live: the API's id and the stage that requests go to. */
export interface ApiAddress {
  readonly apiId: string;
  readonly stageName: string;
}

/**
 * Publish to each topic: single and batch publish, and the decisions on that topic's messages (commit, rollback,
 * cancel, reschedule; cancel and reschedule by key). Each topic is an exact path segment, so `orders` never reaches
 * `orders-eu`.
 */
export function publishRoutes(topics: readonly string[]): Route[] {
  return names('topic', topics).flatMap((topic): Route[] => [
    { method: 'POST', path: `/v1/topics/${topic}/messages` },
    { method: 'POST', path: `/v1/topics/${topic}/messages/batch` },
    { method: 'POST', path: `/v1/topics/${topic}/messages/*/commit` },
    { method: 'POST', path: `/v1/topics/${topic}/messages/*/rollback` },
    { method: 'POST', path: `/v1/topics/${topic}/messages/*/cancel` },
    { method: 'POST', path: `/v1/topics/${topic}/messages/*/reschedule` },
    { method: 'POST', path: `/v1/topics/${topic}/messages/cancel` },
    { method: 'POST', path: `/v1/topics/${topic}/messages/reschedule` },
  ]);
}

/**
 * Consume from each group: receive, acknowledge, negatively acknowledge, change visibility, read and redrive dead
 * letters, replay a subscribed topic's messages to the group and follow the replay (as Pub/Sub's seek needs only the
 * subscription's consume permission).
 */
export function consumeRoutes(groups: readonly string[]): Route[] {
  return names('group', groups).flatMap((group): Route[] => [
    { method: 'POST', path: `/v1/groups/${group}/receive` },
    { method: 'POST', path: `/v1/groups/${group}/ack` },
    { method: 'POST', path: `/v1/groups/${group}/nack` },
    { method: 'POST', path: `/v1/groups/${group}/visibility` },
    { method: 'GET', path: `/v1/groups/${group}/dead-letters` },
    { method: 'POST', path: `/v1/groups/${group}/dead-letters/redrive` },
    { method: 'POST', path: `/v1/groups/${group}/replay` },
    { method: 'GET', path: `/v1/groups/${group}/replays/*` },
  ]);
}

/**
 * Look without changing anything: health, the OpenAPI document, messages and their trace, queries by key or time,
 * the catalog with its backlog figures, and the checks a producer group has waiting (which a producer without a
 * check URL pulls). Every one is a GET, and no GET route changes state.
 */
export const READ_ROUTES: readonly Route[] = [
  { method: 'GET', path: '/v1/health' },
  { method: 'GET', path: '/v1/openapi.json' },
  { method: 'GET', path: '/v1/messages/*' },
  { method: 'GET', path: '/v1/topics' },
  { method: 'GET', path: '/v1/topics/*' },
  { method: 'GET', path: '/v1/groups' },
  { method: 'GET', path: '/v1/groups/*' },
  { method: 'GET', path: '/v1/producer-groups/*' },
  // Evaluates a filter over the messages the request carries, and changes nothing: the dashboard's filter playground.
  { method: 'POST', path: '/v1/topics/*/filter-preview' },
];

/** Everything: creating and deleting topics, groups and producer groups, and every route above. */
export const ADMIN_ROUTES: readonly Route[] = [{ method: '*', path: '/*' }];

/** `arn:<partition>:execute-api:<region>:<account>:<apiId>/<stage>/<METHOD><path>`. */
export function routeArn(scope: IConstruct, api: ApiAddress, route: Route): string {
  return Stack.of(scope).formatArn({
    service: 'execute-api',
    resource: api.apiId,
    arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    resourceName: `${api.stageName}/${route.method}${route.path}`,
  });
}

/** The names a grant covers: at least one, each a literal topic or group name, so that no grant can hold a wildcard. */
function names(kind: 'topic' | 'group', given: readonly string[]): readonly string[] {
  if (given.length === 0) throw new Error(`name at least one ${kind} to grant`);
  for (const name of given) {
    if (Token.isUnresolved(name) || !NAME_PATTERN.test(name)) {
      throw new Error(`a ${kind} name is 1 to 64 of A-Z a-z 0-9 _ - (no wildcards), got '${name}'`);
    }
  }
  return given;
}
