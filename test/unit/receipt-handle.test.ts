// Receipt handles are signed by the deployment: a consumer cannot change one, make one up or bring one from elsewhere.
import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../lambda/core/errors.ts';
import type { MessageId } from '../../lambda/core/model.ts';
import { decodeReceiptHandle, decodeReceiptHandleOf, encodeReceiptHandle } from '../../lambda/core/receipt-handle.ts';
import { memoryFerry } from './core/memory-ferry.ts';

const key = randomBytes(32);
const handle = {
  queueHandle: 'AQEB+/=abc',
  messageId: '01JDQ4Z5H7Y2M8K9N0P1R2S3T4' as MessageId,
  topic: 'orders',
  deliveryAttempt: 3,
  messageGroup: 'order-42',
};

function refusal(
  encoded: string,
  withKey: { key: Uint8Array | undefined } = { key },
): { code: string; status: number } {
  try {
    decodeReceiptHandle(encoded, withKey.key);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return { code: (error as ValidationError).code, status: (error as ValidationError).status };
  }
  throw new Error('the handle was accepted');
}

describe('receipt handle', () => {
  it('carries the queue handle and what the trace needs, and comes back unchanged', () => {
    expect(decodeReceiptHandle(encodeReceiptHandle(handle, key), key)).toEqual(handle);
    const { messageGroup: _group, ...withoutGroup } = handle;
    expect(decodeReceiptHandle(encodeReceiptHandle(withoutGroup, key), key)).toEqual(withoutGroup);
  });

  it('names the group whose receive issued it: another group refuses it, and a handle from before groups were named passes', () => {
    const encoded = encodeReceiptHandle({ ...handle, group: 'billing' }, key);
    expect(decodeReceiptHandleOf('billing', encoded, key)).toEqual({ ...handle, group: 'billing' });
    expect(() => decodeReceiptHandleOf('audit', encoded, key)).toThrow(
      expect.objectContaining({ status: 400, code: 'RECEIPT_HANDLE_OTHER_GROUP' }),
    );
    // As handles were signed before 2026-12-03: five fields.
    const payload = Buffer.from(JSON.stringify(['AQEB', handle.messageId, 'orders', 1, null])).toString('base64url');
    const older = `${payload}.${createHmac('sha256', key).update(payload).digest('base64url')}`;
    expect(decodeReceiptHandleOf('audit', older, key)).toEqual({
      queueHandle: 'AQEB',
      messageId: handle.messageId,
      topic: 'orders',
      deliveryAttempt: 1,
    });
  });

  it('an acknowledgement through another group than the one that received is refused, and acknowledges nothing', async () => {
    const ferry = memoryFerry();
    await ferry.admin.putTopic('orders', { messageType: 'NORMAL' });
    await ferry.admin.putGroup('billing', { subscriptions: [{ topic: 'orders' }] });
    await ferry.admin.putGroup('audit', { subscriptions: [{ topic: 'orders' }] });
    const { messageId } = await ferry.publisher.publish('orders', { body: 'order 42' });
    await ferry.dispatcher.dispatch([await ferry.message(messageId as MessageId)]);
    const [received] = await ferry.consumer.receive('billing', { maxMessages: 1, invisibleSeconds: 5 });
    await expect(ferry.consumer.ack('audit', [received!.receiptHandle])).rejects.toMatchObject({
      code: 'RECEIPT_HANDLE_OTHER_GROUP',
    });
    await expect(ferry.consumer.nack('audit', received!.receiptHandle)).rejects.toMatchObject({
      code: 'RECEIPT_HANDLE_OTHER_GROUP',
    });
    expect(await ferry.consumer.ack('billing', [received!.receiptHandle])).toEqual({ acked: 1, failed: [] });
  });

  it('refuses a handle whose fields were changed, even with its signature kept, as a 400', () => {
    const [, signature] = encodeReceiptHandle(handle, key).split('.');
    const otherMessage = encodeReceiptHandle({ ...handle, messageId: '01JDQ4Z5H7Y2M8K9N0P1R2S3T5' as MessageId }, key);
    const forged = `${otherMessage.split('.')[0]}.${signature}`;
    expect(refusal(forged)).toEqual({ code: 'RECEIPT_HANDLE_SIGNATURE_MISMATCH', status: 400 });
  });

  it('refuses a handle signed with another key (another deployment, or made up)', () => {
    const elsewhere = encodeReceiptHandle(handle, randomBytes(32));
    expect(refusal(elsewhere)).toEqual({ code: 'RECEIPT_HANDLE_SIGNATURE_MISMATCH', status: 400 });
  });

  it('refuses every handle while the deployment has no key (it never signed one)', () => {
    expect(refusal(encodeReceiptHandle(handle, key), { key: undefined })).toEqual({
      code: 'RECEIPT_HANDLE_SIGNATURE_MISMATCH',
      status: 400,
    });
  });

  it('refuses an unsigned handle of the older format, and malformed ones, as INVALID_RECEIPT_HANDLE', () => {
    const unsigned = Buffer.from(JSON.stringify(['AQEB', handle.messageId, 'orders', 1, null])).toString('base64url');
    for (const malformed of [unsigned, 'forged', '', 'a.b.c', `${unsigned}.`]) {
      expect(refusal(malformed).status).toBe(400);
    }
    expect(refusal(unsigned).code).toBe('INVALID_RECEIPT_HANDLE');
  });

  it('refuses well-signed fields that are not a receipt handle as INVALID_RECEIPT_HANDLE', async () => {
    for (const fields of ['{"a":1}', '[1,2,3,4,5]', 'not json']) {
      const payload = Buffer.from(fields).toString('base64url');
      const signed = `${payload}.${createHmac('sha256', key).update(payload).digest('base64url')}`;
      expect(refusal(signed)).toEqual({ code: 'INVALID_RECEIPT_HANDLE', status: 400 });
    }
  });
});
