// Queues no group can take over: every queue Ferry creates is tagged as its own, and a queue of a group's name that
// is not (someone else's, or another Ferry's) is refused with a 409 instead of being adopted. On fauxqs, which keeps
// an existing queue's tags on CreateQueue as SQS does (docs/engine-notes.md).
import { CreateQueueCommand, DeleteQueueCommand, ListQueueTagsCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ports } from '../../lambda/core/ports.ts';
import { queueTags } from '../../lambda/core/names.ts';
import { drain, request, startTestStack, type TestStack } from './harness.ts';

let stack: TestStack;
let ports: Ports;
let sqs: SQSClient;
let prefix: string;

beforeAll(async () => {
  stack = await startTestStack({
    env: { FERRY_STACK_NAME: 'Owner' },
    adjustPorts: (given) => (ports = given),
  });
  prefix = stack.services.config.queuePrefix;
  sqs = new SQSClient({
    endpoint: stack.sqsEndpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await stack.client.putTopic('orders', 'NORMAL');
});
afterAll(async () => {
  sqs.destroy();
  await stack.stop();
});

const subscribed = { subscriptions: [{ topic: 'orders' }] };

async function tagsOf(queueUrl: string): Promise<Record<string, string> | undefined> {
  return (await sqs.send(new ListQueueTagsCommand({ QueueUrl: queueUrl }))).Tags;
}

async function createForeignQueue(name: string, tags?: Record<string, string>): Promise<string> {
  const { QueueUrl } = await sqs.send(
    new CreateQueueCommand({ QueueName: name, ...(tags === undefined ? {} : { tags }) }),
  );
  return QueueUrl!;
}

describe('queue ownership', () => {
  it("tags both queues of a group with this Ferry's stack, the group and the role", async () => {
    const group = await stack.client.putGroup('billing', subscribed.subscriptions);
    expect(await tagsOf(group.queueUrl)).toEqual(queueTags('Owner', 'billing', 'main'));
    expect(await tagsOf(group.deadLetterQueueUrl)).toEqual(queueTags('Owner', 'billing', 'dlq'));
  });

  it("gives groups 'audit' and 'audit-dlq' four different queues", async () => {
    const audit = await stack.client.putGroup('audit', subscribed.subscriptions);
    const auditDlq = await stack.client.putGroup('audit-dlq', subscribed.subscriptions);
    const urls = [audit.queueUrl, audit.deadLetterQueueUrl, auditDlq.queueUrl, auditDlq.deadLetterQueueUrl];
    expect(new Set(urls).size).toBe(4);
  });

  it('refuses (409 QUEUE_NOT_FERRYS) a group whose queue name an untagged queue holds, and stores no group', async () => {
    const foreign = await createForeignQueue(`${prefix}q-payments`);
    const { status, json } = await request(stack, 'PUT', '/v1/groups/payments', subscribed);
    expect(status).toBe(409);
    expect(json).toMatchObject({ error: { code: 'QUEUE_NOT_FERRYS' } });
    expect((json as { error: { message: string } }).error.message).toContain(`'${prefix}q-payments'`);
    expect((await request(stack, 'GET', '/v1/groups/payments')).status).toBe(404);
    // Untouched: no tags (the SDK answers an empty map or none, depending on its version).
    expect((await tagsOf(foreign)) ?? {}).toEqual({});
  });

  it("refuses a dead-letter queue that another Ferry's stack tagged, even for the same group name", async () => {
    await createForeignQueue(`${prefix}d-refunds`, queueTags('OtherStack', 'refunds', 'dlq'));
    const { status, json } = await request(stack, 'PUT', '/v1/groups/refunds', subscribed);
    expect(status).toBe(409);
    expect(json).toMatchObject({ error: { code: 'QUEUE_NOT_FERRYS' } });
  });

  it("refuses a queue tagged for another role or group of this Ferry's stack", async () => {
    await createForeignQueue(`${prefix}q-invoices`, queueTags('Owner', 'invoices', 'dlq'));
    expect((await request(stack, 'PUT', '/v1/groups/invoices', subscribed)).status).toBe(409);
    await createForeignQueue(`${prefix}q-ledger`, queueTags('Owner', 'other', 'main'));
    expect((await request(stack, 'PUT', '/v1/groups/ledger', subscribed)).status).toBe(409);
  });

  it("adopts queues that carry this Ferry's tags for the group (a PUT that stopped half way)", async () => {
    await createForeignQueue(`${prefix}d-shipping`, queueTags('Owner', 'shipping', 'dlq'));
    await createForeignQueue(`${prefix}q-shipping`, queueTags('Owner', 'shipping', 'main'));
    const group = await stack.client.putGroup('shipping', subscribed.subscriptions);
    expect(group.queueUrl).toMatch(new RegExp(`/${prefix}q-shipping$`));
    expect(group.deadLetterQueueUrl).toMatch(new RegExp(`/${prefix}d-shipping$`));
  });

  it('keeps the queues of a group created under the old names when the group is updated, and tags them', async () => {
    const legacyQueue = (await sqs.send(new CreateQueueCommand({ QueueName: `${prefix}legacy` }))).QueueUrl!;
    const legacyDlq = (await sqs.send(new CreateQueueCommand({ QueueName: `${prefix}legacy-dlq` }))).QueueUrl!;
    const now = new Date().toISOString();
    await ports.catalog.putGroup(
      {
        name: 'legacy',
        subscriptions: [{ topic: 'orders' }],
        maxDeliveryAttempts: 16,
        fifo: false,
        queueUrl: legacyQueue,
        deadLetterQueueUrl: legacyDlq,
        createdAt: now,
        updatedAt: now,
      },
      undefined,
    );
    const updated = await stack.client.putGroup('legacy', subscribed.subscriptions, 5);
    expect([updated.queueUrl, updated.deadLetterQueueUrl]).toEqual([legacyQueue, legacyDlq]);
    expect(await tagsOf(legacyQueue)).toEqual(queueTags('Owner', 'legacy', 'main'));
    expect(await tagsOf(legacyDlq)).toEqual(queueTags('Owner', 'legacy', 'dlq'));
  });

  it('creates again the queues of a group that were deleted outside Ferry, when the group is PUT again', async () => {
    const group = await stack.client.putGroup('mended', subscribed.subscriptions);
    await sqs.send(new DeleteQueueCommand({ QueueUrl: group.queueUrl }));
    await sqs.send(new DeleteQueueCommand({ QueueUrl: group.deadLetterQueueUrl }));
    const gone = await request(stack, 'POST', '/v1/groups/mended/receive', { waitSeconds: 0 });
    expect(gone).toMatchObject({ status: 404, json: { error: { code: 'GROUP_NOT_FOUND' } } });

    const again = await request(stack, 'PUT', '/v1/groups/mended', subscribed);
    expect(again.status).toBe(200);
    expect(await tagsOf((again.json as { queueUrl: string }).queueUrl)).toEqual(queueTags('Owner', 'mended', 'main'));
    await stack.client.publish('orders', { body: 'after the mend' });
    expect((await drain(stack, 'mended', 1, 10_000)).map((message) => message.body)).toEqual(['after the mend']);
  });
});
