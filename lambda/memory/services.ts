// Builds Ferry's services on the in-memory adapters: the core's unit tests run on them, in no real time and without engines.
import { randomBytes } from 'node:crypto';
import { readConfig } from '../core/config.ts';
import type { Resolve } from '../core/endpoint-rules.ts';
import type { CheckClient, Ports, PushMappings, PushTransport } from '../core/ports.ts';
import { createServices, type FerryServices } from '../core/services.ts';
import { TimerWheel } from '../core/timers.ts';
import { CountedFaults } from './counted-faults.ts';
import { ManualClock } from './manual-clock.ts';
import { MemoryBodyStore } from './memory-body-store.ts';
import { MemoryCatalog } from './memory-catalog.ts';
import { MemoryMessageStore } from './memory-message-store.ts';
import { MemoryQueues } from './memory-queues.ts';

export interface MemoryPorts extends Ports {
  catalog: MemoryCatalog;
  store: MemoryMessageStore;
  queues: MemoryQueues;
  clock: ManualClock;
  faults: CountedFaults;
  bodies: MemoryBodyStore;
}

/** No pusher runs in memory: push settings are stored, and unit tests drive the Pusher themselves. */
const noPushers: PushMappings = { sync: async () => undefined, remove: async () => undefined };
/** An endpoint nobody answers. */
const noEndpoint: PushTransport = { post: async () => ({ kind: 'failed', error: 'no endpoint in memory' }) };

/** A check endpoint nobody answers: every check-back is UNKNOWN. */
const unanswered: CheckClient = { check: async () => ({ answer: 'UNKNOWN' }) };

export function createMemoryPorts(
  options: { env?: Record<string, string>; clock?: ManualClock; checkClient?: CheckClient; resolve?: Resolve } = {},
): MemoryPorts {
  const config = readConfig({ FERRY_CATALOG_CACHE_SECONDS: '0', ...options.env });
  const clock = options.clock ?? new ManualClock();
  const wheel = new TimerWheel(config.timerBucketSeconds, config.timerShards);
  const receiptKey = randomBytes(32);
  return {
    catalog: new MemoryCatalog(),
    store: new MemoryMessageStore(wheel),
    queues: new MemoryQueues(clock, config.queuePrefix),
    checkClient: options.checkClient ?? unanswered,
    // No name resolves unless the test says what it resolves to.
    resolve: options.resolve ?? (async () => []),
    receiptKeys: { signingKey: async () => receiptKey, verifyingKey: async () => receiptKey },
    wheel,
    clock,
    config,
    checks: {},
    faults: new CountedFaults(),
    bodies: new MemoryBodyStore(clock),
    pushTransport: noEndpoint,
    pushMappings: noPushers,
  };
}

export function createMemoryServices(ports: Ports = createMemoryPorts()): FerryServices {
  return createServices(ports);
}
