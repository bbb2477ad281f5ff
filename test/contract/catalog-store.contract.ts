// The CatalogStore contract: topics, groups with their routes, producer groups, run against every implementation.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConsumerGroup, Topic } from '../../lambda/core/model.ts';
import type { Adapters, AdaptersFactory } from './adapters.ts';

const topic = (name: string, messageType: Topic['messageType'] = 'NORMAL'): Topic => ({
  name,
  messageType,
  retentionHours: 72,
  createdAt: '2026-01-01T00:00:00.000Z',
});

function group(name: string, subscriptions: ConsumerGroup['subscriptions']): ConsumerGroup {
  return {
    name,
    subscriptions,
    maxDeliveryAttempts: 16,
    fifo: false,
    queueUrl: `https://queues.example/${name}`,
    deadLetterQueueUrl: `https://queues.example/${name}-dlq`,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
  };
}

export function catalogStoreContract(name: string, make: AdaptersFactory): void {
  describe(`CatalogStore contract: ${name}`, () => {
    let adapters: Adapters;
    beforeEach(async () => {
      adapters = await make();
    });
    afterEach(async () => {
      await adapters.close();
    });

    it('creates a topic once: creating it again answers the stored one, whatever type was asked for', async () => {
      expect(await adapters.catalog.createTopic(topic('orders'))).toEqual(topic('orders'));
      expect(await adapters.catalog.createTopic(topic('orders', 'FIFO'))).toEqual(topic('orders'));
      expect(await adapters.catalog.getTopic('orders')).toEqual(topic('orders'));
    });

    it('lists, finds and deletes topics; deleting an unknown one says so', async () => {
      await adapters.catalog.createTopic(topic('b-topic', 'DELAY'));
      await adapters.catalog.createTopic(topic('a-topic'));
      expect((await adapters.catalog.listTopics()).map((found) => found.name).sort()).toEqual(['a-topic', 'b-topic']);
      expect(await adapters.catalog.getTopic('missing')).toBeUndefined();
      expect(await adapters.catalog.deleteTopic('a-topic')).toBe(true);
      expect(await adapters.catalog.deleteTopic('a-topic')).toBe(false);
      expect((await adapters.catalog.listTopics()).map((found) => found.name)).toEqual(['b-topic']);
    });

    it('routes a topic to every group subscribed to it, with each filter', async () => {
      const billing = group('billing', [
        { topic: 'orders', filter: { type: 'TAG', expression: 'paid' } },
        { topic: 'refunds' },
      ]);
      const audit = group('audit', [{ topic: 'orders' }]);
      await adapters.catalog.putGroup(billing, undefined);
      await adapters.catalog.putGroup(audit, undefined);
      expect(await adapters.catalog.getGroup('billing')).toEqual(billing);
      expect((await adapters.catalog.listGroups()).map((found) => found.name).sort()).toEqual(['audit', 'billing']);
      const routes = (await adapters.catalog.routesOf('orders')).sort((a, b) => a.group.localeCompare(b.group));
      expect(routes).toEqual([
        { group: 'audit', queueUrl: audit.queueUrl, fifo: false },
        { group: 'billing', queueUrl: billing.queueUrl, fifo: false, filter: { type: 'TAG', expression: 'paid' } },
      ]);
      expect(await adapters.catalog.routesOf('nobody-subscribes')).toEqual([]);
    });

    it('removes the routes of topics a group no longer subscribes to, and all of them when it is deleted', async () => {
      const before = group('billing', [{ topic: 'orders' }, { topic: 'refunds' }]);
      await adapters.catalog.putGroup(before, undefined);
      const after = group('billing', [{ topic: 'refunds', filter: { type: 'SQL92', expression: "lane = 'gray'" } }]);
      await adapters.catalog.putGroup(after, before);
      expect(await adapters.catalog.routesOf('orders')).toEqual([]);
      expect(await adapters.catalog.routesOf('refunds')).toEqual([
        { group: 'billing', queueUrl: after.queueUrl, fifo: false, filter: after.subscriptions[0]!.filter },
      ]);
      await adapters.catalog.deleteGroup(after);
      expect(await adapters.catalog.getGroup('billing')).toBeUndefined();
      expect(await adapters.catalog.routesOf('refunds')).toEqual([]);
    });

    it('moves the routes’ revision on with every write or removal of a group, and with nothing else', async () => {
      const revisions = [await adapters.catalog.routesRevision()];
      const billing = group('billing', [{ topic: 'orders' }]);
      await adapters.catalog.putGroup(billing, undefined);
      revisions.push(await adapters.catalog.routesRevision());
      const changed = group('billing', [{ topic: 'orders', filter: { type: 'TAG', expression: 'paid' } }]);
      await adapters.catalog.putGroup(changed, billing);
      revisions.push(await adapters.catalog.routesRevision());
      // Reads and topics are not group changes.
      await adapters.catalog.createTopic(topic('orders'));
      await adapters.catalog.routesOf('orders');
      expect(await adapters.catalog.routesRevision()).toBe(revisions.at(-1));
      await adapters.catalog.deleteGroup(changed);
      revisions.push(await adapters.catalog.routesRevision());
      expect(new Set(revisions).size).toBe(4);
      // The revision is kept beside topics and groups, and neither listing returns it.
      expect((await adapters.catalog.listTopics()).map((found) => found.name)).toEqual(['orders']);
      expect(await adapters.catalog.listGroups()).toEqual([]);
    });

    it('keeps a producer group as last written, with its signing secrets and revision', async () => {
      const first = {
        name: 'checkout',
        checkUrl: 'https://shop.example/check',
        createdAt: '2026-01-01T00:00:00.000Z',
        signingSecrets: [{ secret: 'fsec_new' }, { secret: 'fsec_old', validUntil: 1_767_225_600_000 }],
        revision: 1,
      };
      expect(await adapters.catalog.putProducerGroup(first, undefined)).toBe(true);
      expect(await adapters.catalog.getProducerGroup('checkout')).toEqual(first);
      const second = { name: 'checkout', createdAt: '2026-01-01T00:00:00.000Z', revision: 2 };
      expect(await adapters.catalog.putProducerGroup(second, first)).toBe(true);
      expect(await adapters.catalog.getProducerGroup('checkout')).toEqual(second);
      expect(await adapters.catalog.getProducerGroup('missing')).toBeUndefined();
    });

    it('writes a producer group only if it is unchanged since it was read', async () => {
      const read = { name: 'racing', createdAt: '2026-01-01T00:00:00.000Z', revision: 1 };
      expect(await adapters.catalog.putProducerGroup(read, undefined)).toBe(true);
      // Created again as if new, and written over a revision another writer has replaced: both refused.
      expect(await adapters.catalog.putProducerGroup({ ...read, checkUrl: 'https://a.example/' }, undefined)).toBe(
        false,
      );
      expect(await adapters.catalog.putProducerGroup({ ...read, revision: 2 }, read)).toBe(true);
      expect(
        await adapters.catalog.putProducerGroup({ ...read, revision: 2, checkUrl: 'https://b.example/' }, read),
      ).toBe(false);
      expect(await adapters.catalog.getProducerGroup('racing')).toEqual({ ...read, revision: 2 });
    });
  });
}
