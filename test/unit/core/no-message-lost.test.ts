// Loss windows closed in the core (issue 9), on the memory adapters. The faults here (a queue that refuses one message,
// a trace write that fails, a stream that gives up) are ones no local engine produces on demand: each wrapper is a
// fault injected on purpose.
import { describe, expect, it } from 'vitest';
import type { Message, MessageId } from '../../../lambda/core/model.ts';
import type { MessageStore, OutgoingMessage, QueueService, SendResult } from '../../../lambda/core/ports.ts';
import { createServices } from '../../../lambda/core/services.ts';
import { createMemoryPorts, type MemoryPorts } from '../../../lambda/memory/services.ts';
import { drainBodies } from './memory-ferry.ts';

/** Every topic's name, as the sweep passes them to the store. */
const topicNames = async (ferry: { admin: { listTopics(): Promise<Array<{ name: string }>> } }) =>
  (await ferry.admin.listTopics()).map((topic) => topic.name);

type Faults = { queues?: (queues: QueueService) => QueueService; store?: (store: MessageStore) => MessageStore };

function ferryWith(faults: Faults = {}, env: Record<string, string> = {}) {
  const ports: MemoryPorts = createMemoryPorts({ env: { FERRY_SWEEP_AFTER_SECONDS: '300', ...env } });
  const services = createServices({
    ...ports,
    queues: faults.queues?.(ports.queues) ?? ports.queues,
    store: faults.store?.(ports.store) ?? ports.store,
  });
  const message = async (id: MessageId): Promise<Message> => (await ports.store.get(id))!.message;
  return { ...services, ports, message };
}

/**
 * Sends fail while `failing()` says so for a message's body; as the port promises, after a transient failure nothing
 * later of the same message group is sent.
 */
function sendsFailingFor(failing: (body: string) => boolean, kind: 'transient' | 'permanent' = 'transient') {
  return (queues: QueueService): QueueService =>
    Object.assign(Object.create(queues) as QueueService, {
      async send(queueUrl: string, messages: OutgoingMessage[]): Promise<SendResult> {
        const stopped = new Set<string | undefined>();
        const refused = messages.filter((message) => {
          if (stopped.has(message.messageGroupId)) return true;
          if (!failing((JSON.parse(message.body) as { body: string }).body)) return false;
          if (kind === 'transient' && message.messageGroupId !== undefined) stopped.add(message.messageGroupId);
          return true;
        });
        const { failed } = await queues.send(
          queueUrl,
          messages.filter((message) => !refused.includes(message)),
        );
        return {
          failed: [
            ...failed,
            ...refused.map((message) => ({ id: message.id, kind, reason: 'InvalidParameterValue: injected' })),
          ],
        };
      },
    });
}

async function fifoTopic(ferry: ReturnType<typeof ferryWith>) {
  await ferry.admin.putTopic('order-events', { messageType: 'FIFO' });
  await ferry.admin.putGroup('shipping', { subscriptions: [{ topic: 'order-events' }] });
}

async function publishAll(ferry: ReturnType<typeof ferryWith>, bodies: string[], messageGroup = 'order-42') {
  const messages: Message[] = [];
  for (const body of bodies)
    messages.push(
      await ferry.message((await ferry.publisher.publish('order-events', { body, messageGroup })).messageId),
    );
  return messages;
}

describe('FIFO order when the stream gives up on a batch', () => {
  it('later messages of a held group wait for the failed one and follow it, in order, when a redrive sends it', async () => {
    let outage = true;
    const ferry = ferryWith({ queues: sendsFailingFor((body) => outage && body === 'paid') });
    await fifoTopic(ferry);
    const [created, paid, shipped] = await publishAll(ferry, ['created', 'paid', 'shipped']);
    const delivered = await publishAll(ferry, ['delivered']);

    expect(await ferry.dispatcher.dispatch([created!, paid!, shipped!])).toEqual({ firstFailure: 1 });
    // The stream gives up on the batch after its retries and moves on: the next batch must not overtake.
    expect(await ferry.dispatcher.dispatch(delivered)).toEqual({});
    expect(await drainBodies(ferry, 'shipping')).toEqual(['created']);

    outage = false;
    // The stream redrive reads the given-up batch back from the stream.
    expect(await ferry.dispatcher.dispatch([created!, paid!, shipped!])).toEqual({});
    expect(await drainBodies(ferry, 'shipping')).toEqual(['paid', 'shipped', 'delivered']);
    expect(await ferry.ports.store.holdsOf([{ topic: 'order-events', messageGroup: 'order-42' }])).toEqual([]);
  });

  it('the sweep sends a held group in order when no redrive comes', async () => {
    let outage = true;
    const ferry = ferryWith({ queues: sendsFailingFor((body) => outage && body === 'paid') });
    await fifoTopic(ferry);
    const [created, paid, shipped, delivered] = await publishAll(ferry, ['created', 'paid', 'shipped', 'delivered']);
    await ferry.dispatcher.dispatch([created!, paid!, shipped!]);
    await ferry.dispatcher.dispatch([delivered!]);
    outage = false;
    ferry.ports.clock.advance(301_000);
    expect((await ferry.tick.run()).swept).toBeGreaterThanOrEqual(3);
    expect(await drainBodies(ferry, 'shipping')).toEqual(['created', 'paid', 'shipped', 'delivered']);
    expect(ferry.ports.faults.count('SWEPT')).toBe(1);
  });

  it("other message groups are not held by one group's failure", async () => {
    const ferry = ferryWith({ queues: sendsFailingFor((body) => body === 'a-paid') });
    await fifoTopic(ferry);
    const [aCreated, aPaid] = await publishAll(ferry, ['a-created', 'a-paid'], 'order-a');
    const [bCreated, bPaid] = await publishAll(ferry, ['b-created', 'b-paid'], 'order-b');
    expect(await ferry.dispatcher.dispatch([aCreated!, bCreated!, aPaid!, bPaid!])).toEqual({ firstFailure: 2 });
    expect((await drainBodies(ferry, 'shipping')).sort()).toEqual(['a-created', 'b-created', 'b-paid']);
  });
});

describe('a message a queue refuses for good', () => {
  it('becomes UNDELIVERABLE with the reason in its trace, is counted, and holds back nothing behind it', async () => {
    const ferry = ferryWith({ queues: sendsFailingFor((body) => body === 'poison', 'permanent') });
    await fifoTopic(ferry);
    const messages = await publishAll(ferry, ['before', 'poison', 'after']);
    expect(await ferry.dispatcher.dispatch(messages)).toEqual({});
    expect(await drainBodies(ferry, 'shipping')).toEqual(['before', 'after']);
    const poison = await ferry.message(messages[1]!.messageId);
    expect(poison.state).toBe('UNDELIVERABLE');
    expect(poison.transitions?.at(-1)).toMatchObject({
      type: 'UNDELIVERABLE',
      groups: ['shipping'],
      detail: { reason: expect.stringContaining('InvalidParameterValue') },
    });
    expect(ferry.ports.faults.count('UNDELIVERABLE')).toBe(1);
    // Nothing is left for the sweep to send again.
    expect(await ferry.ports.store.undispatched(Number.MAX_SAFE_INTEGER, 10, await topicNames(ferry))).toEqual([]);
  });
});

describe('the outbox and the sweep', () => {
  it('a READY message the stream never handed on is dispatched by the sweep after FERRY_SWEEP_AFTER_SECONDS, once', async () => {
    const ferry = ferryWith();
    await ferry.admin.putTopic('orders', { messageType: 'NORMAL' });
    await ferry.admin.putGroup('billing', { subscriptions: [{ topic: 'orders' }] });
    await ferry.publisher.publish('orders', { body: 'order 42' });
    ferry.ports.clock.advance(299_000);
    expect((await ferry.tick.run()).swept).toBe(0);
    ferry.ports.clock.advance(2_000);
    expect((await ferry.tick.run()).swept).toBe(1);
    expect((await ferry.tick.run()).swept).toBe(0);
    expect(await drainBodies(ferry, 'billing')).toEqual(['order 42']);
  });

  it('a dispatched message leaves the outbox, so the sweep never sends it again', async () => {
    const ferry = ferryWith();
    await ferry.admin.putTopic('orders', { messageType: 'NORMAL' });
    await ferry.admin.putGroup('billing', { subscriptions: [{ topic: 'orders' }] });
    const { messageId } = await ferry.publisher.publish('orders', { body: 'order 42' });
    await ferry.dispatcher.dispatch([await ferry.message(messageId)]);
    ferry.ports.clock.advance(600_000);
    expect((await ferry.tick.run()).swept).toBe(0);
    expect(await drainBodies(ferry, 'billing')).toEqual(['order 42']);
  });

  it('a committed transaction enters the outbox when it becomes READY; a rolled-back one never does', async () => {
    const ferry = ferryWith();
    await ferry.admin.putTopic('txns', { messageType: 'TRANSACTION' });
    await ferry.admin.putGroup('cart', { subscriptions: [{ topic: 'txns' }] });
    await ferry.producers.put('checkout', {});
    const committed = await ferry.publisher.publish('txns', { body: 'commit me', producerGroup: 'checkout' });
    const rolledBack = await ferry.publisher.publish('txns', { body: 'roll me back', producerGroup: 'checkout' });
    await ferry.decisions.commit(committed.messageId);
    await ferry.decisions.rollback(rolledBack.messageId);
    expect(
      (await ferry.ports.store.undispatched(Number.MAX_SAFE_INTEGER, 10, await topicNames(ferry))).map(
        (entry) => entry.messageId,
      ),
    ).toEqual([committed.messageId]);
  });
});

describe('trace is best effort', () => {
  const failingTrace = (store: MessageStore): MessageStore =>
    Object.assign(Object.create(store) as MessageStore, {
      appendTrace: async () => {
        throw new Error('injected: trace write failed');
      },
    });

  it('a trace write that fails after the sends neither fails the dispatch nor the receive and ack; it is counted', async () => {
    const ferry = ferryWith({ store: failingTrace });
    await ferry.admin.putTopic('orders', { messageType: 'NORMAL' });
    await ferry.admin.putGroup('billing', { subscriptions: [{ topic: 'orders' }] });
    const { messageId } = await ferry.publisher.publish('orders', { body: 'order 42' });
    expect(await ferry.dispatcher.dispatch([await ferry.message(messageId)])).toEqual({});
    expect(await drainBodies(ferry, 'billing')).toEqual(['order 42']);
    expect(ferry.ports.faults.count('TRACE_NOT_WRITTEN')).toBeGreaterThanOrEqual(3);
  });
});

describe('a queue that seems missing', () => {
  it('is retried, not dropped, while its group is still subscribed', async () => {
    let missing = true;
    const ferry = ferryWith({
      queues: (queues) =>
        Object.assign(Object.create(queues) as QueueService, {
          async send(queueUrl: string, messages: OutgoingMessage[]): Promise<SendResult> {
            if (missing)
              return {
                failed: messages.map((message) => ({
                  id: message.id,
                  kind: 'queue-missing' as const,
                  reason: 'QueueDoesNotExist',
                })),
              };
            return queues.send(queueUrl, messages);
          },
        }),
    });
    await ferry.admin.putTopic('orders', { messageType: 'NORMAL' });
    await ferry.admin.putGroup('billing', { subscriptions: [{ topic: 'orders' }] });
    const message = await ferry.message((await ferry.publisher.publish('orders', { body: 'order 42' })).messageId);
    expect(await ferry.dispatcher.dispatch([message])).toEqual({ firstFailure: 0 });
    missing = false;
    expect(await ferry.dispatcher.dispatch([message])).toEqual({});
    expect(await drainBodies(ferry, 'billing')).toEqual(['order 42']);
  });
});

describe('the tick', () => {
  it('one message whose hand-on fails never stops its shard: the others are handed on, it is tried again next tick', async () => {
    let broken: MessageId | undefined;
    const ferry = ferryWith(
      {
        store: (store) =>
          Object.assign(Object.create(store) as MessageStore, {
            async transition(...args: Parameters<MessageStore['transition']>) {
              const id = typeof args[0] === 'string' ? args[0] : args[0].messageId;
              if (id === broken) throw new Error('injected: item too large to change');
              return store.transition(...args);
            },
          }),
      },
      { FERRY_TIMER_SHARDS: '1' },
    );
    await ferry.admin.putTopic('timeouts', { messageType: 'DELAY' });
    const ids = [];
    for (let i = 0; i < 5; i++)
      ids.push((await ferry.publisher.publish('timeouts', { body: `t${i}`, delaySeconds: 3600 })).messageId);
    broken = ids[1];
    ferry.ports.clock.advance(3600_000);
    const report = await ferry.tick.run();
    expect(report).toMatchObject({ handedOn: 4, failed: 1 });
    expect(ferry.ports.faults.count('TICK_MESSAGE_FAILED')).toBe(1);
    broken = undefined;
    expect((await ferry.tick.run()).handedOn).toBe(1);
  });
});

describe('duplicate detection', () => {
  it('a publish retried with the same dedupKey answers the first message and stores nothing new', async () => {
    const ferry = ferryWith();
    await ferry.admin.putTopic('orders', { messageType: 'NORMAL' });
    await ferry.admin.putGroup('billing', { subscriptions: [{ topic: 'orders' }] });
    const first = await ferry.publisher.publish('orders', { body: 'order 42', dedupKey: 'order-42-created' });
    const again = await ferry.publisher.publish('orders', { body: 'order 42', dedupKey: 'order-42-created' });
    expect(again).toEqual({ messageId: first.messageId, state: 'READY', duplicate: true });
    const batch = await ferry.publisher.publishBatch('orders', [
      { body: 'order 43', dedupKey: 'order-43-created' },
      { body: 'order 43', dedupKey: 'order-43-created' },
      { body: 'order 42', dedupKey: 'order-42-created' },
    ]);
    expect(batch[1]).toEqual({ ...batch[0], duplicate: true });
    expect(batch[2]).toEqual({ messageId: first.messageId, state: 'READY', duplicate: true });
    expect((await ferry.ports.store.undispatched(Number.MAX_SAFE_INTEGER, 10, await topicNames(ferry))).length).toBe(2);
  });

  it("the same key on another topic, or after the topic's retention, is a new message", async () => {
    const ferry = ferryWith();
    await ferry.admin.putTopic('orders', { messageType: 'NORMAL', retentionHours: 1 });
    await ferry.admin.putTopic('refunds', { messageType: 'NORMAL' });
    const first = await ferry.publisher.publish('orders', { body: 'x', dedupKey: 'k' });
    expect((await ferry.publisher.publish('refunds', { body: 'x', dedupKey: 'k' })).duplicate).toBeUndefined();
    ferry.ports.clock.advance(3600_000 + 1000);
    const later = await ferry.publisher.publish('orders', { body: 'x', dedupKey: 'k' });
    expect(later.duplicate).toBeUndefined();
    expect(later.messageId).not.toBe(first.messageId);
  });
});
