// In AWS mode (FERRY_ENDPOINT_POLICY=public) a check URL aimed inward is refused at PUT; and on any stack a forged,
// altered or older unsigned receipt handle is a 400 on ack, nack and visibility that changes nothing in the trace.
import { createHmac } from 'node:crypto';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClients } from '../../lambda/aws/clients.ts';
import { dynamoReceiptKeys } from '../../lambda/aws/dynamo-receipt-key.ts';
import { ensureTable } from '../../lambda/local/table.ts';
import { request, startTestStack, type TestStack } from './harness.ts';

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack({ env: { FERRY_ENDPOINT_POLICY: 'public' } });
  await stack.client.putTopic('orders', 'NORMAL');
  await stack.client.putGroup('billing', [{ topic: 'orders' }]);
});
afterAll(async () => {
  await stack?.stop();
});

describe('a check URL in AWS mode', () => {
  it.each([
    ['http on loopback (allowed only locally)', 'http://127.0.0.1:8080/check', /https/],
    ['loopback', 'https://127.0.0.1/check', /loopback/],
    ['localhost', 'https://localhost/check', /loopback/],
    ['IPv6 loopback', 'https://[::1]/check', /loopback/],
    ['the instance metadata address', 'https://169.254.169.254/latest/meta-data/', /link-local/],
    ['a private address', 'https://10.0.0.5/check', /private/],
    ['a private IPv6 address', 'https://[fd00:ec2::254]/check', /private/],
    ['a carrier-grade NAT address', 'https://100.64.1.1/check', /100\.64\.0\.0\/10/],
    ['0.0.0.0', 'https://0.0.0.0/check', /unspecified/],
  ])('is refused at PUT when it is %s: a 400 naming the rule, and nothing stored', async (_name, checkUrl, why) => {
    const answer = await request(stack, 'PUT', '/v1/producer-groups/inward', { checkUrl });
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({
      error: { code: 'INVALID_CHECK_URL', message: expect.stringMatching(why) as string },
    });
    expect((await request(stack, 'GET', '/v1/producer-groups/inward')).status).toBe(404);
  });

  it('is taken when it is https on a public address', async () => {
    const answer = await request(stack, 'PUT', '/v1/producer-groups/outward', {
      checkUrl: 'https://93.184.215.14/check',
    });
    expect(answer.status).toBe(200);
  });
});

/** The handle with the trace fields of another message, its signature kept. */
function withOtherMessageId(handle: string, messageId: string): string {
  const [payload, signature] = handle.split('.');
  const fields = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')) as unknown[];
  fields[1] = messageId;
  return `${Buffer.from(JSON.stringify(fields)).toString('base64url')}.${signature}`;
}

describe('a forged receipt handle', () => {
  it('is a 400 on ack, nack and visibility, and nothing changes in either trace', async () => {
    const first = await stack.client.publish('orders', { body: 'order 1' });
    const second = await stack.client.publish('orders', { body: 'order 2' });
    await stack.dispatched();
    const received = await stack.client.receive('billing', { maxMessages: 10, waitSeconds: 2, invisibleSeconds: 60 });
    expect(received).toHaveLength(2);
    const mine = received.find((message) => message.messageId === first.messageId)!;
    const forged = withOtherMessageId(mine.receiptHandle, second.messageId);
    const unsigned = mine.receiptHandle.split('.')[0]!;
    const before = await Promise.all(
      [first, second].map(async (m) => (await stack.client.getMessage(m.messageId)).events),
    );

    for (const [handle, code] of [
      [forged, 'RECEIPT_HANDLE_SIGNATURE_MISMATCH'],
      [unsigned, 'INVALID_RECEIPT_HANDLE'],
      ['not-a-handle', 'INVALID_RECEIPT_HANDLE'],
    ] as const) {
      const attempts = [
        request(stack, 'POST', '/v1/groups/billing/ack', { receiptHandles: [mine.receiptHandle, handle] }),
        request(stack, 'POST', '/v1/groups/billing/nack', { receiptHandle: handle, retryAfterSeconds: 0 }),
        request(stack, 'POST', '/v1/groups/billing/visibility', { receiptHandle: handle, invisibleSeconds: 0 }),
      ];
      for (const answer of await Promise.all(attempts)) {
        expect(answer).toEqual({ status: 400, json: { error: { code, message: expect.any(String) as string } } });
      }
    }
    const after = await Promise.all(
      [first, second].map(async (m) => (await stack.client.getMessage(m.messageId)).events),
    );
    expect(after).toEqual(before);
    expect(after.flat().map((event) => event.type)).not.toContain('ACKED');

    // The real handles still work: the refused calls acknowledged nothing, not even the good handle beside the forged one.
    expect(
      await stack.client.ack(
        'billing',
        received.map((message) => message.receiptHandle),
      ),
    ).toEqual({
      acked: 2,
      failed: [],
    });
    expect((await stack.client.getMessage(first.messageId)).events.map((event) => event.type)).toContain('ACKED');
  });
});

describe('a receipt handle', () => {
  it('is signed with the one key the table holds, which racing instances create once and agree on', async () => {
    const clients = createClients({
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: stack.dynamoDbEndpoint,
    });
    await stack.client.publish('orders', { body: 'order 3' });
    await stack.dispatched();
    const [message] = await stack.client.receive('billing', { waitSeconds: 2 });
    const [payload, signature] = message!.receiptHandle.split('.');
    const key = (await dynamoReceiptKeys(clients.documents, stack.tableName).verifyingKey())!;
    expect(createHmac('sha256', key).update(payload!).digest('base64url')).toBe(signature);
    await stack.client.ack('billing', [message!.receiptHandle]);

    // A table without a key yet: three cold starts at once write one key between them.
    const fresh = `${stack.tableName}-keys`;
    await ensureTable(clients.dynamoDb, fresh);
    const instances = [1, 2, 3].map(() => dynamoReceiptKeys(clients.documents, fresh));
    expect(await instances[0]!.verifyingKey()).toBeUndefined(); // checking a handle creates no key
    const keys = await Promise.all(instances.map((instance) => instance.signingKey()));
    expect(keys[0]).toHaveLength(32);
    expect(new Set(keys.map((one) => Buffer.from(one).toString('hex'))).size).toBe(1);
    await clients.dynamoDb.send(new DeleteTableCommand({ TableName: fresh }));
  });
});
