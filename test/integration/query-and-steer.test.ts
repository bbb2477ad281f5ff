// Query by key and time, replay to one group, and steering scheduled work (list, reschedule, cancel by key) on the local stack.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FerryApiError, type ListedMessage } from '../../client/index.ts';
import { drain, request, startTestStack, type TestStack } from './harness.ts';

// Delays over 3 s wait in the table and are handed on 2 s ahead by a tick every second.
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ env: { FERRY_DIRECT_DELAY_LIMIT_SECONDS: '3', FERRY_TIMER_LEAD_SECONDS: '2' } });
  await stack.client.putTopic('orders', 'NORMAL');
  await stack.client.putTopic('order-events', 'FIFO');
  await stack.client.putTopic('timeouts', 'DELAY');
  await stack.client.putTopic('order-txns', 'TRANSACTION');
  await stack.client.putProducerGroup('checkout');
  await stack.client.putGroup('billing', [{ topic: 'orders', filter: { type: 'TAG', expression: 'paid' } }]);
  await stack.client.putGroup('audit', [{ topic: 'orders' }]);
  await stack.client.putGroup('closer', [{ topic: 'timeouts' }]);
});
afterAll(async () => {
  await stack?.stop();
});

const EVENTUALLY = { timeout: 10_000, interval: 100 };
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => (error instanceof FerryApiError ? { status: error.status, code: error.code } : error),
  );
const byKey = async (topic: string, key: string) =>
  (await stack.client.queryMessages(topic, { key })).messages.map((message) => [message.messageId, message.state]);

describe('query by key', () => {
  it('finds a key on every topic type: normal, FIFO, scheduled before it is due, and prepared', async () => {
    const keys = ['order-42', 'customer-7'];
    const normal = await stack.client.publish('orders', { body: 'created', tag: 'created', keys });
    const fifo = await stack.client.publish('order-events', { body: 'paid', messageGroup: 'order-42', keys });
    const delayed = await stack.client.publish('timeouts', { body: 'close', delaySeconds: 600, keys });
    const prepared = await stack.client.publish('order-txns', { body: 'half', producerGroup: 'checkout', keys });
    for (const key of keys) {
      await expect.poll(() => byKey('orders', key), EVENTUALLY).toEqual([[normal.messageId, 'READY']]);
      await expect.poll(() => byKey('order-events', key), EVENTUALLY).toEqual([[fifo.messageId, 'READY']]);
      await expect.poll(() => byKey('timeouts', key), EVENTUALLY).toEqual([[delayed.messageId, 'SCHEDULED']]);
      await expect.poll(() => byKey('order-txns', key), EVENTUALLY).toEqual([[prepared.messageId, 'PREPARED']]);
    }
    await stack.client.cancel('timeouts', delayed.messageId);
    await stack.client.rollback('order-txns', prepared.messageId);
  });

  it('answers newest first, with the message as a consumer sees it', async () => {
    const first = await stack.client.publish('orders', {
      body: 'one',
      keys: ['order-77'],
      properties: { lane: 'blue' },
    });
    const second = await stack.client.publish('orders', { body: 'two', keys: ['order-77'] });
    await expect
      .poll(async () => (await stack.client.queryMessages('orders', { key: 'order-77' })).messages, EVENTUALLY)
      .toMatchObject([
        { messageId: second.messageId, body: 'two', state: 'READY' },
        { messageId: first.messageId, body: 'one', properties: { lane: 'blue' }, keys: ['order-77'] },
      ]);
  });

  it('refuses a query without key or range, an unknown topic and a made-up cursor, with a 4xx', async () => {
    expect(await request(stack, 'GET', '/v1/topics/orders/messages')).toMatchObject({
      status: 400,
      json: { error: { code: 'INVALID_QUERY' } },
    });
    expect((await request(stack, 'GET', '/v1/topics/nowhere/messages?key=a')).status).toBe(404);
    expect(await request(stack, 'GET', '/v1/topics/orders/messages?key=a&cursor=bm9wZQ')).toMatchObject({
      status: 400,
      json: { error: { code: 'INVALID_CURSOR' } },
    });
    expect((await request(stack, 'GET', '/v1/topics/orders/messages?from=yesterday&to=now')).status).toBe(400);
  });
});

describe('query by publish time', () => {
  it('pages through a range with an opaque cursor, each message exactly once, oldest first', async () => {
    await stack.client.putTopic('ledger', 'NORMAL');
    const from = new Date().toISOString();
    const published: string[] = [];
    for (let i = 0; i < 12; i++)
      published.push((await stack.client.publish('ledger', { body: `entry ${i}` })).messageId);
    const to = Date.now();
    const readAll = async () => {
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await stack.client.queryMessages('ledger', { from, to, limit: 5, ...(cursor ? { cursor } : {}) });
        seen.push(...page.messages.map((message) => message.messageId));
        cursor = page.next;
      } while (cursor !== undefined);
      return seen;
    };
    await expect.poll(readAll, EVENTUALLY).toEqual(published);
  });
});

describe('replay', () => {
  it('sends a range again to the one group, through its filter; other groups see nothing; the trace records it', async () => {
    const from = Date.now();
    const paid = await stack.client.publish('orders', { body: 'paid 1', tag: 'paid' });
    await stack.client.publish('orders', { body: 'created 1', tag: 'created' });
    const paidAgain = await stack.client.publish('orders', { body: 'paid 2', tag: 'paid' });
    const to = Date.now();
    // Everything published so far is delivered and acknowledged first, in both groups.
    await drain(stack, 'billing', 100, 3000);
    await drain(stack, 'audit', 100, 3000);

    const replay = await stack.client.replay('billing', { topic: 'orders', from, to });
    expect(replay).toMatchObject({ group: 'billing', topic: 'orders', state: 'RUNNING' });
    await expect
      .poll(() => stack.client.getReplay('billing', replay.replayId), EVENTUALLY)
      .toMatchObject({ state: 'DONE', sent: 2, skipped: 1 });
    const again = await drain(stack, 'billing', 2);
    expect(again.map((message) => message.messageId).sort()).toEqual([paid.messageId, paidAgain.messageId].sort());
    expect(await drain(stack, 'audit', 1, 2000)).toEqual([]);
    const trace = await stack.client.getMessage(paid.messageId);
    expect(trace.events).toContainEqual(
      expect.objectContaining({ type: 'REPLAYED', groups: ['billing'], detail: { replayId: replay.replayId } }),
    );
  });

  it('refuses a range that starts in the future; a job saved so by an earlier version finishes empty and holds up neither another replay nor the tick', async () => {
    const inAYear = Date.now() + 365 * 24 * 3600 * 1000;
    expect(
      await failure(stack.client.replay('billing', { topic: 'orders', from: inAYear, to: inAYear + 1000 })),
    ).toEqual({ status: 400, code: 'INVALID_QUERY' });

    // The earlier version cut the end to now after checking the range: from after to, which DynamoDB's BETWEEN
    // refuses, so every tick failed (and the local stack could not start again on that data folder).
    const now = Date.now();
    const stuck = '01M8ZZZZZZZZZZZZZZZZZZSTCK';
    await stack.services.store.createReplay({
      replayId: stuck,
      group: 'billing',
      topic: 'orders',
      from: inAYear,
      to: now,
      state: 'RUNNING',
      sent: 0,
      skipped: 0,
      createdAt: now,
      updatedAt: now,
      version: 0,
      expiresAt: Math.ceil(now / 1000) + 3600,
    });
    const from = Date.now();
    const paid = await stack.client.publish('orders', { body: 'paid after the stuck replay', tag: 'paid' });
    await drain(stack, 'billing', 1, 5000);
    const next = await stack.client.replay('billing', { topic: 'orders', from, to: Date.now() });
    await expect
      .poll(() => stack.client.getReplay('billing', stuck), EVENTUALLY)
      .toMatchObject({ state: 'DONE', sent: 0 });
    await expect
      .poll(() => stack.client.getReplay('billing', next.replayId), EVENTUALLY)
      .toMatchObject({ state: 'DONE', sent: 1 });
    expect((await drain(stack, 'billing', 1)).map((message) => message.messageId)).toEqual([paid.messageId]);
    await expect.poll(async () => (await request(stack, 'GET', '/v1/health')).status, EVENTUALLY).toBe(200);
  });

  it('refuses a topic the group does not subscribe to, and an unknown replay is a 404', async () => {
    expect(await failure(stack.client.replay('billing', { topic: 'timeouts', from: 0, to: Date.now() }))).toEqual({
      status: 400,
      code: 'NOT_SUBSCRIBED',
    });
    expect(await failure(stack.client.getReplay('audit', '01JDZZZZZZZZZZZZZZZZZZZZZZ'))).toMatchObject({
      status: 404,
    });
  });
});

describe('scheduled and pending work', () => {
  const scheduled = async () =>
    (await stack.client.scheduledMessages('timeouts')).messages.map((message: ListedMessage) => [
      message.messageId,
      message.deliverAt,
    ]);

  it('reschedule moves delivery earlier and later; the listing shows the new time; a delivered message is a 409', async () => {
    const early = await stack.client.publish('timeouts', { body: 'was in 10 minutes', delaySeconds: 600 });
    const late = await stack.client.publish('timeouts', { body: 'was in 4 s', delaySeconds: 4 });
    const earlier = new Date(Date.now() + 6000).toISOString();
    const later = new Date(Date.now() + 600_000).toISOString();
    expect(await stack.client.reschedule('timeouts', early.messageId, earlier)).toEqual({
      messageId: early.messageId,
      state: 'SCHEDULED',
      deliverAt: earlier,
    });
    expect((await stack.client.reschedule('timeouts', late.messageId, later)).deliverAt).toBe(later);
    await expect.poll(scheduled, EVENTUALLY).toContainEqual([late.messageId, later]);

    const arrived = await drain(stack, 'closer', 1);
    expect(arrived.map((message) => message.messageId)).toEqual([early.messageId]);
    // It arrived after the later one's first delivery time: that one still waits.
    expect((await stack.client.getMessage(late.messageId)).state).toBe('SCHEDULED');
    expect(await failure(stack.client.reschedule('timeouts', early.messageId, later))).toEqual({
      status: 409,
      code: 'NO_LONGER_RESCHEDULABLE',
    });
    const direct = await stack.client.publish('timeouts', { body: 'direct', delaySeconds: 1 });
    expect(await failure(stack.client.reschedule('timeouts', direct.messageId, later))).toMatchObject({ status: 409 });
    await stack.client.cancel('timeouts', late.messageId);
    await drain(stack, 'closer', 1, 5000);
  });

  it('reschedule takes delaySeconds from now, as publish does, by id and by key; one of the two times, not both', async () => {
    const message = await stack.client.publish('timeouts', {
      body: 'was in 10 minutes',
      delaySeconds: 600,
      keys: ['order-in'],
    });
    const before = Date.now();
    const moved = await stack.client.reschedule('timeouts', message.messageId, { delaySeconds: 3 });
    const after = Date.now();
    expect(moved).toMatchObject({ messageId: message.messageId, state: 'SCHEDULED' });
    expect(Date.parse(moved.deliverAt)).toBeGreaterThanOrEqual(before + 3000);
    expect(Date.parse(moved.deliverAt)).toBeLessThanOrEqual(after + 3000);
    const byItsKey = await stack.client.rescheduleByKey('timeouts', 'order-in', { delaySeconds: 1200 });
    expect(Date.parse(byItsKey.results[0]!.deliverAt!)).toBeGreaterThanOrEqual(after + 1_200_000);

    const path = `/v1/topics/timeouts/messages/${message.messageId}/reschedule`;
    expect(await request(stack, 'POST', path, { deliverAt: new Date().toISOString(), delaySeconds: 5 })).toMatchObject({
      status: 400,
      json: { error: { code: 'INVALID_DELIVERY_TIME' } },
    });
    expect(await request(stack, 'POST', path, {})).toMatchObject({
      status: 400,
      json: { error: { code: 'DELIVERY_TIME_REQUIRED' } },
    });
    expect(await request(stack, 'POST', path, { delaySeconds: -1 })).toMatchObject({ status: 400 });
    // Refused before the message was touched: the time set by key still stands.
    expect(await scheduled()).toContainEqual([message.messageId, byItsKey.results[0]!.deliverAt]);
    // The trace keeps the time it was published with, and each move with both times.
    const trace = (await stack.client.getMessage(message.messageId)).events;
    const published = trace.find((event) => event.type === 'SCHEDULED')!.detail!.deliverAt as string;
    expect(Date.parse(published)).toBeGreaterThan(before + 600_000 - 10_000);
    expect(Date.parse(published)).toBeLessThan(before + 600_000);
    expect(trace.filter((event) => event.type === 'RESCHEDULED').map((event) => event.detail)).toEqual([
      { from: published, to: moved.deliverAt },
      { from: moved.deliverAt, to: byItsKey.results[0]!.deliverAt },
    ]);
    await stack.client.cancel('timeouts', message.messageId);
  });

  it('reschedule by id alone works the same, and under another topic it is a 404', async () => {
    const message = await stack.client.publish('timeouts', { body: 'x', delaySeconds: 600 });
    const later = new Date(Date.now() + 900_000).toISOString();
    expect(await failure(stack.client.reschedule('orders', message.messageId, later))).toMatchObject({ status: 404 });
    expect(
      await request(stack, 'POST', `/v1/messages/${message.messageId}/reschedule`, { deliverAt: later }),
    ).toMatchObject({ status: 200, json: { deliverAt: later } });
    await stack.client.cancel('timeouts', message.messageId);
  });

  it('cancel by key cancels every scheduled message with the key and no other; reschedule by key moves them', async () => {
    const first = await stack.client.publish('timeouts', { body: 'close 42', delaySeconds: 600, keys: ['order-142'] });
    const second = await stack.client.publish('timeouts', {
      body: 'remind 42',
      delaySeconds: 900,
      keys: ['order-142'],
    });
    const other = await stack.client.publish('timeouts', { body: 'close 43', delaySeconds: 600, keys: ['order-143'] });
    await expect.poll(() => byKey('timeouts', 'order-142'), EVENTUALLY).toHaveLength(2);
    const later = new Date(Date.now() + 1_200_000).toISOString();
    expect((await stack.client.rescheduleByKey('timeouts', 'order-142', later)).results).toEqual(
      expect.arrayContaining([
        { messageId: first.messageId, state: 'SCHEDULED', deliverAt: later },
        { messageId: second.messageId, state: 'SCHEDULED', deliverAt: later },
      ]),
    );
    const cancelled = await stack.client.cancelByKey('timeouts', 'order-142');
    expect(cancelled.results.map((result) => result.state)).toEqual(['CANCELLED', 'CANCELLED']);
    expect((await stack.client.getMessage(other.messageId)).state).toBe('SCHEDULED');
    await expect.poll(scheduled, EVENTUALLY).not.toContainEqual([first.messageId, later]);
    expect(await failure(stack.client.cancelByKey('timeouts', 'order-nobody'))).toMatchObject({ status: 404 });
    expect(await failure(stack.client.cancelByKey('orders', 'order-142'))).toMatchObject({ status: 400 });
    await stack.client.cancel('timeouts', other.messageId);
  });

  it('lists a producer group undecided transactions until they are decided', async () => {
    const half = await stack.client.publish('order-txns', { body: 'undecided', producerGroup: 'checkout' });
    const ids = async () =>
      (await stack.client.undecidedTransactions('checkout')).messages.map((message) => message.messageId);
    await expect.poll(ids, EVENTUALLY).toContain(half.messageId);
    await stack.client.commit('order-txns', half.messageId);
    await expect.poll(ids, EVENTUALLY).not.toContain(half.messageId);
  });
});

describe('the command line', () => {
  const ROOT = fileURLToPath(new URL('../..', import.meta.url));
  const ferry = (...args: string[]) =>
    new Promise<string>((resolve, reject) =>
      execFile(
        `${ROOT}/node_modules/.bin/tsx`,
        ['bin/ferry.ts', ...args],
        { cwd: ROOT, env: { ...process.env, FERRY_URL: stack.apiUrl } },
        (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout)),
      ),
    );

  it('ferry messages --key prints a table for people and the API answer with --json; reschedule and cancel by key', async () => {
    const { messageId } = await stack.client.publish('timeouts', {
      body: 'cli',
      delaySeconds: 600,
      keys: ['order-cli'],
    });
    await expect.poll(() => byKey('timeouts', 'order-cli'), EVENTUALLY).toHaveLength(1);
    const table = await ferry('messages', 'timeouts', '--key', 'order-cli');
    expect(table.split('\n')[0]).toMatch(/^MESSAGE ID\s+STATE\s+BORN\s+DELIVER AT/);
    expect(table).toContain(`${messageId}  SCHEDULED`);
    const json = JSON.parse(await ferry('messages', 'timeouts', '--key', 'order-cli', '--json'));
    expect(json.messages).toMatchObject([{ messageId, state: 'SCHEDULED', body: 'cli' }]);
    const later = new Date(Date.now() + 1_800_000).toISOString();
    expect(JSON.parse(await ferry('reschedule', 'timeouts', messageId, '--at', later, '--json'))).toEqual({
      messageId,
      state: 'SCHEDULED',
      deliverAt: later,
    });
    // --in counts on Ferry's clock: the API gets delaySeconds.
    const before = Date.now();
    const moved = JSON.parse(await ferry('reschedule', 'timeouts', messageId, '--in', '900', '--json'));
    expect(Date.parse(moved.deliverAt)).toBeGreaterThanOrEqual(before + 900_000);
    expect(Date.parse(moved.deliverAt)).toBeLessThanOrEqual(Date.now() + 900_000);
    expect(await ferry('cancel', 'timeouts', '--key', 'order-cli')).toContain(`${messageId}  CANCELLED`);
    expect(await ferry('replay', '--help')).toContain('--from <time>');

    await stack.client.putProducerGroup('cli-checkout');
    const half = await stack.client.publish('order-txns', { body: 'cli half', producerGroup: 'cli-checkout' });
    const transactions = (await ferry('transactions', 'cli-checkout')).split('\n');
    expect(transactions[0]).toMatch(/^MESSAGE ID\s+TOPIC\s+BORN\s+CHECKS\s+TAG\s+KEYS\s+BODY/);
    expect(transactions[1]).toMatch(new RegExp(`^${half.messageId}\\s+order-txns\\s+\\S+\\s+0\\s+cli half`));
    await stack.client.rollback('order-txns', half.messageId);
  });
});
