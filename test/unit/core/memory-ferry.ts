// Ferry's services on the in-memory adapters, for unit tests of the core: no engines, and time moves only when told.
import type { Message, MessageId } from '../../../lambda/core/model.ts';
import { createServices, type FerryServices } from '../../../lambda/core/services.ts';
import { createMemoryPorts, type MemoryPorts } from '../../../lambda/memory/services.ts';

export interface MemoryFerry extends FerryServices {
  ports: MemoryPorts;
  /** The stored message (it must exist). */
  message(id: MessageId): Promise<Message>;
}

export function memoryFerry(options: Parameters<typeof createMemoryPorts>[0] = {}): MemoryFerry {
  const ports = createMemoryPorts(options);
  const services = createServices(ports);
  return {
    ...services,
    ports,
    async message(id) {
      const found = await ports.store.get(id);
      if (found === undefined) throw new Error(`message ${id} is not stored`);
      return found.message;
    },
  };
}

/** Receives from a group until it answers nothing, acknowledging each message; answers the bodies in order. */
export async function drainBodies(ferry: FerryServices, group: string): Promise<string[]> {
  const bodies: string[] = [];
  for (;;) {
    const batch = await ferry.consumer.receive(group, { maxMessages: 32 });
    if (batch.length === 0) return bodies;
    await ferry.consumer.ack(
      group,
      batch.map((message) => message.receiptHandle),
    );
    bodies.push(...batch.map((message) => message.body));
  }
}
