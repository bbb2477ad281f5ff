// Builds Ferry's services on the in-memory adapters: the core's unit tests run on them, in no real time and without engines.
import { readConfig } from '../core/config.ts';
import type { CheckClient, Ports, PushMappings, PushTransport } from '../core/ports.ts';
import { createServices, type FerryServices } from '../core/services.ts';
import { TimerWheel } from '../core/timers.ts';
import { CountedFaults } from './counted-faults.ts';
import { ManualClock } from './manual-clock.ts';
import { MemoryCatalog } from './memory-catalog.ts';
import { MemoryMessageStore } from './memory-message-store.ts';
import { MemoryQueues } from './memory-queues.ts';

export interface MemoryPorts extends Ports {
  catalog: MemoryCatalog;
  store: MemoryMessageStore;
  queues: MemoryQueues;
  clock: ManualClock;
  faults: CountedFaults;
}

/** No pusher runs in memory: push settings are stored, and unit tests drive the Pusher themselves. */
const noPushers: PushMappings = { sync: async () => undefined, remove: async () => undefined };
/** An endpoint nobody answers. */
const noEndpoint: PushTransport = { post: async () => ({ kind: 'failed', error: 'no endpoint in memory' }) };

/** A check endpoint nobody answers: every check-back is UNKNOWN. */
const unanswered: CheckClient = { check: async () => 'UNKNOWN' };

export function createMemoryPorts(
  options: { env?: Record<string, string>; clock?: ManualClock; checkClient?: CheckClient } = {},
): MemoryPorts {
  const config = readConfig({ FERRY_CATALOG_CACHE_SECONDS: '0', ...options.env });
  const clock = options.clock ?? new ManualClock();
  const wheel = new TimerWheel(config.timerBucketSeconds, config.timerShards);
  return {
    catalog: new MemoryCatalog(),
    store: new MemoryMessageStore(wheel),
    queues: new MemoryQueues(clock, config.queuePrefix),
    checkClient: options.checkClient ?? unanswered,
    wheel,
    clock,
    config,
    checks: {},
    faults: new CountedFaults(),
    pushTransport: noEndpoint,
    pushMappings: noPushers,
  };
}

export function createMemoryServices(ports: Ports = createMemoryPorts()): FerryServices {
  return createServices(ports);
}
