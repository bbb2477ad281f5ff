// The dispatcher on the memory adapters: filters per group, and after a failed send it reports the first failure so
// that a retry from there loses nothing and re-sends nothing before it.
import { describe, expect, it } from 'vitest';
import type { Message } from '../../../lambda/core/model.ts';
import type { OutgoingMessage, QueueService } from '../../../lambda/core/ports.ts';
import { Dispatcher } from '../../../lambda/core/dispatch.ts';
import { findMessage } from '../../../lambda/core/query.ts';
import { drainBodies, memoryFerry } from './memory-ferry.ts';

/** Memory queues cannot fail on their own: this one refuses, in one queue, the entries from index `from` on, once (a fault, on purpose). */
function failingOnce(queues: QueueService, queueUrl: string, mode: 'partial' | 'throw', from: number): QueueService {
  let failed = false;
  return Object.assign(Object.create(queues) as QueueService, {
    async send(url: string, messages: OutgoingMessage[]) {
      if (failed || url !== queueUrl) return queues.send(url, messages);
      failed = true;
      if (mode === 'throw') throw new Error('injected: queue unreachable');
      const sent = await queues.send(url, messages.slice(0, from));
      return {
        failed: [
          ...sent.failed,
          ...messages
            .slice(from)
            .map((message) => ({ id: message.id, kind: 'transient' as const, reason: 'injected' })),
        ],
      };
    },
  });
}

function dispatcherPorts(ferry: ReturnType<typeof memoryFerry>) {
  const { catalog, queues, store, clock, faults } = ferry.ports;
  return {
    routesNow: async () => (topic: string) => catalog.routesOf(topic),
    currentRoutesOf: (topic: string) => catalog.routesOf(topic),
    queues,
    store,
    clock,
    faults,
  };
}

async function twoGroups() {
  const ferry = memoryFerry();
  await ferry.admin.putTopic('payments', { messageType: 'NORMAL' });
  await ferry.admin.putGroup('ledger', { subscriptions: [{ topic: 'payments' }] });
  const audit = await ferry.admin.putGroup('audit', {
    subscriptions: [{ topic: 'payments', filter: { type: 'TAG', expression: 'large' } }],
  });
  const messages: Message[] = [];
  for (let i = 0; i < 6; i++) {
    const { messageId } = await ferry.publisher.publish('payments', { body: `payment ${i}`, tag: 'large' });
    messages.push(await ferry.message(messageId));
  }
  return { ferry, messages, auditQueue: audit.queueUrl };
}

describe('dispatcher', () => {
  it('sends each message to every group whose filter it passes, and traces one DISPATCHED event naming them', async () => {
    const { ferry, messages } = await twoGroups();
    const { messageId } = await ferry.publisher.publish('payments', { body: 'small one', tag: 'small' });
    expect(await ferry.dispatcher.dispatch([...messages, await ferry.message(messageId)])).toEqual({});
    expect(await drainBodies(ferry, 'ledger')).toHaveLength(7);
    expect(await drainBodies(ferry, 'audit')).not.toContain('small one');
    const dispatched = (await ferry.ports.store.get(messageId))?.events.filter((event) => event.type === 'DISPATCHED');
    expect(dispatched).toEqual([{ type: 'DISPATCHED', at: ferry.ports.clock.now(), groups: ['ledger'] }]);
  });

  for (const mode of ['partial', 'throw'] as const) {
    it(`after a ${mode === 'partial' ? 'send that fails from the third entry' : 'send that throws'}, reports the first failure; a retry from it loses nothing and re-sends nothing before it`, async () => {
      const { ferry, messages, auditQueue } = await twoGroups();
      const failAt = mode === 'partial' ? 2 : 0;
      const dispatcher = new Dispatcher({
        ...dispatcherPorts(ferry),
        queues: failingOnce(ferry.ports.queues, auditQueue, mode, failAt),
      });

      expect(await dispatcher.dispatch(messages)).toEqual({ firstFailure: failAt });
      for (const [index, message] of messages.entries()) {
        const traced = (await ferry.ports.store.get(message.messageId))?.events.some(
          (event) => event.type === 'DISPATCHED',
        );
        expect(traced).toBe(index < failAt);
      }
      // The stream hands the batch again from the first failure.
      expect(await dispatcher.dispatch(messages.slice(failAt))).toEqual({});

      const bodies = messages.map((message) => message.body);
      expect(await drainBodies(ferry, 'audit')).toEqual(bodies);
      // The other group got the messages from the failure on twice (at least once), and none before it twice.
      expect(await drainBodies(ferry, 'ledger')).toEqual([...bodies, ...bodies.slice(failAt)]);
    });
  }

  it('traces DISPATCHED before a RECEIVED that a consumer recorded while the send call was still under way', async () => {
    const ferry = memoryFerry();
    await ferry.admin.putTopic('payments', { messageType: 'NORMAL' });
    await ferry.admin.putGroup('ledger', { subscriptions: [{ topic: 'payments' }] });
    const { messageId } = await ferry.publisher.publish('payments', { body: 'paid' });
    const { queues, clock } = ferry.ports;
    // The queue has the message before the send call returns (in AWS and in the local stack the consumer runs apart):
    // here the consumer receives it inside the send, and the send's answer comes 5 ms later.
    const slowAnswer = Object.assign(Object.create(queues) as QueueService, {
      async send(url: string, outgoing: OutgoingMessage[]) {
        const result = await queues.send(url, outgoing);
        await ferry.consumer.receive('ledger', { maxMessages: 1 });
        clock.advance(5);
        return result;
      },
    });
    const dispatcher = new Dispatcher({ ...dispatcherPorts(ferry), queues: slowAnswer });
    expect(await dispatcher.dispatch([await ferry.message(messageId)])).toEqual({});
    const view = await findMessage(ferry.ports.store, messageId);
    expect(view.events.map((event) => event.type)).toEqual(['PUBLISHED', 'DISPATCHED', 'RECEIVED']);
  });
});
