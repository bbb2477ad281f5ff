// The port contracts on the in-memory adapters: a manual clock lets time pass at once.
import { TimerWheel } from '../../lambda/core/timers.ts';
import { ManualClock } from '../../lambda/memory/manual-clock.ts';
import { MemoryCatalog } from '../../lambda/memory/memory-catalog.ts';
import { MemoryMessageStore } from '../../lambda/memory/memory-message-store.ts';
import { MemoryQueues } from '../../lambda/memory/memory-queues.ts';
import { MemoryBodyStore } from '../../lambda/memory/memory-body-store.ts';
import type { Adapters } from './adapters.ts';
import { bodyStoreContract } from './body-store.contract.ts';
import { catalogStoreContract } from './catalog-store.contract.ts';
import { messageStoreContract } from './message-store.contract.ts';
import { queueServiceContract } from './queue-service.contract.ts';

async function memoryAdapters(): Promise<Adapters> {
  const clock = new ManualClock(Date.now());
  const wheel = new TimerWheel(60, 2);
  return {
    store: new MemoryMessageStore(wheel),
    catalog: new MemoryCatalog(),
    queues: new MemoryQueues(clock),
    wheel,
    now: () => clock.now(),
    passTime: async (ms) => clock.advance(ms),
    close: async () => {},
  };
}

messageStoreContract('memory', memoryAdapters);
catalogStoreContract('memory', memoryAdapters);
queueServiceContract('memory', memoryAdapters);
bodyStoreContract('memory', async () => ({
  bodies: new MemoryBodyStore(new ManualClock(Date.now()), 'memory'),
  bucket: 'memory',
  close: async () => {},
}));
