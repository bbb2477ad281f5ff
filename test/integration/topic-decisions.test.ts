// Decisions under a topic's path (what an IAM grant per topic covers): they act only on that topic's messages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FerryApiError } from '../../client/index.ts';
import { drain, startTestStack, type TestStack } from './harness.ts';

let stack: TestStack;
beforeAll(async () => {
  // Delays over 3 s wait in the table, so a scheduled message stays cancellable for the whole test.
  stack = await startTestStack({ env: { FERRY_DIRECT_DELAY_LIMIT_SECONDS: '3', FERRY_TIMER_LEAD_SECONDS: '2' } });
  await stack.client.putTopic('payments', 'TRANSACTION');
  await stack.client.putTopic('refunds', 'TRANSACTION');
  await stack.client.putTopic('timeouts', 'DELAY');
  await stack.client.putProducerGroup('checkout');
  await stack.client.putGroup('ledger', [{ topic: 'payments' }]);
});
afterAll(async () => {
  await stack?.stop();
});

const half = (topic: string, body: string) => stack.client.publish(topic, { body, producerGroup: 'checkout' });
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => (error instanceof FerryApiError ? { status: error.status, code: error.code } : error),
  );
const stateOf = async (messageId: string) => (await stack.client.getMessage(messageId)).state;

describe('decisions under a topic', () => {
  it('commit and rollback under the message topic decide it as the transaction routes do', async () => {
    const committed = await half('payments', 'paid');
    const rolledBack = await half('payments', 'abandoned');
    expect(await stack.client.commit('payments', committed.messageId)).toEqual({
      messageId: committed.messageId,
      state: 'READY',
    });
    expect(await stack.client.commit('payments', committed.messageId)).toMatchObject({ state: 'READY' });
    expect(await stack.client.rollback('payments', rolledBack.messageId)).toMatchObject({ state: 'ROLLED_BACK' });
    expect(await failure(stack.client.rollback('payments', committed.messageId))).toEqual({
      status: 409,
      code: 'TRANSACTION_ALREADY_DECIDED',
    });
    const received = await drain(stack, 'ledger', 2, 4000);
    expect(received.map((message) => message.body)).toEqual(['paid']);
  });

  it('a message of another topic is a 404 under this topic and stays undecided', async () => {
    const refund = await half('refunds', 'refund 7');
    expect(await failure(stack.client.commit('payments', refund.messageId))).toEqual({
      status: 404,
      code: 'MESSAGE_NOT_FOUND',
    });
    expect(await failure(stack.client.rollback('payments', refund.messageId))).toMatchObject({ status: 404 });
    expect(await stateOf(refund.messageId)).toBe('PREPARED');
    expect(await stack.client.commit('refunds', refund.messageId)).toMatchObject({ state: 'READY' });
  });

  it('cancel under its topic cancels a scheduled message; under another it is a 404 and cancels nothing', async () => {
    const timeout = await stack.client.publish('timeouts', { body: 'close order 9', delaySeconds: 600 });
    expect(timeout.state).toBe('SCHEDULED');
    expect(await failure(stack.client.cancel('payments', timeout.messageId))).toMatchObject({ status: 404 });
    expect(await stateOf(timeout.messageId)).toBe('SCHEDULED');
    expect(await stack.client.cancel('timeouts', timeout.messageId)).toEqual({
      messageId: timeout.messageId,
      state: 'CANCELLED',
    });
  });

  it('an unknown id is a 404 and a malformed one a 400, under any topic', async () => {
    expect(await failure(stack.client.commit('payments', '01JDZZZZZZZZZZZZZZZZZZZZZZ'))).toMatchObject({
      status: 404,
    });
    expect(await failure(stack.client.cancel('timeouts', 'not-an-id'))).toEqual({
      status: 400,
      code: 'INVALID_MESSAGE_ID',
    });
  });
});
