import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { itemBytes } from '../../lambda/aws/item-size.ts';
import { fromMessageItem, toMessageItem, toStoredMessageItem } from '../../lambda/aws/message-items.ts';
import { toLambdaRecord } from '../../lambda/aws/stream-records.ts';
import type { Dispatcher } from '../../lambda/core/dispatch.ts';
import { createDispatchHandler } from '../../lambda/handlers/dispatch-stream-batch.ts';
import { newMessageId } from '../../lambda/core/ids.ts';
import type { Message } from '../../lambda/core/model.ts';
import { TimerWheel } from '../../lambda/core/timers.ts';

const wheel = new TimerWheel(60, 8);
const now = Date.UTC(2026, 11, 2, 12);

const message = (body: string): Message => ({
  messageId: newMessageId(now),
  topic: 'orders',
  topicType: 'NORMAL',
  state: 'READY',
  body,
  keys: ['order-100042'],
  properties: { region: 'eu' },
  bornAt: now,
  expiresAt: Math.ceil(now / 1000) + 3600,
});

/** A 1 KB order as a shop would publish it: JSON, with some non-ASCII text. */
const ORDER = JSON.stringify({
  orderId: 'ord-100042',
  customer: { id: 'cus-7042', name: 'Zoé Müller', email: 'zoe.mueller@example.com', tier: 'gold' },
  currency: 'EUR',
  createdAt: '2026-12-02T12:00:00.000Z',
  lines: Array.from({ length: 12 }, (_, line) => ({
    sku: `SKU-${1000 + line * 137}`,
    title: ['Blue cotton t-shirt', 'Running shoes', 'Coffee beans 1 kg', 'Wireless mouse'][line % 4],
    quantity: 1 + (line % 3),
    unitPrice: 9.99 + line,
  })),
  shipping: { method: 'express', city: 'Paris', country: 'FR' },
});

/** Printable ASCII drawn at random: deflate takes off little more than a sixth. */
function randomText(bytes: number): string {
  let seed = 42;
  return Array.from({ length: bytes }, () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return String.fromCharCode(33 + ((seed >>> 16) % 94));
  }).join('');
}

describe('message items: bodies stored deflated when that pays', () => {
  it('stores a 1 KB JSON order deflated, in one DynamoDB write unit instead of two, and reads it back exactly', () => {
    expect(Buffer.byteLength(ORDER)).toBeGreaterThan(1024);
    const order = message(ORDER);
    const plain = toMessageItem(order, wheel);
    const stored = toStoredMessageItem(order, wheel);
    expect(stored.body).toBeUndefined();
    expect(stored.bodyDeflated).toBeInstanceOf(Uint8Array);
    // A write unit is 1 KB of item (DynamoDB developer guide, "Read/write capacity units").
    expect(itemBytes(plain)).toBeGreaterThan(1024);
    expect(itemBytes(stored)).toBeLessThanOrEqual(1024);
    expect(fromMessageItem(stored)).toEqual(order);
  });

  it('reads a deflated body back from an item as the SDK reads it (bytes)', () => {
    const original = message(ORDER);
    const read = unmarshall(marshall(toStoredMessageItem(original, wheel), { removeUndefinedValues: true }));
    expect(read.bodyDeflated).toBeInstanceOf(Uint8Array);
    expect(fromMessageItem(read)).toEqual(original);
  });

  it('reads a deflated body back from a stream record as Lambda hands it on (base64 text), as the dispatcher does', async () => {
    const original = message(ORDER);
    const image = marshall(toStoredMessageItem(original, wheel), { removeUndefinedValues: true });
    const record = toLambdaRecord({ eventName: 'INSERT', dynamodb: { NewImage: image, SequenceNumber: '1' } }, 'arn');
    // The Lambda event is JSON: binary values come base64-encoded (AWS Lambda developer guide, DynamoDB event example).
    expect(typeof record.dynamodb?.NewImage?.bodyDeflated?.B).toBe('string');
    const dispatched: Message[] = [];
    const dispatcher = { dispatch: async (messages: Message[]) => (dispatched.push(...messages), {}) };
    await createDispatchHandler(dispatcher as unknown as Dispatcher)({ Records: [JSON.parse(JSON.stringify(record))] });
    expect(dispatched).toEqual([original]);
  });

  it('keeps a body under 512 bytes as plain text', () => {
    for (const body of ['order 42 created', 'x'.repeat(511), 'é'.repeat(255)]) {
      const stored = toStoredMessageItem(message(body), wheel);
      expect(stored.body).toBe(body);
      expect(stored.bodyDeflated).toBeUndefined();
      expect(fromMessageItem(stored).body).toBe(body);
    }
  });

  it('reads back every body exactly, whatever deflate makes of it', () => {
    for (const body of ['x'.repeat(512), randomText(2048), '🚚 colis expédié '.repeat(100), 'AAEC'.repeat(300)]) {
      const original = message(body);
      expect(fromMessageItem(toStoredMessageItem(original, wheel))).toEqual(original);
    }
  });

  it('reads items written before bodies were deflated', () => {
    const order = message(ORDER);
    expect(fromMessageItem(toMessageItem(order, wheel))).toEqual(order);
  });
});
