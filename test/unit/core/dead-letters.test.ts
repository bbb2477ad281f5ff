// Consuming on the memory adapters: a message nacked maxDeliveryAttempts times becomes a dead letter, visible in the
// group's backlog, listable, and redriven back to the group.
import { describe, expect, it } from 'vitest';
import { drainBodies, memoryFerry } from './memory-ferry.ts';

async function poisonMessage(maxDeliveryAttempts: number) {
  const ferry = memoryFerry();
  await ferry.admin.putTopic('payments', { messageType: 'NORMAL' });
  await ferry.admin.putGroup('ledger', { subscriptions: [{ topic: 'payments' }], maxDeliveryAttempts });
  const { messageId } = await ferry.publisher.publish('payments', { body: 'poison' });
  await ferry.dispatcher.dispatch([await ferry.message(messageId)]);
  return { ferry, messageId };
}

describe('dead letters', () => {
  it('after maxDeliveryAttempts deliveries a message is no longer delivered but dead-lettered, and a redrive brings it back', async () => {
    const { ferry, messageId } = await poisonMessage(3);
    for (let attempt = 1; attempt <= 3; attempt++) {
      const [message] = await ferry.consumer.receive('ledger', {});
      expect(message).toMatchObject({ messageId, deliveryAttempt: attempt });
      await ferry.consumer.nack('ledger', message!.receiptHandle, 0);
    }
    expect(await ferry.consumer.receive('ledger', {})).toEqual([]);
    expect((await ferry.admin.getGroup('ledger')).backlog).toEqual({
      visible: 0,
      inFlight: 0,
      delayed: 0,
      deadLetters: 1,
    });
    expect((await ferry.deadLetters.list('ledger')).map((message) => message.messageId)).toEqual([messageId]);

    expect(await ferry.deadLetters.redrive('ledger')).toEqual({ redriven: 1 });
    expect((await ferry.admin.getGroup('ledger')).backlog).toMatchObject({ visible: 1, deadLetters: 0 });
    expect(await drainBodies(ferry, 'ledger')).toEqual(['poison']);
  });

  it("a nack without a time waits RocketMQ's backoff for that attempt (10 s after the first)", async () => {
    const { ferry } = await poisonMessage(16);
    const [message] = await ferry.consumer.receive('ledger', {});
    expect(await ferry.consumer.nack('ledger', message!.receiptHandle)).toEqual({ retryAfterSeconds: 10 });
    ferry.ports.clock.advance(9_999);
    expect(await ferry.consumer.receive('ledger', {})).toEqual([]);
    ferry.ports.clock.advance(1);
    expect(await ferry.consumer.receive('ledger', {})).toMatchObject([{ body: 'poison', deliveryAttempt: 2 }]);
  });
});
