// Builds the core services over the local engines as the Lambda functions build them over AWS: the same clients,
// ports and settings, whichever process of the local stack they run in.
import { createClients, type AwsClients, type InstrumentClient } from '../aws/clients.ts';
import { faultSettingsFrom, injectFaults } from '../aws/fault-injection.ts';
import { s3BodyStoreFromEnv } from '../aws/s3-body-store.ts';
import { createAwsPorts } from '../aws/services.ts';
import type { Metrics } from '../core/metrics.ts';
import type { Ports, PushMappings } from '../core/ports.ts';
import { createServices, type FerryServices } from '../core/services.ts';

export type LocalEnv = Record<string, string | undefined>;

export interface LocalServices {
  env: LocalEnv;
  clients: AwsClients;
  ports: Ports;
  services: FerryServices;
}

export interface LocalServicesOptions {
  metrics: Metrics;
  pushMappings?: PushMappings;
  /** Tests only: wraps the stores and queues, to inject faults that a real engine cannot produce. */
  adjustPorts?: (ports: Ports) => Ports;
  /** The benchmark only: middleware added to the DynamoDB and SQS clients (its request counters). */
  instrumentClients?: InstrumentClient;
  /** Wraps the message store before the services are built (the dashboard's recent messages). */
  watchStore?: (store: Ports['store']) => Ports['store'];
}

export function createLocalServices(env: LocalEnv, options: LocalServicesOptions): LocalServices {
  // Only the chaos runner sets FERRY_CHAOS_FAULT_RATE (npm run chaos): AWS calls then fail at random. Like the
  // benchmark's counters, this lives here and not in the Lambda bundles.
  const faults = faultSettingsFrom(env);
  const clients = createClients(env, (service, middlewareStack) => {
    options.instrumentClients?.(service, middlewareStack);
    if (faults !== undefined) injectFaults(service, middlewareStack, faults);
  });
  const basePorts: Ports = {
    ...createAwsPorts(env, clients, {
      bodies: s3BodyStoreFromEnv(env),
      ...(options.pushMappings === undefined ? {} : { pushMappings: options.pushMappings }),
    }),
    metrics: options.metrics,
  };
  if (options.watchStore !== undefined) basePorts.store = options.watchStore(basePorts.store);
  const ports = options.adjustPorts === undefined ? basePorts : options.adjustPorts(basePorts);
  return { env, clients, ports, services: createServices(ports) };
}
