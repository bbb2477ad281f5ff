// The client's consumer loop: ack on success, nack on a throw, extension while a handler runs, a bound, a clean stop.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReceivedMessage } from '../../client/index.ts';
import { startTestStack, type TestStack } from './harness.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
  await stack.client.putTopic('jobs', 'NORMAL');
});
afterAll(async () => {
  await stack?.stop();
});

/** A promise with its resolve function, to hold a handler until the test lets it go. */
function gate<T = void>() {
  let open!: (value: T) => void;
  const opened = new Promise<T>((resolve) => (open = resolve));
  return { open, opened };
}

const eventsOf = async (messageId: string) => (await stack.client.getMessage(messageId)).events;
const typesOf = async (messageId: string) => (await eventsOf(messageId)).map((event) => event.type);

/** A fresh group on the jobs topic, with `count` messages published to it. */
async function groupWith(group: string, count: number): Promise<string[]> {
  await stack.dispatched();
  await stack.client.putGroup(group, [{ topic: 'jobs' }]);
  const ids: string[] = [];
  for (let i = 0; i < count; i++) ids.push((await stack.client.publish('jobs', { body: `${group} ${i}` })).messageId);
  await stack.dispatched();
  return ids;
}

describe('consume()', () => {
  it('acknowledges every message its handler finished, so none comes back', async () => {
    const ids = await groupWith('acker', 3);
    const all = gate();
    const seen: ReceivedMessage[] = [];
    const consumer = stack.client.consume(
      'acker',
      (message) => {
        seen.push(message);
        if (seen.length === 3) all.open();
      },
      { waitSeconds: 1 },
    );
    await all.opened;
    await consumer.stop();
    expect(seen.map((message) => message.messageId).sort()).toEqual([...ids].sort());
    for (const id of ids) expect(await typesOf(id)).toContain('ACKED');
    expect(await stack.client.receive('acker', { waitSeconds: 1, invisibleSeconds: 0 })).toEqual([]);
  });

  it('a message whose handler throws comes back, and onError hears of the failure', async () => {
    const [id] = await groupWith('retrier', 1);
    const attempts: number[] = [];
    const errors: Array<{ error: unknown; messageId?: string }> = [];
    const succeeded = gate();
    const consumer = stack.client.consume(
      'retrier',
      (message) => {
        attempts.push(message.deliveryAttempt);
        if (message.deliveryAttempt === 1) throw new Error('payment service down');
        succeeded.open();
      },
      {
        waitSeconds: 1,
        retryAfterSeconds: 1,
        onError: (error, message) => errors.push({ error, messageId: message?.messageId }),
      },
    );
    await succeeded.opened;
    await consumer.stop();
    expect(attempts).toEqual([1, 2]);
    expect(errors).toEqual([{ error: new Error('payment service down'), messageId: id }]);
    expect(await typesOf(id!)).toEqual(expect.arrayContaining(['NACKED', 'ACKED']));
  });

  it('without retryAfterSeconds a failed message waits out the group backoff (10 s after attempt 1)', async () => {
    const [id] = await groupWith('backoff', 1);
    const failed = gate();
    const consumer = stack.client.consume(
      'backoff',
      () => {
        failed.open();
        throw new Error('not yet');
      },
      { waitSeconds: 1, onError: () => {} },
    );
    await failed.opened;
    await consumer.stop();
    const nacked = (await eventsOf(id!)).find((event) => event.type === 'NACKED');
    expect(nacked?.detail).toMatchObject({ retryAfterSeconds: 10 });
  });

  it('keeps a message invisible while its handler runs longer than the invisible time', async () => {
    const [id] = await groupWith('slow', 1);
    const started = gate();
    const release = gate();
    const consumer = stack.client.consume(
      'slow',
      async () => {
        started.open();
        await release.opened;
      },
      { waitSeconds: 1, invisibleSeconds: 5, heartbeatSeconds: 1 },
    );
    await started.opened;
    // Well past the 5 s invisible time (renewed every second, slack for a slow machine), another consumer of the
    // group must still see nothing.
    const until = Date.now() + 9000;
    const stolen: ReceivedMessage[] = [];
    while (Date.now() < until) stolen.push(...(await stack.client.receive('slow', { waitSeconds: 1 })));
    release.open();
    await consumer.stop();
    expect(stolen).toEqual([]);
    expect((await typesOf(id!)).filter((type) => type === 'RECEIVED' || type === 'ACKED')).toEqual([
      'RECEIVED',
      'ACKED',
    ]);
  });

  it('never runs more handlers at once than its concurrency', async () => {
    const ids = await groupWith('bounded', 10);
    let active = 0;
    let most = 0;
    let done = 0;
    const three = gate();
    const all = gate();
    const consumer = stack.client.consume(
      'bounded',
      async () => {
        active++;
        most = Math.max(most, active);
        if (active === 3) three.open();
        await three.opened;
        active--;
        if (++done === ids.length) all.open();
      },
      { concurrency: 3, waitSeconds: 1 },
    );
    await all.opened;
    await consumer.stop();
    expect(most).toBe(3);
  });

  it('stop() waits for the handlers in flight, then receives no more', async () => {
    const [id] = await groupWith('stopper', 1);
    const started = gate();
    const release = gate();
    let finished = false;
    const consumer = stack.client.consume(
      'stopper',
      async () => {
        started.open();
        await release.opened;
        finished = true;
      },
      { waitSeconds: 1 },
    );
    await started.opened;
    let stopped = false;
    const stopping = consumer.stop().then(() => (stopped = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);
    release.open();
    await stopping;
    expect(finished).toBe(true);
    expect(await typesOf(id!)).toContain('ACKED');
    const later = await stack.client.publish('jobs', { body: 'after stop' });
    await stack.dispatched();
    const left = await stack.client.receive('stopper', { waitSeconds: 1 });
    expect(left.map((message) => message.messageId)).toEqual([later.messageId]);
  });
});
