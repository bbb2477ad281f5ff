// Normal messages end to end on the local stack: publish, dispatch by the stream, receive, ack, nack, trace.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drain, ENGINE_MODES, request, startTestStack, type TestStack } from './harness.ts';

// Users run `npm start`, which persists to a data folder: every consume path runs on both engine pairs.
describe.each(ENGINE_MODES)('normal messages (%s engines)', (mode) => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({ engines: mode });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('every one of 200 messages reaches both subscribed groups, and each trace shows the ack', async () => {
    const { client } = stack;
    await client.putTopic('orders', 'NORMAL');
    await client.putGroup('billing', [{ topic: 'orders' }]);
    await client.putGroup('shipping', [{ topic: 'orders' }]);

    const published: string[] = [];
    for (let start = 0; start < 100; start += 10) {
      const singles = await Promise.all(
        Array.from({ length: 10 }, (_, i) => client.publish('orders', { body: `order ${start + i}` })),
      );
      published.push(...singles.map((result) => result.messageId));
    }
    const batch = await client.publishBatch(
      'orders',
      Array.from({ length: 100 }, (_, i) => ({ body: `order ${100 + i}` })),
    );
    for (const result of batch.results) {
      if ('error' in result) throw new Error(result.error.message);
      published.push(result.messageId);
    }
    expect(new Set(published).size).toBe(200);

    const [billing, shipping] = await Promise.all([drain(stack, 'billing', 200), drain(stack, 'shipping', 200)]);
    for (const received of [billing, shipping]) {
      expect(received).toHaveLength(200);
      expect(new Set(received.map((message) => message.messageId))).toEqual(new Set(published));
    }

    const { state, events } = await client.getMessage(published[137]!);
    expect(state).toBe('READY');
    const types = events.map((event) => event.type);
    expect(types[0]).toBe('PUBLISHED');
    expect(events.find((event) => event.type === 'DISPATCHED')?.groups?.sort()).toEqual(['billing', 'shipping']);
    expect(
      events
        .filter((event) => event.type === 'ACKED')
        .flatMap((event) => event.groups)
        .sort(),
    ).toEqual(['billing', 'shipping']);
    expect(types.indexOf('RECEIVED')).toBeLessThan(types.indexOf('ACKED'));
  });

  it('a message arrives with the body, tag, keys and properties it was published with', async () => {
    const { client } = stack;
    await client.putTopic('profile', 'NORMAL');
    await client.putGroup('profile-reader', [{ topic: 'profile' }]);
    const { messageId, state } = await client.publish('profile', {
      body: 'héllo 🚢',
      tag: 'TagA',
      keys: ['user-7'],
      properties: { lane: 'gray', amount: '30' },
    });
    expect(state).toBe('READY');
    const [message] = await drain(stack, 'profile-reader', 1);
    expect(message).toMatchObject({
      messageId,
      topic: 'profile',
      body: 'héllo 🚢',
      tag: 'TagA',
      keys: ['user-7'],
      properties: { lane: 'gray', amount: '30' },
      deliveryAttempt: 1,
    });
  });

  it('a 1 KB JSON body (stored deflated) arrives exactly as published, through the stream and the queue', async () => {
    const { client } = stack;
    await client.putTopic('invoices', 'NORMAL');
    await client.putGroup('invoice-reader', [{ topic: 'invoices' }]);
    const body = JSON.stringify({
      invoice: 'inv-42',
      customer: 'Zoé Müller 🚢',
      lines: Array.from({ length: 40 }, (_, line) => ({ sku: `SKU-${line}`, quantity: 1 + (line % 3) })),
    });
    expect(Buffer.byteLength(body)).toBeGreaterThan(1024);
    const { messageId } = await client.publish('invoices', { body });
    const [message] = await drain(stack, 'invoice-reader', 1);
    expect(message).toMatchObject({ messageId, body });
    expect((await client.getMessage(messageId)).message.body).toBe(body);
  });

  it('a nacked message comes back after retryAfterSeconds as the next delivery attempt', async () => {
    const { client } = stack;
    await client.putTopic('retry', 'NORMAL');
    await client.putGroup('retrier', [{ topic: 'retry' }]);
    const { messageId } = await client.publish('retry', { body: 'try me' });
    const [first] = await client.receive('retrier', { waitSeconds: 10 });
    expect(first?.messageId).toBe(messageId);
    await client.nack('retrier', first!.receiptHandle, 1);
    expect(await client.receive('retrier', { waitSeconds: 0 })).toHaveLength(0);
    const again = await client.receive('retrier', { waitSeconds: 5 });
    expect(again[0]).toMatchObject({ messageId, deliveryAttempt: 2 });
    await client.ack('retrier', [again[0]!.receiptHandle]);
    const types = (await client.getMessage(messageId)).events.map((event) => event.type);
    expect(types).toEqual(['PUBLISHED', 'DISPATCHED', 'RECEIVED', 'NACKED', 'RECEIVED', 'ACKED']);
  });

  it('a message that is never acknowledged goes to the dead-letter queue after maxDeliveryAttempts, and can be redriven', async () => {
    const { client } = stack;
    await client.putTopic('poison', 'NORMAL');
    await client.putGroup('poison-eater', [{ topic: 'poison' }], 2);
    const { messageId } = await client.publish('poison', { body: 'poison' });
    const answers = [];
    for (let attempt = 1; attempt <= 2; attempt++) {
      const [message] = await client.receive('poison-eater', { waitSeconds: 10 });
      expect(message?.deliveryAttempt).toBe(attempt);
      // The last one without a delay: the group's backoff (30 s after attempt 2) would hold it, but no retry comes.
      answers.push(await client.nack('poison-eater', message!.receiptHandle, attempt === 1 ? 0 : undefined));
    }
    // The last attempt's nack says so: no retry comes, and the trace says where the message went.
    expect(answers).toEqual([{ retryAfterSeconds: 0 }, { retryAfterSeconds: 0, deadLettered: true }]);
    const events = (await client.getMessage(messageId)).events.map((event) => [event.type, event.detail]);
    expect(events.slice(-2)).toEqual([
      ['NACKED', { deliveryAttempt: 2 }],
      [
        'DEAD_LETTERED',
        {
          deliveryAttempt: 2,
          reason: 'nacked at its last attempt: SQS moves it to the dead-letter queue at the next receive',
        },
      ],
    ]);
    expect(await client.receive('poison-eater', { waitSeconds: 1 })).toHaveLength(0);
    expect((await client.getGroup('poison-eater')).backlog.deadLetters).toBe(1);
    const listed = await client.call<{ messages: Array<{ messageId: string }> }>(
      'GET',
      '/v1/groups/poison-eater/dead-letters',
    );
    expect(listed.messages.map((message) => message.messageId)).toEqual([messageId]);
    // Listing leaves a dead letter where it is (received with no invisible time): it is still counted.
    expect((await client.getGroup('poison-eater')).backlog.deadLetters).toBe(1);
    expect(await client.call('POST', '/v1/groups/poison-eater/dead-letters/redrive')).toEqual({ redriven: 1 });
    const [back] = await client.receive('poison-eater', { waitSeconds: 5 });
    expect(back?.messageId).toBe(messageId);
    expect((await client.getGroup('poison-eater')).backlog.deadLetters).toBe(0);
  });

  it('a message nacked with retryAfterSeconds 0 is delivered again at once, as the next attempt', async () => {
    const { client } = stack;
    await client.putTopic('nack-now', 'NORMAL');
    await client.putGroup('nack-now-reader', [{ topic: 'nack-now' }]);
    const { messageId } = await client.publish('nack-now', { body: 'again' });
    const [first] = await client.receive('nack-now-reader', { waitSeconds: 10 });
    expect(await client.nack('nack-now-reader', first!.receiptHandle, 0)).toEqual({ retryAfterSeconds: 0 });
    const [again] = await client.receive('nack-now-reader', { waitSeconds: 5 });
    expect(again).toMatchObject({ messageId, deliveryAttempt: 2 });
    // A handle given twice in one call is one acknowledgement, with one ACKED in the trace.
    expect(await client.ack('nack-now-reader', [again!.receiptHandle, again!.receiptHandle])).toEqual({
      acked: 1,
      failed: [],
    });
    expect((await client.getMessage(messageId)).events.filter((event) => event.type === 'ACKED')).toHaveLength(1);
    expect((await client.getGroup('nack-now-reader')).backlog).toMatchObject({ visible: 0, inFlight: 0 });
  });

  it('a receipt handle that is no longer in flight is a 409 on nack and visibility, never a 500', async () => {
    const { client } = stack;
    await client.putTopic('stale', 'NORMAL');
    await client.putGroup('stale-reader', [{ topic: 'stale' }]);
    await client.publish('stale', { body: 'acked soon' });
    const [message] = await client.receive('stale-reader', { waitSeconds: 10 });
    await client.ack('stale-reader', [message!.receiptHandle]);
    for (const path of ['nack', 'visibility']) {
      const answer = await request(stack, 'POST', `/v1/groups/stale-reader/${path}`, {
        receiptHandle: message!.receiptHandle,
        retryAfterSeconds: 0,
        ...(path === 'visibility' ? { invisibleSeconds: 5, retryAfterSeconds: undefined } : {}),
      });
      expect(answer.status, path).toBe(409);
      expect(answer.json).toMatchObject({ error: { code: 'MESSAGE_NOT_INFLIGHT' } });
    }
  });

  it('a receipt handle whose queue handle was tampered with is a 4xx on nack and visibility', async () => {
    const forged = Buffer.from(
      JSON.stringify(['not-a-queue-handle', '01JDQ00000000000000000000A', 'stale', 1, null]),
    ).toString('base64url');
    await stack.client.putTopic('stale', 'NORMAL');
    await stack.client.putGroup('stale-reader', [{ topic: 'stale' }]);
    for (const [path, body] of [
      ['nack', { receiptHandle: forged, retryAfterSeconds: 0 }],
      ['visibility', { receiptHandle: forged, invisibleSeconds: 5 }],
    ] as const) {
      const answer = await request(stack, 'POST', `/v1/groups/stale-reader/${path}`, body);
      expect(answer.status, path).toBeGreaterThanOrEqual(400);
      expect(answer.status, path).toBeLessThan(500);
    }
  });

  it('a received message whose invisible time ran out is counted visible again, not in flight', async () => {
    const { client } = stack;
    await client.putTopic('abandoned', 'NORMAL');
    await client.putGroup('abandoned-reader', [{ topic: 'abandoned' }]);
    await client.publish('abandoned', { body: 'the consumer stopped' });
    // 3 s: time enough for the first count even on a loaded machine.
    expect(await client.receive('abandoned-reader', { waitSeconds: 10, invisibleSeconds: 3 })).toHaveLength(1);
    expect((await client.getGroup('abandoned-reader')).backlog).toMatchObject({ visible: 0, inFlight: 1 });
    await new Promise((resolve) => setTimeout(resolve, 3500));
    expect((await client.getGroup('abandoned-reader')).backlog).toMatchObject({ visible: 1, inFlight: 0 });
  });

  it('extending the invisible time keeps a received message from being delivered again', async () => {
    const { client } = stack;
    await client.putTopic('slow', 'NORMAL');
    await client.putGroup('slow-worker', [{ topic: 'slow' }]);
    await client.publish('slow', { body: 'long job' });
    const [message] = await client.receive('slow-worker', { waitSeconds: 10, invisibleSeconds: 1 });
    await client.call('POST', '/v1/groups/slow-worker/visibility', {
      receiptHandle: message!.receiptHandle,
      invisibleSeconds: 30,
    });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await client.receive('slow-worker', { waitSeconds: 0 })).toHaveLength(0);
  });

  it('a group only receives messages published after it subscribed, and none of other topics', async () => {
    const { client } = stack;
    await client.putTopic('early', 'NORMAL');
    await client.putTopic('other', 'NORMAL');
    await client.publish('early', { body: 'before the group' });
    await stack.dispatched();
    await client.putGroup('late', [{ topic: 'early' }]);
    await client.publish('other', { body: 'other topic' });
    const { messageId } = await client.publish('early', { body: 'after the group' });
    const received = await drain(stack, 'late', 2, 3000);
    expect(received.map((message) => message.messageId)).toEqual([messageId]);
  });
});
