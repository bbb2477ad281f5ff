// Server-side filtering through the local stack: tag and SQL92 subscriptions, gray release, filter changes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FerryApiError } from '../../client/index.ts';
import { drain, startTestStack, type TestStack } from './harness.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

describe('filtering', () => {
  it('gray release: group A gets exactly the stable traffic and A-gray exactly the gray traffic, none missed, none crossed', async () => {
    const { client } = stack;
    await client.putTopic('service-c-events', 'NORMAL');
    await client.putGroup('A', [
      { topic: 'service-c-events', filter: { type: 'SQL92', expression: "lane IS NULL OR lane <> 'gray'" } },
    ]);
    await client.putGroup('A-gray', [
      { topic: 'service-c-events', filter: { type: 'SQL92', expression: "lane = 'gray'" } },
    ]);

    // C's stable version publishes without a lane (or with another one); C's gray version with lane=gray.
    const stable: string[] = [];
    const gray: string[] = [];
    for (let i = 0; i < 60; i++) {
      const lane = i % 3 === 0 ? 'gray' : i % 3 === 1 ? undefined : 'blue';
      const { messageId } = await client.publish('service-c-events', {
        body: `event ${i}`,
        ...(lane === undefined ? {} : { properties: { lane } }),
      });
      (lane === 'gray' ? gray : stable).push(messageId);
    }
    const [a, aGray] = await Promise.all([
      drain(stack, 'A', stable.length + 1, 6000),
      drain(stack, 'A-gray', gray.length + 1, 6000),
    ]);
    expect(a.map((message) => message.messageId).sort()).toEqual([...stable].sort());
    expect(aGray.map((message) => message.messageId).sort()).toEqual([...gray].sort());

    const trace = await client.getMessage(gray[0]!);
    expect(trace.events.find((event) => event.type === 'DISPATCHED')?.groups).toEqual(['A-gray']);
  });

  it('a tag subscription gets only the tags it names; a message without a tag matches only *', async () => {
    const { client } = stack;
    await client.putTopic('tagged', 'NORMAL');
    await client.putGroup('paid-or-shipped', [
      { topic: 'tagged', filter: { type: 'TAG', expression: 'paid || shipped' } },
    ]);
    await client.putGroup('everything', [{ topic: 'tagged', filter: { type: 'TAG', expression: '*' } }]);
    for (const tag of ['created', 'paid', 'shipped', undefined])
      await client.publish('tagged', { body: tag ?? 'untagged', ...(tag === undefined ? {} : { tag }) });
    const [some, all] = await Promise.all([
      drain(stack, 'paid-or-shipped', 3, 4000),
      drain(stack, 'everything', 5, 4000),
    ]);
    expect(some.map((message) => message.body).sort()).toEqual(['paid', 'shipped']);
    expect(all.map((message) => message.body).sort()).toEqual(['created', 'paid', 'shipped', 'untagged']);
  });

  it('SQL92 compares numeric properties as numbers and never matches a missing property', async () => {
    const { client } = stack;
    await client.putTopic('payments', 'NORMAL');
    await client.putGroup('big-payments', [
      { topic: 'payments', filter: { type: 'SQL92', expression: "amount >= 100 AND region IN ('eu', 'us')" } },
    ]);
    for (const [amount, region] of [
      ['99', 'eu'],
      ['100', 'eu'],
      ['1000', 'us'],
      ['5000', 'asia'],
      [undefined, 'eu'],
    ] as const) {
      await client.publish('payments', {
        body: `${amount}/${region}`,
        properties: { region, ...(amount === undefined ? {} : { amount }) },
      });
    }
    const received = await drain(stack, 'big-payments', 3, 4000);
    expect(received.map((message) => message.body).sort()).toEqual(['100/eu', '1000/us']);
  });

  it('a filter that does not parse is refused at group creation with a 400 that says where', async () => {
    const error = await stack.client
      .putGroup('broken', [{ topic: 'payments', filter: { type: 'SQL92', expression: 'amount >> 3' } }])
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(FerryApiError);
    expect((error as FerryApiError).status).toBe(400);
    expect((error as FerryApiError).code).toBe('INVALID_FILTER');
    expect((error as FerryApiError).message).toMatch(/column|position/i);
  });

  it('a changed filter applies to messages dispatched after the change', async () => {
    const { client } = stack;
    await client.putTopic('regions', 'NORMAL');
    await client.putGroup('regional', [{ topic: 'regions', filter: { type: 'SQL92', expression: "region = 'eu'" } }]);
    await client.publish('regions', { body: 'eu before', properties: { region: 'eu' } });
    await client.publish('regions', { body: 'us before', properties: { region: 'us' } });
    await stack.dispatched();
    await client.putGroup('regional', [{ topic: 'regions', filter: { type: 'SQL92', expression: "region = 'us'" } }]);
    await client.publish('regions', { body: 'eu after', properties: { region: 'eu' } });
    await client.publish('regions', { body: 'us after', properties: { region: 'us' } });
    const received = await drain(stack, 'regional', 3, 4000);
    expect(received.map((message) => message.body).sort()).toEqual(['eu before', 'us after']);
  });
});
