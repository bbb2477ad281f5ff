// FIFO topics: per message group, consumers see messages in publish order — through nacks, redeliveries and dispatcher failures.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutgoingMessage, QueueService } from '../../lambda/core/ports.ts';
import { drain, ENGINE_MODES, startTestStack, type TestStack } from './harness.ts';

let injected = 0;

/** SQS cannot be told to fail part of a batch: the real adapter is wrapped to refuse the tail of two sends (a mock, on purpose). */
function failingTwice(queues: QueueService): QueueService {
  const faulty = Object.create(queues) as QueueService;
  faulty.send = async (queueUrl: string, messages: OutgoingMessage[]) => {
    if (injected < 2 && messages.length >= 8) {
      injected++;
      const cut = Math.floor(messages.length / 2);
      const sent = await queues.send(queueUrl, messages.slice(0, cut));
      return {
        failed: [
          ...sent.failed,
          ...messages.slice(cut).map((message) => ({ id: message.id, kind: 'transient' as const, reason: 'injected' })),
        ],
      };
    }
    return queues.send(queueUrl, messages);
  };
  return faulty;
}

// Users run `npm start`, which persists to a data folder: the FIFO paths run on both engine pairs.
describe.each(ENGINE_MODES)('FIFO messages (%s engines)', (mode) => {
  let stack: TestStack;

  beforeAll(async () => {
    injected = 0;
    stack = await startTestStack({
      engines: mode,
      adjustPorts: (ports) => ({ ...ports, queues: failingTwice(ports.queues) }),
    });
    await stack.client.putTopic('order-events', 'FIFO');
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('a message nacked with retryAfterSeconds 0 comes back before the rest of its message group', async () => {
    await stack.client.putGroup('nack-zero', [{ topic: 'order-events' }]);
    await stack.client.publishBatch(
      'order-events',
      ['a', 'b', 'c'].map((body) => ({ body, messageGroup: 'order-nack' })),
    );
    const [first] = await stack.client.receive('nack-zero', { waitSeconds: 10 });
    expect(first?.body).toBe('a');
    expect(await stack.client.nack('nack-zero', first!.receiptHandle, 0)).toEqual({ retryAfterSeconds: 0 });
    const received = await drain(stack, 'nack-zero', 3);
    expect(received.map((message) => [message.body, message.deliveryAttempt])).toEqual([
      ['a', 2],
      ['b', 1],
      ['c', 1],
    ]);
    await stack.client.call('DELETE', '/v1/groups/nack-zero');
  });

  it('a group subscribed to a FIFO topic gets FIFO queues', async () => {
    const group = await stack.client.putGroup('fifo-probe', [{ topic: 'order-events' }]);
    expect(group.queueUrl).toMatch(/\.fifo$/);
    expect(group.deadLetterQueueUrl).toMatch(/-d-fifo-probe\.fifo$/);
    await stack.client.call('DELETE', '/v1/groups/fifo-probe');
  });

  it('a topic re-created as FIFO is refused while a group of standard queues subscribes to it, and the other way round', async () => {
    const { client } = stack;
    const conflict = async (call: Promise<unknown>) => {
      const error = (await call.then(
        () => undefined,
        (thrown: unknown) => thrown,
      )) as { status?: number; code?: string } | undefined;
      return { status: error?.status, code: error?.code };
    };
    await client.putTopic('was-normal', 'NORMAL');
    await client.putGroup('standard-reader', [{ topic: 'was-normal' }]);
    await client.deleteTopic('was-normal');
    // Its messages would lose their order in the group's standard queue.
    expect(await conflict(client.putTopic('was-normal', 'FIFO'))).toEqual({
      status: 409,
      code: 'TOPIC_QUEUE_TYPE_CONFLICT',
    });
    await client.putTopic('was-normal', 'NORMAL');

    await client.putTopic('was-fifo', 'FIFO');
    await client.putGroup('fifo-reader', [{ topic: 'was-fifo' }]);
    await client.deleteTopic('was-fifo');
    expect(await conflict(client.putTopic('was-fifo', 'DELAY'))).toEqual({
      status: 409,
      code: 'TOPIC_QUEUE_TYPE_CONFLICT',
    });
    // Once the group is gone, the name is free for any type.
    await client.deleteGroup('fifo-reader');
    expect((await client.putTopic('was-fifo', 'DELAY')).messageType).toBe('DELAY');
  });

  it('a batch publish keeps its order', async () => {
    await stack.client.putGroup('batch-reader', [{ topic: 'order-events' }]);
    const bodies = Array.from({ length: 30 }, (_, i) => `step ${i}`);
    await stack.client.publishBatch(
      'order-events',
      bodies.map((body) => ({ body, messageGroup: 'order-batch' })),
    );
    const received = await drain(stack, 'batch-reader', 30);
    expect(received.map((message) => message.body)).toEqual(bodies);
    await stack.client.call('DELETE', '/v1/groups/batch-reader');
  });

  it('many groups × many messages with random nacks and dispatcher failures: each group strictly in order, none lost, none duplicated', async () => {
    await stack.client.putGroup('shipping', [{ topic: 'order-events' }], 100);
    // The persistent engines are slower (SQLite and file writes): a smaller run there, the full one in memory.
    const [GROUPS, PER_GROUP] = mode === 'persistent' ? [10, 40] : [25, 50];
    // One producer per order, each waiting for the answer before it publishes the next event.
    await Promise.all(
      Array.from({ length: GROUPS }, async (_, g) => {
        for (let i = 0; i < PER_GROUP; i++)
          await stack.client.publish('order-events', { body: `${g}:${i}`, messageGroup: `order-${g}` });
      }),
    );

    const acked = new Map<number, number[]>();
    const firstSeen = new Map<number, number[]>();
    const arrivalGroups: number[] = [];
    let nacks = 0;
    const deadline = Date.now() + 120_000;
    let total = 0;
    const consumers = Array.from({ length: 4 }, async () => {
      while (total < GROUPS * PER_GROUP && Date.now() < deadline) {
        const batch = await stack.client.receive('shipping', { maxMessages: 32, waitSeconds: 1 });
        const toAck: string[] = [];
        const nacked = new Set<number>();
        for (const message of batch) {
          const [g, i] = message.body.split(':').map(Number) as [number, number];
          if (message.deliveryAttempt === 1) firstSeen.set(g, [...(firstSeen.get(g) ?? []), i]);
          arrivalGroups.push(g);
          // Once a message of a group is nacked, the rest of that group in this batch must wait for it.
          if (nacked.has(g) || Math.random() < 0.05) {
            nacked.add(g);
            nacks++;
            await stack.client.nack('shipping', message.receiptHandle, 0);
            continue;
          }
          acked.set(g, [...(acked.get(g) ?? []), i]);
          toAck.push(message.receiptHandle);
          total++;
        }
        if (toAck.length > 0) await stack.client.ack('shipping', toAck);
      }
    });
    await Promise.all(consumers);

    expect(injected).toBe(2);
    // Groups proceed in parallel: arrivals switch between groups far more often than once per group.
    const switches = arrivalGroups.filter((g, index) => index > 0 && g !== arrivalGroups[index - 1]).length;
    expect(switches).toBeGreaterThan(GROUPS * 10);
    expect(nacks).toBeGreaterThan(0);
    const inOrder = Array.from({ length: PER_GROUP }, (_, i) => i);
    for (let g = 0; g < GROUPS; g++) {
      expect(acked.get(g), `group ${g}`).toEqual(inOrder);
      expect(firstSeen.get(g), `first deliveries of group ${g}`).toEqual(inOrder);
    }
  }, 240_000);
});
