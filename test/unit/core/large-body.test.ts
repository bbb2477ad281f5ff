// Large bodies on the memory adapters: kept aside only when the item cannot hold them, handed out whole, never lost.
import { describe, expect, it } from 'vitest';
import type { MessageId } from '../../../lambda/core/model.ts';
import { findMessage } from '../../../lambda/core/query.ts';
import { createServices } from '../../../lambda/core/services.ts';
import { createMemoryPorts } from '../../../lambda/memory/services.ts';
import { memoryFerry, type MemoryFerry } from './memory-ferry.ts';

const MiB = 1024 * 1024;

async function withGroup(ferry: MemoryFerry = memoryFerry()) {
  await ferry.admin.putTopic('uploads', { messageType: 'NORMAL' });
  await ferry.admin.putGroup('archive', { subscriptions: [{ topic: 'uploads' }] });
  return ferry;
}

async function publishAndDispatch(ferry: MemoryFerry, bodies: string[]): Promise<MessageId[]> {
  const ids: MessageId[] = [];
  for (const body of bodies) ids.push((await ferry.publisher.publish('uploads', { body })).messageId);
  await ferry.dispatcher.dispatch(await Promise.all(ids.map((id) => ferry.message(id))));
  return ids;
}

describe('large bodies', () => {
  it('a body the item can hold stays in it; one it cannot is kept aside, the item holding only its reference', async () => {
    const ferry = await withGroup();
    const [small, large] = await publishAndDispatch(ferry, ['x'.repeat(300 * 1024), 'y'.repeat(500 * 1024)]);
    expect(await ferry.message(small!)).not.toHaveProperty('bodyRef');
    expect(await ferry.message(large!)).toMatchObject({ body: '', bodyRef: { bucket: 'memory', bytes: 500 * 1024 } });
    expect(ferry.ports.bodies.size).toBe(1);
  });

  it('a receive answers at most 5 MiB: two 2 MiB bodies of three, the third given back at once and received next', async () => {
    const ferry = await withGroup();
    const bodies = ['a', 'b', 'c'].map((letter) => letter.repeat(2 * MiB));
    await publishAndDispatch(ferry, bodies);
    const first = await ferry.consumer.receive('archive', { maxMessages: 10 });
    expect(first.map((message) => message.body)).toEqual(bodies.slice(0, 2));
    const second = await ferry.consumer.receive('archive', { maxMessages: 10 });
    expect(second.map((message) => [message.body, message.deliveryAttempt])).toEqual([[bodies[2], 2]]);
  });

  it('a body the store no longer holds is reported and never answered empty', async () => {
    const ferry = await withGroup();
    const [gone] = await publishAndDispatch(ferry, ['a'.repeat(MiB), 'b'.repeat(MiB)]);
    // Past every body's time: the memory store forgets, as an S3 lifecycle rule deletes.
    ferry.ports.clock.advance(10 * 365 * 86_400_000);
    await expect(ferry.consumer.receive('archive', { maxMessages: 10 })).resolves.toEqual([]);
    expect(ferry.ports.faults.count('BODY_MISSING')).toBeGreaterThan(0);
    expect((await ferry.message(gone!)).bodyRef).toBeDefined();
  });

  it('a function without a body store refuses a body its item cannot hold with a 413, and stores nothing', async () => {
    const ports = createMemoryPorts();
    const { bodies: _none, ...withoutBodies } = ports;
    const ferry = createServices(withoutBodies);
    await ferry.admin.putTopic('uploads', { messageType: 'NORMAL' });
    await expect(ferry.publisher.publish('uploads', { body: 'z'.repeat(500 * 1024) })).rejects.toMatchObject({
      status: 413,
      message: expect.stringMatching(/no body store/),
    });
    expect(ports.bodies.size).toBe(0);
  });

  it('a body whose JSON escapes would pass what a receive can answer is a 413 at publish, not a message stuck in its queue', async () => {
    const ferry = await withGroup();
    // 1 MiB of control characters is 6 MiB as JSON.
    await expect(ferry.publisher.publish('uploads', { body: '\u0001'.repeat(MiB) })).rejects.toMatchObject({
      status: 413,
      message: expect.stringMatching(/a receive answers at most 5242880 bytes/),
    });
    expect(ferry.ports.bodies.size).toBe(0);
  });

  it('the message view shows the whole body', async () => {
    const ferry = await withGroup();
    const [id] = await publishAndDispatch(ferry, ['q'.repeat(MiB)]);
    const view = await findMessage(ferry.store, id!, ferry.bodies);
    expect(view.message.body).toBe('q'.repeat(MiB));
    expect(view.message).not.toHaveProperty('bodyRef');
  });
});
