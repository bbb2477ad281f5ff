import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../lambda/core/errors.ts';
import type { MessageId } from '../../lambda/core/model.ts';
import { decodeReceiptHandle, encodeReceiptHandle } from '../../lambda/core/receipt-handle.ts';

describe('receipt handle', () => {
  it('carries the queue handle and what the trace needs, and comes back unchanged', () => {
    const handle = {
      queueHandle: 'AQEB+/=abc',
      messageId: '01JDQ4Z5H7Y2M8K9N0P1R2S3T4' as MessageId,
      topic: 'orders',
      deliveryAttempt: 3,
      messageGroup: 'order-42',
    };
    expect(decodeReceiptHandle(encodeReceiptHandle(handle))).toEqual(handle);
    const { messageGroup: _group, ...withoutGroup } = handle;
    expect(decodeReceiptHandle(encodeReceiptHandle(withoutGroup))).toEqual(withoutGroup);
  });

  it('refuses a handle Ferry did not issue with a 400 that says so', () => {
    for (const forged of [
      'forged',
      Buffer.from('{"a":1}').toString('base64url'),
      Buffer.from('[1,2,3,4,5]').toString('base64url'),
    ]) {
      expect(() => decodeReceiptHandle(forged)).toThrow(ValidationError);
    }
  });
});
