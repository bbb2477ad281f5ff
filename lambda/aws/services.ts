// Builds Ferry's services on DynamoDB and SQS, configured from the environment: the same in AWS, LocalStack and the local stack.
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { GetScheduleCommand, type SchedulerClient } from '@aws-sdk/client-scheduler';
import { createHttpCheckClient } from '../http/http-check-client.ts';
import { createOutboundPost } from '../http/outbound-post.ts';
import { resolveHost } from '../http/resolve-host.ts';
import { createHttpPushTransport } from '../http/http-push-transport.ts';
import { TimerWheel } from '../core/timers.ts';
import { readConfig } from '../core/config.ts';
import { systemClock, type Ports } from '../core/ports.ts';
import { createServices, type FerryServices } from '../core/services.ts';
import { HealthProblem } from '../core/health-problem.ts';
import { createClients, type AwsClients } from './clients.ts';
import { DynamoCatalog } from './dynamo-catalog.ts';
import { LoggedFaults } from './fault-log.ts';
import { noPusher } from './lambda-push-mappings.ts';
import { DynamoMessageStore } from './dynamo-message-store.ts';
import { dynamoReceiptKeys } from './dynamo-receipt-key.ts';
import { SqsQueues } from './sqs-queues.ts';
import { lambdaMetrics } from './powertools-metrics.ts';

type Env = Record<string, string | undefined>;

const TICK_LATE_MIN_MS = 30_000;

/**
 * `extra`: ports only some handlers have (the tick's fan-out, the API's body store and push mappings), or the local
 * stack's push loops. A port that one handler alone needs is made there, so that the other bundles do not carry its
 * client (the Lambda client of the push mappings is 70 KB).
 */
export function createAwsPorts(
  env: Env = process.env,
  clients: AwsClients = createClients(env),
  extra: Partial<Pick<Ports, 'shardWaker' | 'bodies' | 'pushMappings'>> = {},
): Ports {
  const config = readConfig(env);
  // Check-backs and pushes go out through one call that cannot be aimed inward (lambda/core/endpoint-rules.ts).
  const outbound = createOutboundPost(config.endpointRules, resolveHost);
  const wheel = new TimerWheel(config.timerBucketSeconds, config.timerShards);
  const store = new DynamoMessageStore(clients.documents, config.tableName, config.defaultRetentionHours, wheel);
  return {
    catalog: new DynamoCatalog(clients.documents, config.tableName),
    store,
    queues: new SqsQueues(clients.sqs, config.queuePrefix, config.stackName),
    checkClient: createHttpCheckClient(outbound),
    resolve: resolveHost,
    receiptKeys: dynamoReceiptKeys(clients.documents, config.tableName),
    wheel,
    clock: systemClock,
    config,
    faults: new LoggedFaults(),
    // Written to the logs at the end of each invocation by the handlers (flushingMetrics).
    metrics: lambdaMetrics,
    pushTransport: createHttpPushTransport(outbound),
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

export function createAwsServices(
  env: Env = process.env,
  clients: AwsClients = createClients(env),
  extra: Partial<Pick<Ports, 'shardWaker' | 'bodies' | 'pushMappings'>> = {},
): FerryServices {
  return createServices(createAwsPorts(env, clients, extra));
}
