// The core counts what happens to messages per topic and per group, through the Metrics port (here the local stack's counters).
import { describe, expect, it } from 'vitest';
import type { MessageId } from '../../../lambda/core/model.ts';
import { createServices } from '../../../lambda/core/services.ts';
import { CountingMetrics } from '../../../lambda/memory/counting-metrics.ts';
import { ManualClock } from '../../../lambda/memory/manual-clock.ts';
import { createMemoryPorts } from '../../../lambda/memory/services.ts';

async function ferryWithCounters() {
  const ports = createMemoryPorts();
  const metrics = new CountingMetrics(ports.clock);
  const ferry = createServices({ ...ports, metrics });
  await ferry.admin.putTopic('orders', { messageType: 'NORMAL' });
  await ferry.admin.putGroup('billing', { subscriptions: [{ topic: 'orders' }], maxDeliveryAttempts: 2 });
  await ferry.admin.putGroup('audit', {
    subscriptions: [{ topic: 'orders', filter: { type: 'TAG', expression: 'large' } }],
  });
  const dispatch = async (ids: MessageId[]) =>
    ferry.dispatcher.dispatch(await ports.store.getMany(ids.map((messageId) => ({ messageId, topic: 'orders' }))));
  return { ferry, ports, metrics, dispatch };
}

describe('metrics per topic and group', () => {
  it('counts published, dispatched and filtered out per topic and per group', async () => {
    const { ferry, metrics, dispatch } = await ferryWithCounters();
    const results = await ferry.publisher.publishBatch('orders', [
      { body: 'a', tag: 'large' },
      { body: 'b', tag: 'small' },
      { body: 'c' },
    ]);
    await dispatch(results.map((result) => ('messageId' in result ? result.messageId : ('' as MessageId))));
    const { topics, groups } = metrics.snapshot();
    expect(topics.orders!.totals).toMatchObject({ published: 3, dispatched: 4, filteredOut: 2 });
    expect(topics.orders!.lastMinute.published).toBe(3);
    expect(groups.billing!.totals).toMatchObject({ dispatched: 3, filteredOut: 0 });
    expect(groups.audit!.totals).toMatchObject({ dispatched: 1, filteredOut: 2 });
  });

  it('a duplicate publish (same dedupKey) is not counted again', async () => {
    const { ferry, metrics } = await ferryWithCounters();
    await ferry.publisher.publish('orders', { body: 'a', dedupKey: 'k1' });
    await ferry.publisher.publish('orders', { body: 'a', dedupKey: 'k1' });
    expect(metrics.snapshot().topics.orders!.totals.published).toBe(1);
  });

  it('counts received, acked and nacked, a nack on the last attempt as dead-lettered, and measures latency', async () => {
    const { ferry, ports, metrics, dispatch } = await ferryWithCounters();
    const first = await ferry.publisher.publish('orders', { body: 'one' });
    const second = await ferry.publisher.publish('orders', { body: 'two' });
    await dispatch([first.messageId, second.messageId]);
    ports.clock.advance(250);
    const received = await ferry.consumer.receive('billing', { maxMessages: 2 });
    const byBody = new Map(received.map((message) => [message.body, message]));
    await ferry.consumer.ack('billing', [byBody.get('one')!.receiptHandle]);
    await ferry.consumer.nack('billing', byBody.get('two')!.receiptHandle, 0);
    const [again] = await ferry.consumer.receive('billing', { maxMessages: 1 });
    expect(again!.deliveryAttempt).toBe(2);
    await ferry.consumer.nack('billing', again!.receiptHandle, 0);

    const billing = metrics.snapshot().groups.billing!;
    expect(billing.totals).toMatchObject({ received: 3, acked: 1, nacked: 2, deadLettered: 1 });
    // First deliveries only: the redelivery's wait is the retry policy's.
    expect(billing.durations.publishToReceive).toEqual({ count: 2, avgMs: 250, maxMs: 250 });
    expect(metrics.snapshot().topics.orders!.totals.acked).toBe(1);
  });

  it("a group's oldest message age is that of its oldest dispatched message not acknowledged", async () => {
    const { ferry, ports, metrics, dispatch } = await ferryWithCounters();
    const first = await ferry.publisher.publish('orders', { body: 'one' });
    await dispatch([first.messageId]);
    ports.clock.advance(30_000);
    const second = await ferry.publisher.publish('orders', { body: 'two' });
    await dispatch([second.messageId]);
    ports.clock.advance(10_000);
    expect(metrics.snapshot().groups.billing!.oldestAgeSeconds).toBe(40);
    const received = await ferry.consumer.receive('billing', { maxMessages: 2 });
    await ferry.consumer.ack('billing', [received[0]!.receiptHandle]);
    expect(metrics.snapshot().groups.billing!.oldestAgeSeconds).toBe(10);
    ports.clock.advance(61_000);
    expect(metrics.snapshot().groups.billing!.lastMinute.dispatched).toBe(0);
  });

  it("a push group's messages leave its oldest age when pushed or dead-lettered, as a pull group's when acknowledged", () => {
    const clock = new ManualClock(Date.parse('2026-12-03T12:00:00Z'));
    const metrics = new CountingMetrics(clock);
    metrics.count('dispatched', { topic: 'orders', group: 'webhook' }, 2);
    clock.advance(20_000);
    metrics.count('dispatched', { topic: 'orders', group: 'webhook' });
    clock.advance(10_000);
    expect(metrics.snapshot().groups.webhook!.oldestAgeSeconds).toBe(30);
    metrics.count('pushed', { group: 'webhook' });
    metrics.count('deadLettered', { group: 'webhook' });
    expect(metrics.snapshot().groups.webhook!.oldestAgeSeconds).toBe(10);
    metrics.count('pushed', { group: 'webhook' });
    expect(metrics.snapshot().groups.webhook!.oldestAgeSeconds).toBeUndefined();
  });

  it('an ack counted before the dispatch it answers (the dispatcher’s counts come from another process) leaves no age', () => {
    const clock = new ManualClock(Date.parse('2026-12-03T12:00:00Z'));
    const metrics = new CountingMetrics(clock);
    metrics.count('acked', { topic: 'orders', group: 'fast' }, 3);
    metrics.count('dispatched', { topic: 'orders', group: 'fast' }, 2);
    metrics.count('dispatched', { topic: 'orders', group: 'fast' }, 2);
    clock.advance(15_000);
    // Three of the four were acknowledged: the fourth is 15 s old, and it alone.
    expect(metrics.snapshot().groups.fast!.oldestAgeSeconds).toBe(15);
    metrics.count('acked', { topic: 'orders', group: 'fast' });
    clock.advance(60_000);
    expect(metrics.snapshot().groups.fast!.oldestAgeSeconds).toBeUndefined();
  });

  it('counts commits, rollbacks and check-backs per topic', async () => {
    const ports = createMemoryPorts({ env: { FERRY_TXN_CHECK_FIRST_SECONDS: '1' } });
    const metrics = new CountingMetrics(ports.clock);
    const ferry = createServices({ ...ports, metrics });
    await ferry.admin.putTopic('payments', { messageType: 'TRANSACTION' });
    await ferry.producers.put('checkout', {});
    const publish = () => ferry.publisher.publish('payments', { body: 'x', producerGroup: 'checkout' });
    const [a, b] = [await publish(), await publish()];
    await publish();
    await ferry.decisions.commit(a.messageId);
    await ferry.decisions.commit(a.messageId);
    await ferry.decisions.rollback(b.messageId);
    ports.clock.advance(10_000);
    await ferry.tick.run();
    expect(metrics.snapshot().topics.payments!.totals).toMatchObject({ committed: 1, rolledBack: 1, checkedBack: 1 });
  });
});

describe('last-minute rates under a busy minute', () => {
  it('counts every event of a minute with thousands of them, and forgets them a minute later', () => {
    const ports = createMemoryPorts();
    const metrics = new CountingMetrics(ports.clock);
    for (let i = 0; i < 12_000; i++) {
      metrics.count('published', { topic: 'orders' });
      if (i > 0 && i % 200 === 0) ports.clock.advance(1_000);
    }
    expect(metrics.snapshot().topics.orders!.lastMinute.published).toBe(12_000);
    ports.clock.advance(30_000);
    // The events spanned 60 seconds: 30 s later the first half of them have left the window.
    expect(metrics.snapshot().topics.orders!.lastMinute.published).toBeLessThan(12_000);
    ports.clock.advance(61_000);
    expect(metrics.snapshot().topics.orders!.lastMinute.published).toBe(0);
    expect(metrics.snapshot().topics.orders!.totals.published).toBe(12_000);
  });
});
