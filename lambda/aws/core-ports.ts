// The ports every Ferry function uses, and the dispatcher on them. Apart from services.ts so that the functions that
// only dispatch (the stream's, the redrive's) do not import the outbound HTTP calls: ipaddr.js, which those use, is
// CommonJS, so esbuild keeps it in every bundle that imports it, used or not.
import { readConfig } from '../core/config.ts';
import type { Dispatcher } from '../core/dispatch.ts';
import { systemClock, type Ports } from '../core/ports.ts';
import { createDispatcher, type DispatchingPorts } from '../core/wiring.ts';
import { TimerWheel } from '../core/timers.ts';
import { createCoreClients, type CoreClients } from './clients.ts';
import { DynamoCatalog } from './dynamo-catalog.ts';
import { DynamoMessageStore } from './dynamo-message-store.ts';
import { LoggedFaults } from './fault-log.ts';
import { lambdaMetrics } from './powertools-metrics.ts';
import { SqsQueues } from './sqs-queues.ts';

type Env = Record<string, string | undefined>;

/** The ports every function uses: configuration, catalog, store, queues, clock, faults and metrics. */
export type CorePorts = DispatchingPorts & Pick<Ports, 'wheel'>;

export function createAwsCorePorts(env: Env = process.env, clients: CoreClients = createCoreClients(env)): CorePorts {
  const config = readConfig(env);
  const wheel = new TimerWheel(config.timerBucketSeconds, config.timerShards);
  return {
    catalog: new DynamoCatalog(clients.documents, config.tableName),
    store: new DynamoMessageStore(clients.documents, config.tableName, config.defaultRetentionHours, wheel),
    queues: new SqsQueues(clients.sqs, config.queuePrefix, config.stackName),
    wheel,
    clock: systemClock,
    config,
    faults: new LoggedFaults(),
    // Written to the logs at the end of each invocation by the handlers (flushingMetrics).
    metrics: lambdaMetrics,
  };
}

/** The dispatcher alone, for the stream's function and the stream redrive's. */
export function createAwsDispatcher(env: Env = process.env, clients: CoreClients = createCoreClients(env)): Dispatcher {
  return createDispatcher(createAwsCorePorts(env, clients));
}
