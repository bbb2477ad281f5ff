// Builds Ferry's services on DynamoDB and SQS, configured from the environment: the same in AWS, LocalStack and the local stack.
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { GetScheduleCommand, type SchedulerClient } from '@aws-sdk/client-scheduler';
import { createHttpCheckClient } from '../http/http-check-client.ts';
import { createOutboundPost } from '../http/outbound-post.ts';
import { resolveHost } from '../http/resolve-host.ts';
import { createHttpPushTransport } from '../http/http-push-transport.ts';
import type { FerryConfig } from '../core/config.ts';
import type { Ports } from '../core/ports.ts';
import {
  createApiServices,
  createPusher,
  createServices,
  createTick,
  type ApiPorts,
  type ApiServices,
  type FerryServices,
} from '../core/services.ts';
import type { Pusher } from '../core/push.ts';
import type { Tick } from '../core/tick.ts';
import { HealthProblem } from '../core/health-problem.ts';
import { createClients, createCoreClients, type AwsClients, type CoreClients } from './clients.ts';
import { createAwsCorePorts, type CorePorts } from './core-ports.ts';
import { noPusher } from './lambda-push-mappings.ts';
import { dynamoReceiptKeys } from './dynamo-receipt-key.ts';

type Env = Record<string, string | undefined>;

const TICK_LATE_MIN_MS = 30_000;

/** Check-backs and pushes go out through one call that cannot be aimed inward (lambda/core/endpoint-rules.ts). */
const outboundPost = (config: FerryConfig) => createOutboundPost(config.endpointRules, resolveHost);

/** The tick alone (for the tick's function and its shards'), with the fan-out if the tick's function has one. */
export function createAwsTick(
  env: Env = process.env,
  extra: Partial<Pick<Ports, 'shardWaker'>> = {},
  clients: CoreClients = createCoreClients(env),
): Tick {
  const ports = createAwsCorePorts(env, clients);
  return createTick({ ...ports, checkClient: createHttpCheckClient(outboundPost(ports.config)), ...extra });
}

/** The pusher alone, and the ports it reads groups from. */
export function createAwsPusher(
  env: Env = process.env,
  extra: Partial<Pick<Ports, 'bodies'>> = {},
  clients: CoreClients = createCoreClients(env),
): { pusher: Pusher; ports: CorePorts } {
  const ports = createAwsCorePorts(env, clients);
  return {
    pusher: createPusher({ ...ports, pushTransport: createHttpPushTransport(outboundPost(ports.config)), ...extra }),
    ports,
  };
}

/**
 * Every port, for the local stack and the tests, which run every function in one process. `extra`: ports only some
 * handlers have (the tick's fan-out, the API's body store and push mappings), or the local stack's push loops. A port
 * that one handler alone needs is made there, so that the other bundles do not carry its client (the Lambda client of
 * the push mappings is 70 KB).
 */
export function createAwsPorts(
  env: Env = process.env,
  clients: AwsClients = createClients(env),
  extra: Partial<Pick<Ports, 'shardWaker' | 'bodies' | 'pushMappings'>> = {},
): Ports {
  const api = createAwsApiPorts(env, clients, extra);
  const outbound = outboundPost(api.config);
  return {
    checkClient: createHttpCheckClient(outbound),
    pushTransport: createHttpPushTransport(outbound),
    ...api,
  };
}

/** The API's ports: no check-back or push calls, which the tick and the pusher make. */
export function createAwsApiPorts(
  env: Env = process.env,
  clients: AwsClients = createClients(env),
  extra: Partial<Pick<Ports, 'shardWaker' | 'bodies' | 'pushMappings'>> = {},
): ApiPorts & Partial<Pick<Ports, 'shardWaker'>> {
  const core = createAwsCorePorts(env, clients);
  const { config, store } = core;
  return {
    ...core,
    resolve: resolveHost,
    receiptKeys: dynamoReceiptKeys(clients.documents, config.tableName),
    pushMappings: noPusher,
    ...extra,
    checks: {
      table: async () => {
        const { Table } = await clients.dynamoDb.send(new DescribeTableCommand({ TableName: config.tableName }));
        if (Table?.TableStatus !== 'ACTIVE')
          throw new HealthProblem(`table ${config.tableName} is ${Table?.TableStatus ?? 'missing'}`);
      },
      // Without the tick, delayed messages and transaction check-backs stop: users must see that.
      tick: async () => {
        const { lastTickAt } = await store.tickState();
        const late = lastTickAt === undefined ? Infinity : Date.now() - lastTickAt;
        // Three missed intervals, and never less than 30 s: a tick that is slow once (a sweep, a loaded laptop) is not a stopped one.
        if (late > Math.max(3 * config.tickSeconds * 1000, TICK_LATE_MIN_MS)) {
          throw new HealthProblem(
            lastTickAt === undefined
              ? 'the tick has not run yet'
              : `the tick last ran ${Math.round(late / 1000)} s ago (every ${config.tickSeconds} s expected)`,
          );
        }
      },
      ...(config.tickScheduleName === undefined
        ? {}
        : {
            tickSchedule: () => scheduleEnabled(clients.scheduler, config.tickScheduleName!, config.tickScheduleGroup),
          }),
    },
  };
}

async function scheduleEnabled(scheduler: SchedulerClient, name: string, groupName: string): Promise<void> {
  const { State } = await scheduler.send(new GetScheduleCommand({ Name: name, GroupName: groupName }));
  if (State !== 'ENABLED')
    throw new HealthProblem(
      `the tick schedule ${name} is ${State ?? 'missing'}: delayed messages and check-backs are stopped`,
    );
}

/** Every service, for the local stack and the tests. */
export function createAwsServices(
  env: Env = process.env,
  clients: AwsClients = createClients(env),
  extra: Partial<Pick<Ports, 'shardWaker' | 'bodies' | 'pushMappings'>> = {},
): FerryServices {
  return createServices(createAwsPorts(env, clients, extra));
}

/** The API's services alone (lambda/handlers/api.ts). */
export function createAwsApiServices(
  env: Env = process.env,
  clients: AwsClients = createClients(env),
  extra: Partial<Pick<Ports, 'bodies' | 'pushMappings'>> = {},
): ApiServices {
  return createApiServices(createAwsApiPorts(env, clients, extra));
}
