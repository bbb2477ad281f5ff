// Publishing on the memory adapters: each topic type's rules, the state a message starts in, and nothing invalid stored.
import { describe, expect, it } from 'vitest';
import type { TopicType } from '../../../lambda/core/model.ts';
import type { PublishInput } from '../../../lambda/core/publish.ts';
import { memoryFerry } from './memory-ferry.ts';

async function withTopics() {
  const ferry = memoryFerry({
    env: {
      FERRY_DIRECT_DELAY_LIMIT_SECONDS: '900',
      FERRY_TIMER_LEAD_SECONDS: '180',
      FERRY_TXN_CHECK_FIRST_SECONDS: '6',
      FERRY_MAX_BODY_BYTES: '1000',
    },
  });
  for (const type of ['NORMAL', 'FIFO', 'DELAY', 'TRANSACTION'] as const)
    await ferry.admin.putTopic(type.toLowerCase(), { messageType: type });
  return ferry;
}

describe('publish rules per topic type', () => {
  it.each<[TopicType, PublishInput, string]>([
    ['NORMAL', { body: 'x', messageGroup: 'g' }, 'MESSAGE_TYPE_MISMATCH'],
    ['NORMAL', { body: 'x', delaySeconds: 5 }, 'MESSAGE_TYPE_MISMATCH'],
    ['NORMAL', { body: 'x', producerGroup: 'checkout' }, 'MESSAGE_TYPE_MISMATCH'],
    ['FIFO', { body: 'x' }, 'MESSAGE_GROUP_REQUIRED'],
    ['FIFO', { body: 'x', messageGroup: 'g', delaySeconds: 5 }, 'MESSAGE_TYPE_MISMATCH'],
    ['DELAY', { body: 'x' }, 'DELIVERY_TIME_REQUIRED'],
    ['DELAY', { body: 'x', delaySeconds: 5, deliverAt: 0 }, 'INVALID_DELIVERY_TIME'],
    ['DELAY', { body: 'x', deliverAt: 'next tuesday' }, 'INVALID_DELIVERY_TIME'],
    ['DELAY', { body: 'x', delaySeconds: 366 * 86_400 }, 'DELAY_TOO_LONG'],
    ['DELAY', { body: 'x', delaySeconds: 5, messageGroup: 'g' }, 'MESSAGE_TYPE_MISMATCH'],
    ['TRANSACTION', { body: 'x' }, 'PRODUCER_GROUP_REQUIRED'],
    ['TRANSACTION', { body: 'x', producerGroup: 'checkout', delaySeconds: 5 }, 'MESSAGE_TYPE_MISMATCH'],
  ])('a %s topic refuses %j with 400 %s', async (type, input, code) => {
    const ferry = await withTopics();
    await expect(ferry.publisher.publish(type.toLowerCase(), input)).rejects.toMatchObject({ status: 400, code });
  });

  it('a normal message is READY at once; a FIFO message keeps its message group', async () => {
    const ferry = await withTopics();
    expect((await ferry.publisher.publish('normal', { body: 'x' })).state).toBe('READY');
    const { messageId, state } = await ferry.publisher.publish('fifo', { body: 'x', messageGroup: 'order-42' });
    expect(state).toBe('READY');
    expect(await ferry.message(messageId)).toMatchObject({ messageGroup: 'order-42', topicType: 'FIFO' });
  });

  it('a delay within the direct limit is READY with its delivery time; a longer one is SCHEDULED and wakes at its lead', async () => {
    const ferry = await withTopics();
    const now = ferry.ports.clock.now();
    const direct = await ferry.publisher.publish('delay', { body: 'x', delaySeconds: 900 });
    expect(direct.state).toBe('READY');
    expect(await ferry.message(direct.messageId)).toMatchObject({ deliverAt: now + 900_000 });
    const scheduled = await ferry.publisher.publish('delay', { body: 'x', delaySeconds: 901 });
    expect(scheduled.state).toBe('SCHEDULED');
    expect(await ferry.message(scheduled.messageId)).toMatchObject({
      deliverAt: now + 901_000,
      wakeAt: now + 901_000 - 180_000,
    });
  });

  it('a delivery time in the past delivers at once, never earlier than now', async () => {
    const ferry = await withTopics();
    const now = ferry.ports.clock.now();
    const { messageId, state } = await ferry.publisher.publish('delay', {
      body: 'x',
      deliverAt: new Date(now - 60_000).toISOString(),
    });
    expect(state).toBe('READY');
    expect((await ferry.message(messageId)).deliverAt).toBe(now);
  });

  it('a transaction message is PREPARED and waits for its first check-back', async () => {
    const ferry = await withTopics();
    await ferry.producers.put('checkout', {});
    const { messageId, state } = await ferry.publisher.publish('transaction', { body: 'x', producerGroup: 'checkout' });
    expect(state).toBe('PREPARED');
    expect(await ferry.message(messageId)).toMatchObject({ wakeAt: ferry.ports.clock.now() + 6_000, checkCount: 0 });
  });

  it('refuses an unknown topic with 404 and a body over the limit with 413', async () => {
    const ferry = await withTopics();
    await expect(ferry.publisher.publish('missing', { body: 'x' })).rejects.toMatchObject({
      status: 404,
      code: 'TOPIC_NOT_FOUND',
    });
    await expect(ferry.publisher.publish('normal', { body: 'x'.repeat(1001) })).rejects.toMatchObject({ status: 413 });
  });

  it('a batch stores its valid messages and answers each invalid one with its error, in request order', async () => {
    const ferry = await withTopics();
    const results = await ferry.publisher.publishBatch('fifo', [
      { body: 'a', messageGroup: 'g' },
      { body: 'b' },
      { body: 'c', messageGroup: 'g' },
    ]);
    expect(results.map((result) => ('error' in result ? result.error.code : result.state))).toEqual([
      'READY',
      'MESSAGE_GROUP_REQUIRED',
      'READY',
    ]);
    for (const result of results)
      if ('messageId' in result) expect((await ferry.message(result.messageId)).state).toBe('READY');
  });
});
