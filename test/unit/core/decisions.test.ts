// Producer decisions on the memory adapters: a transaction is decided once, racing decisions have one winner, cancel ends a wait.
import { describe, expect, it } from 'vitest';
import { newMessageId } from '../../../lambda/core/ids.ts';
import { memoryFerry } from './memory-ferry.ts';

async function prepared() {
  const ferry = memoryFerry();
  await ferry.admin.putTopic('order-txns', { messageType: 'TRANSACTION' });
  await ferry.producers.put('checkout', {});
  const { messageId } = await ferry.publisher.publish('order-txns', { body: 'order 42', producerGroup: 'checkout' });
  return { ferry, messageId };
}

describe('transaction decisions', () => {
  it('the same decision again is a no-op', async () => {
    const { ferry, messageId } = await prepared();
    expect(await ferry.decisions.commit(messageId)).toEqual({ messageId, state: 'READY' });
    expect(await ferry.decisions.commit(messageId)).toEqual({ messageId, state: 'READY' });
    expect((await ferry.message(messageId)).transitions?.map((event) => event.type)).toEqual(['COMMITTED']);
  });

  it('the other decision after one was made is a 409 that says what it is', async () => {
    const { ferry, messageId } = await prepared();
    await ferry.decisions.rollback(messageId);
    await expect(ferry.decisions.commit(messageId)).rejects.toMatchObject({
      status: 409,
      code: 'TRANSACTION_ALREADY_DECIDED',
      message: expect.stringContaining('ROLLED_BACK'),
    });
    expect((await ferry.message(messageId)).state).toBe('ROLLED_BACK');
  });

  it('racing decisions have exactly one winner, and every answer agrees with it', async () => {
    const { ferry, messageId } = await prepared();
    const outcomes = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        i % 2 === 0 ? ferry.decisions.commit(messageId) : ferry.decisions.rollback(messageId),
      ),
    );
    const { state } = await ferry.message(messageId);
    expect((await ferry.message(messageId)).transitions).toHaveLength(1);
    for (const outcome of outcomes) {
      if (outcome.status === 'fulfilled') expect(outcome.value.state).toBe(state);
      else expect(outcome.reason).toMatchObject({ status: 409, code: 'TRANSACTION_ALREADY_DECIDED' });
    }
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(5);
  });

  it('an unknown id is 404, a malformed one 400, and a message of another type 409', async () => {
    const { ferry } = await prepared();
    await ferry.admin.putTopic('orders', { messageType: 'NORMAL' });
    const normal = await ferry.publisher.publish('orders', { body: 'x' });
    await expect(ferry.decisions.commit(newMessageId())).rejects.toMatchObject({
      status: 404,
      code: 'MESSAGE_NOT_FOUND',
    });
    await expect(ferry.decisions.commit('not-an-id')).rejects.toMatchObject({
      status: 400,
      code: 'INVALID_MESSAGE_ID',
    });
    await expect(ferry.decisions.rollback(normal.messageId)).rejects.toMatchObject({
      status: 409,
      code: 'NOT_A_TRANSACTION',
    });
  });
});

describe('cancelling a scheduled message', () => {
  async function delayTopic() {
    const ferry = memoryFerry({ env: { FERRY_TIMER_LEAD_SECONDS: '180', FERRY_TIMER_SHARDS: '2' } });
    await ferry.admin.putTopic('order-timeouts', { messageType: 'DELAY' });
    return ferry;
  }

  it('cancels it while it waits, and cancelling again is a no-op', async () => {
    const ferry = await delayTopic();
    const { messageId } = await ferry.publisher.publish('order-timeouts', {
      body: 'close order 42',
      delaySeconds: 3600,
    });
    expect(await ferry.decisions.cancel(messageId)).toEqual({ messageId, state: 'CANCELLED' });
    expect(await ferry.decisions.cancel(messageId)).toEqual({ messageId, state: 'CANCELLED' });
  });

  it('refuses with 409 once the tick handed it on, saying when', async () => {
    const ferry = await delayTopic();
    const { messageId } = await ferry.publisher.publish('order-timeouts', {
      body: 'close order 42',
      delaySeconds: 3600,
    });
    ferry.ports.clock.advance(3600_000 - 180_000);
    expect((await ferry.tick.run()).handedOn).toBe(1);
    await expect(ferry.decisions.cancel(messageId)).rejects.toMatchObject({
      status: 409,
      code: 'NO_LONGER_CANCELLABLE',
      message: expect.stringContaining('FERRY_TIMER_LEAD_SECONDS'),
    });
  });

  it('refuses with 409 a delay that went straight to the queues', async () => {
    const ferry = await delayTopic();
    const { messageId } = await ferry.publisher.publish('order-timeouts', { body: 'x', delaySeconds: 60 });
    await expect(ferry.decisions.cancel(messageId)).rejects.toMatchObject({
      status: 409,
      code: 'NO_LONGER_CANCELLABLE',
      message: expect.stringContaining('FERRY_DIRECT_DELAY_LIMIT_SECONDS'),
    });
  });
});
