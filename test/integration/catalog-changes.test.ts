// A change to the catalog applies from the moment its call returns, however long instances keep what they read: a
// group subscribed a moment ago receives the next message, a dropped subscription or filter stops at once, and a topic
// or group that a request just missed is found once it is created. The stack runs as `npm start` runs it (persistent
// engines, the dispatcher in its own process) with a catalog cache of 300 s, so that only the change itself, not the
// cache's expiry, can make these pass. (The other integration tests run with no cache at all.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drain, request, startTestStack, type TestStack } from './harness.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ engines: 'persistent', env: { FERRY_CATALOG_CACHE_SECONDS: '300' } });
});
afterAll(async () => {
  await stack?.stop();
});

const bodies = (messages: Array<{ body: string }>) => messages.map((message) => message.body).sort();

describe('catalog changes apply when their call returns', () => {
  it('a group subscribed after the dispatcher read its topic’s routes receives the next message published', async () => {
    const { client } = stack;
    await client.putTopic('orders', 'NORMAL');
    await client.putGroup('billing', [{ topic: 'orders' }]);
    await client.publish('orders', { body: 'first' });
    // Delivered: the dispatcher has read (and cached) the topic's routes, with billing alone.
    expect(bodies(await drain(stack, 'billing', 1))).toEqual(['first']);

    await client.putGroup('points', [{ topic: 'orders' }]);
    await client.publish('orders', { body: 'second' });
    expect(bodies(await drain(stack, 'points', 1, 10_000))).toEqual(['second']);
    expect(bodies(await drain(stack, 'billing', 1))).toEqual(['second']);
  });

  it('a dropped subscription and a changed filter apply to the next message published', async () => {
    const { client } = stack;
    await client.putTopic('refunds', 'NORMAL');
    await client.putTopic('returns', 'NORMAL');
    await client.putGroup('audit', [{ topic: 'refunds' }, { topic: 'returns' }]);
    await client.putGroup('gray', [{ topic: 'refunds', filter: { type: 'TAG', expression: 'stable' } }]);
    await client.publish('refunds', { body: 'refund 1', tag: 'stable' });
    expect(bodies(await drain(stack, 'audit', 1))).toEqual(['refund 1']);
    expect(bodies(await drain(stack, 'gray', 1))).toEqual(['refund 1']);

    await client.putGroup('audit', [{ topic: 'returns' }]);
    await client.putGroup('gray', [{ topic: 'refunds', filter: { type: 'TAG', expression: 'gray' } }]);
    await client.publish('refunds', { body: 'refund 2', tag: 'stable' });
    await client.publish('refunds', { body: 'refund 3', tag: 'gray' });
    await client.publish('returns', { body: 'return 1' });
    await stack.dispatched();
    expect(bodies(await drain(stack, 'gray', 2, 2000))).toEqual(['refund 3']);
    expect(bodies(await drain(stack, 'audit', 2, 2000))).toEqual(['return 1']);
  });

  it('a message not yet dispatched when its group’s filter changes goes by the new filter: routes apply at dispatch', async () => {
    const { client } = stack;
    await client.putTopic('lanes', 'NORMAL');
    await client.putGroup('lane-a', [{ topic: 'lanes', filter: { type: 'TAG', expression: 'a' } }]);
    await client.publish('lanes', { body: 'warm-up', tag: 'a' });
    expect(bodies(await drain(stack, 'lane-a', 1))).toEqual(['warm-up']);
    await stack.poller.stop(); // published, not yet dispatched
    await client.publish('lanes', { body: 'a1', tag: 'a' });
    await client.publish('lanes', { body: 'b1', tag: 'b' });
    await client.putGroup('lane-a', [{ topic: 'lanes', filter: { type: 'TAG', expression: 'b' } }]);
    stack.poller.start();
    await stack.dispatched();
    expect(bodies(await drain(stack, 'lane-a', 2, 2000))).toEqual(['b1']);
  });

  it('a group deleted after the API read it answers 404 to receive, ack and nack, not a 500', async () => {
    const { client } = stack;
    await client.putTopic('shipments', 'NORMAL');
    await client.putGroup('couriers', [{ topic: 'shipments' }]);
    await client.publish('shipments', { body: 'parcel 1' });
    const [message] = await drain(stack, 'couriers', 1);
    await client.publish('shipments', { body: 'parcel 2' });
    const messages = await client.receive('couriers', { waitSeconds: 5 });
    expect(messages.map((received) => received.body)).toEqual(['parcel 2']);

    await client.deleteGroup('couriers');
    const calls = [
      await request(stack, 'POST', '/v1/groups/couriers/receive', { waitSeconds: 0 }),
      await request(stack, 'POST', '/v1/groups/couriers/ack', { receiptHandles: [messages[0]!.receiptHandle] }),
      await request(stack, 'POST', '/v1/groups/couriers/nack', { receiptHandle: message!.receiptHandle }),
    ];
    for (const call of calls) {
      expect(call.status).toBe(404);
      expect(call.json).toMatchObject({ error: { code: 'GROUP_NOT_FOUND' } });
    }
  });

  it('a topic deleted, or created again with another type, is so for the next publish', async () => {
    const { client } = stack;
    await client.putTopic('scratch', 'NORMAL');
    expect((await request(stack, 'POST', '/v1/topics/scratch/messages', { body: 's1' })).status).toBe(200);
    await client.deleteTopic('scratch');
    const afterDelete = await request(stack, 'POST', '/v1/topics/scratch/messages', { body: 's2' });
    expect(afterDelete).toMatchObject({ status: 404, json: { error: { code: 'TOPIC_NOT_FOUND' } } });
    await client.putTopic('scratch', 'FIFO');
    const withoutGroup = await request(stack, 'POST', '/v1/topics/scratch/messages', { body: 's3' });
    expect(withoutGroup.status).toBe(400);
    const withGroup = await request(stack, 'POST', '/v1/topics/scratch/messages', { body: 's4', messageGroup: 'g1' });
    expect(withGroup.status).toBe(200);
  });

  it('a topic or group that a request missed is found as soon as it is created', async () => {
    const missingGroup = await request(stack, 'POST', '/v1/groups/late-group/receive', { waitSeconds: 0 });
    expect(missingGroup.status).toBe(404);
    const missingTopic = await request(stack, 'POST', '/v1/topics/late-topic/messages', { body: 'too early' });
    expect(missingTopic.status).toBe(404);

    await stack.client.putTopic('late-topic', 'NORMAL');
    await stack.client.putGroup('late-group', [{ topic: 'late-topic' }]);
    expect((await request(stack, 'POST', '/v1/topics/late-topic/messages', { body: 'on time' })).status).toBe(200);
    expect(bodies(await drain(stack, 'late-group', 1, 10_000))).toEqual(['on time']);
  });
});
