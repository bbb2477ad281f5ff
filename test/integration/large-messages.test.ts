// Bodies up to 4 MiB: kept in S3 (fauxqs) when too large for the message's item, delivered and traced whole.
import { createHash, randomBytes } from 'node:crypto';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueuedMessage, ReceivedMessage } from '../../client/index.ts';
import { request, startTestStack, type TestStack } from './harness.ts';

const MiB = 1024 * 1024;
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
/** Text of exactly `bytes` UTF-8 bytes, different every time (base64 of random bytes, with a multi-byte tail). */
function bodyOf(bytes: number): string {
  const tail = 'é✓';
  const text =
    randomBytes(Math.ceil(bytes / 4) * 3)
      .toString('base64')
      .slice(0, bytes - 5) + tail;
  expect(Buffer.byteLength(text, 'utf8')).toBe(bytes);
  return text;
}

let stack: TestStack;

/** Receives and acknowledges until `count` messages came (one call at a time, so that none is given back for room). */
async function receiveAll(group: string, count: number): Promise<ReceivedMessage[]> {
  const received: ReceivedMessage[] = [];
  for (let calls = 0; received.length < count && calls < 20; calls++) {
    const batch = await stack.client.receive(group, { maxMessages: 10, waitSeconds: 2 });
    if (batch.length > 0)
      await stack.client.ack(
        group,
        batch.map((message) => message.receiptHandle),
      );
    received.push(...batch);
  }
  return received;
}

beforeAll(async () => {
  stack = await startTestStack();
  await stack.client.putTopic('uploads', 'NORMAL');
  await stack.client.putTopic('order-docs', 'FIFO');
});
afterAll(async () => {
  await stack?.stop();
});

describe('large messages', () => {
  it('a 4 MiB body is published, received and traced intact (sha256)', async () => {
    await stack.client.putGroup('archive', [{ topic: 'uploads' }]);
    const body = bodyOf(4 * MiB);
    const { messageId } = await stack.client.publish('uploads', { body, tag: 'scan', properties: { pages: '12' } });

    const [received] = await receiveAll('archive', 1);
    expect(received).toMatchObject({ messageId, tag: 'scan', properties: { pages: '12' }, deliveryAttempt: 1 });
    expect(received).not.toHaveProperty('bodyRef');
    expect(sha256(received!.body)).toBe(sha256(body));

    const view = await stack.client.getMessage(messageId);
    expect(sha256(view.message.body)).toBe(sha256(body));
    expect(view.events.map((event) => event.type)).toEqual(
      expect.arrayContaining(['PUBLISHED', 'DISPATCHED', 'RECEIVED', 'ACKED']),
    );
  });

  it('a body of 4 MiB + 1 byte is a 413 that names the limit, and nothing is stored', async () => {
    await stack.client.putGroup('too-big', [{ topic: 'uploads' }]);
    const answer = await request(stack, 'POST', '/v1/topics/uploads/messages', { body: 'x'.repeat(4 * MiB + 1) });
    expect(answer.status).toBe(413);
    expect(answer.json).toEqual({
      error: {
        code: 'PAYLOAD_TOO_LARGE',
        message: 'body is 4194305 bytes; the limit is 4194304 bytes (FERRY_MAX_BODY_BYTES)',
      },
    });
    await stack.dispatched();
    expect(await stack.client.receive('too-big', { maxMessages: 10 })).toEqual([]);
  });

  it('a batch mixing small and large bodies delivers each whole, fewer per receive when they are big', async () => {
    await stack.client.putGroup('mixed', [{ topic: 'uploads' }]);
    const bodies = ['small one', bodyOf(2 * MiB), 'small two', bodyOf(2 * MiB)];
    const { results } = await stack.client.publishBatch(
      'uploads',
      bodies.map((body) => ({ body })),
    );
    expect(results.every((result) => 'messageId' in result)).toBe(true);
    const third = bodyOf(2 * MiB);
    await stack.client.publish('uploads', { body: third });
    await stack.dispatched();

    // Three 2 MiB bodies cannot share one answer (5 MiB at most, under Lambda's 6 MB): the rest stays queued.
    const first = await stack.client.receive('mixed', { maxMessages: 10, waitSeconds: 5 });
    expect(first.length).toBeGreaterThan(0);
    expect(first.filter((message) => message.body.length >= 2 * MiB - 8).length).toBeLessThanOrEqual(2);
    await stack.client.ack(
      'mixed',
      first.map((message) => message.receiptHandle),
    );
    const rest = await receiveAll('mixed', 5 - first.length);
    expect([...first, ...rest].map((message) => sha256(message.body)).sort()).toEqual(
      [...bodies, third].map(sha256).sort(),
    );
  });

  it('a FIFO message group keeps its order through large and small bodies', async () => {
    await stack.client.putGroup('doc-readers', [{ topic: 'order-docs' }]);
    // Past DynamoDB's 400 KB item: kept in S3.
    const bodies = ['created', bodyOf(512 * 1024), 'paid', bodyOf(600 * 1024), 'shipped'];
    for (const body of bodies) await stack.client.publish('order-docs', { body, messageGroup: 'order-42' });
    const received = await receiveAll('doc-readers', bodies.length);
    expect(received.map((message) => sha256(message.body))).toEqual(bodies.map(sha256));
  });

  it("a consumer reading the group's SQS queue directly gets the reference, and S3 GetObject of it is the body", async () => {
    const group = await stack.client.putGroup('direct', [{ topic: 'uploads' }]);
    const body = bodyOf(512 * 1024);
    const { messageId } = await stack.client.publish('uploads', { body });
    await stack.dispatched();
    const sqs = new SQSClient({ endpoint: stack.sqsEndpoint });
    const s3 = new S3Client({ endpoint: stack.sqsEndpoint, forcePathStyle: true });
    try {
      const { Messages } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: group.queueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 5 }),
      );
      const queued = JSON.parse(Messages![0]!.Body!) as QueuedMessage;
      expect(queued).toMatchObject({ messageId, bodyRef: { bytes: 512 * 1024 } });
      expect(queued).not.toHaveProperty('body');
      const object = await s3.send(new GetObjectCommand({ Bucket: queued.bodyRef!.bucket, Key: queued.bodyRef!.key }));
      expect(sha256(await object.Body!.transformToString('utf-8'))).toBe(sha256(body));
    } finally {
      sqs.destroy();
      s3.destroy();
    }
  });
});
