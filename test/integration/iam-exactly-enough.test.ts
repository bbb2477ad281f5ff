// IAM that is exactly enough, proven both ways: every AWS call each function makes while every route and every
// background path runs is allowed by its role in the synthesized template, and every action its role allows was called.
import { randomBytes } from 'node:crypto';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import { DeleteObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startCheckEndpoint, type CheckEndpoint } from '../support/check-endpoint.ts';
import { permissionsOf, type FunctionName, type Permission } from './iam/aws-calls.ts';
import { startDeployedFunctions, type DeployedFunctions } from './iam/deployed-functions.ts';
import { templateGrants, type TemplateGrants } from './iam/template-grants.ts';
import { startPushEndpoint, type PushEndpoint } from './push-endpoint.ts';

/** Routes that cannot answer 2xx from the API as deployed in AWS, each with why. */
const NOT_2XX_IN_AWS: Record<string, string> = {
  'GET /v1/metrics':
    "Lambda keeps no counters across invocations: the API answers 404 METRICS_NOT_KEPT by design (Ferry's metrics are in CloudWatch); only the local stack serves it",
};

/** Why the dispatch code's rarest calls are not in the run: it takes them only after a second failure or a refusal. */
const DISPATCH_FAILURE_PATHS: Record<string, string> = {
  'dynamodb:UpdateItem':
    'the dispatch code (lambda/core/dispatch.ts) updates an item only when a FIFO message joins a hold from another call, when a hold passes to the next failed message, or when every queue refused a message for good (UNDELIVERABLE); the run holds and releases a group (PutItem, DeleteItem), but the first needs a failure left standing across calls and the last a refusal fauxqs never makes',
  'dynamodb:GetItem':
    'the dispatch code reads a group from the catalog only when its queue seems missing (QueueDoesNotExist), to tell a deleted group from a lost queue; only deleting the queue behind Ferry would reach it, and the send would then be retried without end',
};

/**
 * Grants the local run cannot reach, each with why: what Lambda itself does with the function's role around the code
 * (no handler calls it, and no local engine plays that part of Lambda), and calls that only a failure the engines do
 * not produce takes.
 */
const NOT_REACHABLE_LOCALLY: Array<{ fn: FunctionName; action: string; resource: string; why: string }> = [
  ...(['dispatcherFunction', 'streamRedriveFunction', 'tickFunction'] as const).flatMap((fn) =>
    Object.entries(DISPATCH_FAILURE_PATHS)
      // The tick reads its own state with GetItem on every run.
      .filter(([action]) => !(fn === 'tickFunction' && action === 'dynamodb:GetItem'))
      .map(([action, why]) => ({ fn, action, resource: 'table', why })),
  ),
  {
    fn: 'tickShardFunction',
    action: 'dynamodb:BatchWriteItem',
    resource: 'table',
    why: 'a hand-on that loses its conditional update to another tick removes the outbox entry it wrote (DynamoMessageStore.transition): only two ticks racing for one message reach it',
  },
  {
    fn: 'dispatcherFunction',
    action: 'dynamodb:ListStreams',
    resource: '*',
    why: "Lambda's DynamoDB event source mapping may list the table's streams (CDK's grantStreamRead grants it, on * as IAM requires); the local poller is given the stream ARN",
  },
  ...['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'].map((action) => ({
    fn: 'dispatcherFunction' as const,
    action,
    resource: 'queue:stream-failures',
    why: "Lambda's on-failure destination: Lambda records a stream batch the dispatcher gave up on, with the dispatcher's role; the local poller retries without end and gives up on nothing",
  })),
  ...[
    'sqs:ReceiveMessage',
    'sqs:DeleteMessage',
    'sqs:ChangeMessageVisibility',
    'sqs:GetQueueAttributes',
    'sqs:GetQueueUrl',
  ].map((action) => ({
    fn: 'streamRedriveFunction' as const,
    action,
    resource: 'queue:stream-failures',
    why: "Lambda's SQS event source mapping polls the stream failure queue with the redrive function's role; here the test hands the handler the event that mapping would",
  })),
];

NOT_REACHABLE_LOCALLY.push({
  fn: 'pusherFunction',
  action: 's3:ListBucket',
  resource: 'body-bucket',
  why: "S3 checks it only when a body is missing (its lifecycle rule expired it), so that the read answers 404, not 403; the API's run reaches that path, with the same S3BodyStore code the pusher uses",
});

const TIMERS = {
  FERRY_CATALOG_CACHE_SECONDS: '0',
  FERRY_DIRECT_DELAY_LIMIT_SECONDS: '2',
  FERRY_TIMER_LEAD_SECONDS: '1',
  // Minute buckets: the first tick reads the hour before (60 buckets), and so always finds buckets a minute behind
  // whose emptiness it checks (the byDueTime Query of the tick's own role). With hour buckets a run in the first
  // minute of an hour had none, and failed.
  FERRY_TIMER_BUCKET_SECONDS: '60',
  FERRY_TIMER_SHARDS: '2',
  FERRY_TXN_CHECK_FIRST_SECONDS: '0',
  FERRY_TXN_CHECK_INTERVAL_SECONDS: '1',
  FERRY_SWEEP_AFTER_SECONDS: '1',
  // The producer's check endpoint is on loopback (FERRY_ENDPOINT_POLICY is the signing branch's name for it).
  FERRY_ALLOW_HTTP_LOOPBACK: 'true',
  FERRY_ENDPOINT_POLICY: 'local',
};

let functions: DeployedFunctions;
let grants: TemplateGrants;
let checkEndpoint: CheckEndpoint;
let pushEndpoint: PushEndpoint;
/** Every request the API answered, by method and path. */
const answered: Array<{ method: string; path: string; status: number }> = [];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const key = (permission: Permission) => `${permission.action} on ${permission.resource}`;

/** A request that must succeed: the run is only evidence if each step did what it is there for. */
async function call(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const { status, json } = await functions.api(method, path, body);
  answered.push({ method, path, status });
  if (status >= 300) throw new Error(`${method} ${path} answered ${status}: ${JSON.stringify(json)}`);
  return (json ?? {}) as Record<string, unknown>;
}

async function stateOf(messageId: string): Promise<string> {
  return (await call('GET', `/v1/messages/${messageId}`)).state as string;
}

/** Runs the tick until the message has left `state` (scheduled messages fall due, transactions get checked). */
async function tickUntilNot(messageId: string, state: string): Promise<void> {
  for (let attempt = 0; attempt < 30 && (await stateOf(messageId)) === state; attempt++) {
    await functions.tick();
    await sleep(300);
  }
  expect(await stateOf(messageId)).not.toBe(state);
}

async function receive(group: string, count: number): Promise<Array<{ messageId: string; receiptHandle: string }>> {
  const received: Array<{ messageId: string; receiptHandle: string }> = [];
  for (let attempt = 0; attempt < 20 && received.length < count; attempt++) {
    const { messages } = await call('POST', `/v1/groups/${group}/receive`, { maxMessages: 10, waitSeconds: 1 });
    received.push(...(messages as typeof received));
  }
  expect(received.length).toBeGreaterThanOrEqual(count);
  return received;
}

/** The on-failure record Lambda would write for the stream batch holding these messages' writes. */
async function failureRecordFor(messageIds: string[]): Promise<SQSEvent> {
  const streams = new DynamoDBStreamsClient({ endpoint: inject('dynamoDbEndpoint') });
  const streamArn = functions.streamArn;
  const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
  for (const shard of StreamDescription?.Shards ?? []) {
    let { ShardIterator: iterator } = await streams.send(
      new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON' }),
    );
    const found: string[] = [];
    for (let page = 0; iterator && page < 100; page++) {
      const { Records, NextShardIterator } = await streams.send(new GetRecordsCommand({ ShardIterator: iterator }));
      for (const record of Records ?? [])
        if (messageIds.includes(record.dynamodb?.NewImage?.messageId?.S ?? ''))
          found.push(record.dynamodb!.SequenceNumber!);
      if ((Records ?? []).length === 0) break;
      iterator = NextShardIterator;
    }
    if (found.length > 0) {
      const info = {
        streamArn,
        shardId: shard.ShardId!,
        startSequenceNumber: found[0]!,
        endSequenceNumber: found.at(-1)!,
      };
      return { Records: [{ messageId: 'r1', body: JSON.stringify({ DDBStreamBatchInfo: info }) }] } as SQSEvent;
    }
  }
  throw new Error('the messages are not on the stream');
}

/** Every route of the API and every background path: what each function's role must allow, and nothing more. */
async function exerciseEverything(): Promise<void> {
  await functions.tick(); // the schedule's first run, before health can be green
  // Admin: topics of every type, groups (one with a filter, one that dead-letters at once), producer groups.
  for (const [topic, messageType] of [
    ['orders', 'NORMAL'],
    ['events', 'FIFO'],
    ['later', 'DELAY'],
    ['txns', 'TRANSACTION'],
    ['doomed', 'NORMAL'],
    ['hooks', 'NORMAL'],
    ['large', 'NORMAL'],
  ])
    await call('PUT', `/v1/topics/${topic}`, { messageType });
  await call('GET', '/v1/topics');
  await call('GET', '/v1/topics/orders');
  await call('PUT', '/v1/groups/billing', {
    subscriptions: [{ topic: 'orders', filter: { type: 'SQL92', expression: 'lane IS NULL' } }],
  });
  await call('PUT', '/v1/groups/fragile', { subscriptions: [{ topic: 'orders' }], maxDeliveryAttempts: 1 });
  await call('PUT', '/v1/groups/sequencer', { subscriptions: [{ topic: 'events' }] });
  await call('PUT', '/v1/groups/closer', { subscriptions: [{ topic: 'later' }] });
  await call('PUT', '/v1/groups/shipping', { subscriptions: [{ topic: 'txns' }] });
  await call('PUT', '/v1/groups/doomed-reader', { subscriptions: [{ topic: 'doomed' }] });
  await call('PUT', '/v1/groups/large-reader', { subscriptions: [{ topic: 'large' }] });
  await call('GET', '/v1/groups');
  await call('GET', '/v1/groups/billing');
  await call('PUT', '/v1/producer-groups/pusher', { checkUrl: checkEndpoint.url });
  await call('PUT', '/v1/producer-groups/puller', {});
  await call('GET', '/v1/producer-groups/pusher');
  await call('POST', '/v1/producer-groups/puller/secret', { graceSeconds: 60 });
  await call('GET', '/v1/health');
  await call('GET', '/v1/openapi.json');
  const metrics = await functions.api('GET', '/v1/metrics'); // in NOT_2XX_IN_AWS
  expect([metrics.status, (metrics.json as { error: { code: string } }).error.code]).toEqual([404, 'METRICS_NOT_KEPT']);
  await call('POST', '/v1/topics/orders/filter-preview', {
    filter: { type: 'SQL92', expression: 'lane IS NULL' },
    messages: [{ messageId: 'm1', properties: {} }],
  });

  // Publish: one, with a dedupKey (a transaction with its key), and a batch; found by id, by key and by time.
  const start = new Date().toISOString();
  const order = { body: 'order 1', dedupKey: 'o-1', keys: ['o-1'] };
  const { messageId: first } = await call('POST', '/v1/topics/orders/messages', order);
  await call('POST', '/v1/topics/orders/messages', order);
  await call('POST', '/v1/topics/orders/messages/batch', { messages: [{ body: 'order 2' }, { body: 'order 3' }] });
  await call('GET', `/v1/messages/${first as string}`);
  expect((await call('GET', '/v1/topics/orders/messages?key=o-1')).messages).toHaveLength(1);
  const byTime = await call('GET', `/v1/topics/orders/messages?from=${start}&to=${new Date().toISOString()}`);
  expect(byTime.messages).toHaveLength(3);

  // FIFO: the dispatcher's first send to a FIFO queue fails, so the message group is held and then released.
  functions.recorder.failOnce({
    fn: 'dispatcherFunction',
    operation: 'SendMessageBatch',
    when: (input) => String(input.QueueUrl).endsWith('.fifo'),
  });
  await call('POST', '/v1/topics/events/messages', { body: 'created', messageGroup: 'order-9' });
  await call('POST', '/v1/topics/events/messages', { body: 'paid', messageGroup: 'order-9' });
  await functions.dispatched();
  const [fifoMessage] = await receive('sequencer', 1);
  await call('GET', `/v1/messages/${fifoMessage!.messageId}`); // found through the byMessageId index

  // Consume: receive, ack, visibility, nack; a group whose message goes to its dead-letter queue, listed and redriven.
  await functions.dispatched();
  const billed = await receive('billing', 3);
  await call('POST', '/v1/groups/billing/visibility', {
    receiptHandle: billed[0]!.receiptHandle,
    invisibleSeconds: 60,
  });
  await call('POST', '/v1/groups/billing/ack', { receiptHandles: billed.slice(1).map((m) => m.receiptHandle) });
  await call('POST', '/v1/groups/billing/nack', { receiptHandle: billed[0]!.receiptHandle, retryAfterSeconds: 0 });
  for (const message of await receive('fragile', 3))
    await call('POST', '/v1/groups/fragile/nack', { receiptHandle: message.receiptHandle, retryAfterSeconds: 0 });
  let deadLetters: unknown[] = [];
  for (let attempt = 0; attempt < 20 && deadLetters.length === 0; attempt++) {
    await call('POST', '/v1/groups/fragile/receive', { maxMessages: 10, waitSeconds: 0 });
    deadLetters = (await call('GET', '/v1/groups/fragile/dead-letters')).messages as unknown[];
  }
  expect(deadLetters.length).toBeGreaterThan(0);
  expect((await call('POST', '/v1/groups/fragile/dead-letters/redrive')).redriven).toBeGreaterThan(0);

  // Scheduled: one within the direct limit, one that waits for the tick (handed on by a shard), two cancelled.
  await call('POST', '/v1/topics/later/messages', { body: 'soon', delaySeconds: 1 });
  const { messageId: waiting } = await call('POST', '/v1/topics/later/messages', { body: 'later', delaySeconds: 3 });
  const { messageId: cancelled } = await call('POST', '/v1/topics/later/messages', { body: 'x', delaySeconds: 600 });
  const { messageId: cancelledOnTopic } = await call('POST', '/v1/topics/later/messages', {
    body: 'y',
    delaySeconds: 600,
  });
  await call('POST', `/v1/messages/${cancelled as string}/cancel`);
  await call('POST', `/v1/topics/later/messages/${cancelledOnTopic as string}/cancel`);
  // Listed, rescheduled (by id, under the topic, by key) and cancelled by key.
  const later = async (keys: string[]) =>
    (await call('POST', '/v1/topics/later/messages', { body: 'z', delaySeconds: 600, keys })).messageId as string;
  const deliverAt = new Date(Date.now() + 1_200_000).toISOString();
  const steered = [await later([]), await later([]), await later(['move-me']), await later(['drop-me'])];
  const listed = (await call('GET', '/v1/topics/later/scheduled')).messages as Array<{ messageId: string }>;
  expect(listed.map((m) => m.messageId)).toEqual(expect.arrayContaining(steered));
  await call('POST', `/v1/messages/${steered[0]!}/reschedule`, { deliverAt });
  await call('POST', `/v1/topics/later/messages/${steered[1]!}/reschedule`, { deliverAt });
  await call('POST', '/v1/topics/later/messages/reschedule?key=move-me', { deliverAt });
  await call('POST', '/v1/topics/later/messages/cancel?key=drop-me');
  await tickUntilNot(waiting as string, 'SCHEDULED');

  // Transactions: every decision route, a check-back that commits, and a pulled check decided by the producer.
  const prepare = async (producerGroup: string) =>
    (await call('POST', '/v1/topics/txns/messages', { body: 'txn', producerGroup })).messageId as string;
  await call('POST', `/v1/transactions/${await prepare('pusher')}/commit`);
  await call('POST', `/v1/transactions/${await prepare('pusher')}/rollback`);
  await call('POST', `/v1/topics/txns/messages/${await prepare('pusher')}/commit`);
  await call('POST', `/v1/topics/txns/messages/${await prepare('pusher')}/rollback`);
  checkEndpoint.answer = () => 'COMMIT';
  await tickUntilNot(await prepare('pusher'), 'PREPARED');
  const pulled = await prepare('puller');
  expect((await call('GET', '/v1/producer-groups/puller/transactions')).messages).toHaveLength(1);
  for (let attempt = 0; attempt < 30; attempt++) {
    const { checks } = await call('GET', '/v1/producer-groups/puller/checks');
    if ((checks as unknown[]).length > 0) break;
    await functions.tick();
    await sleep(300);
  }
  await call('POST', `/v1/topics/txns/messages/${pulled}/commit`);
  expect((await call('GET', '/v1/producer-groups/puller/checks')).checks).toEqual([]);

  // The dispatcher misses a normal and a FIFO message: the tick's sweep dispatches them (its first FIFO send fails
  // once, holding the message group, and the next tick's sweep sends it and releases the group), and so does the stream redrive of their batch
  // (likewise failing once, and succeeding when Lambda hands it the record again).
  await functions.dispatched();
  await functions.stopDispatcher();
  const { messageId: missed } = await call('POST', '/v1/topics/orders/messages', { body: 'missed' });
  const { messageId: missedFifo } = await call('POST', '/v1/topics/events/messages', {
    body: 'missed',
    messageGroup: 'order-10',
  });
  await sleep(1500); // older than FERRY_SWEEP_AFTER_SECONDS
  const fifoSend = (input: Record<string, unknown>) => String(input.QueueUrl).endsWith('.fifo');
  functions.recorder.failOnce({ fn: 'tickFunction', operation: 'SendMessageBatch', when: fifoSend });
  expect((await functions.tick()).swept).toBe(2);
  expect((await functions.tick()).swept).toBe(1); // the FIFO message whose send failed stayed in the outbox
  const failureRecord = await failureRecordFor([missed as string, missedFifo as string]);
  functions.recorder.failOnce({ fn: 'streamRedriveFunction', operation: 'SendMessageBatch', when: fifoSend });
  expect((await functions.redrive(failureRecord)).batchItemFailures).toHaveLength(1);
  expect((await functions.redrive(failureRecord)).batchItemFailures).toEqual([]);
  functions.startDispatcher();

  // Replay: the orders published since the start, to billing again, sent by the tick.
  const { replayId } = await call('POST', '/v1/groups/billing/replay', {
    topic: 'orders',
    from: start,
    to: new Date().toISOString(),
  });
  const replay = `/v1/groups/billing/replays/${replayId as string}`;
  for (let attempt = 0; attempt < 10 && (await call('GET', replay)).state === 'RUNNING'; attempt++)
    await functions.tick();
  expect((await call('GET', replay)).state).toBe('DONE');

  // Large bodies: written to the body bucket at publish, read back by query and receive; and one whose object is gone
  // (as the bucket's lifecycle rule would remove it), which must be told from a refused read.
  const large = (fill: string) => ({ body: fill.repeat(500_000) });
  const { messageId: big } = await call('POST', '/v1/topics/large/messages', large('a'));
  const bigView = await call('GET', `/v1/messages/${big as string}`);
  expect((bigView.message as { body: string }).body).toHaveLength(500_000);
  await functions.dispatched();
  const [bigReceived] = await receive('large-reader', 1);
  await call('POST', '/v1/groups/large-reader/ack', { receiptHandles: [bigReceived!.receiptHandle] });
  const { messageId: gone } = await call('POST', '/v1/topics/large/messages', large('b'));
  const { Contents } = await functions.bodies.send(
    new ListObjectsV2Command({ Bucket: functions.names.bodyBucket, Prefix: 'bodies/' }),
  );
  const goneKey = Contents!.find((object) => object.Key!.endsWith(gone as string))!.Key!;
  await functions.bodies.send(new DeleteObjectCommand({ Bucket: functions.names.bodyBucket, Key: goneKey }));
  await functions.dispatched();
  const missingRead = () =>
    functions.recorder.calls.some((c) => c.operation === 'GetObject' && c.error === 'NoSuchKey');
  for (let attempt = 0; attempt < 10 && !missingRead(); attempt++)
    expect((await call('POST', '/v1/groups/large-reader/receive', { waitSeconds: 1 })).messages).toEqual([]);
  expect(missingRead()).toBe(true);

  // Push: a group switched to push (its mapping made), its messages POSTed (one failing once: its retry delay set),
  // its settings changed (the mapping updated), and switched back to pull (the mapping removed).
  const push = (settings: object) => ({
    subscriptions: [{ topic: 'hooks' }],
    push: { url: pushEndpoint.url, ...settings },
  });
  await call('PUT', '/v1/groups/webhook', push({}));
  // The large body (past the item, kept in S3) is read by the pusher, which pushes it whole.
  const largeBody = 'p'.repeat(500 * 1024);
  await call('POST', '/v1/topics/hooks/messages/batch', {
    messages: [{ body: 'ok' }, { body: 'fail once' }, { body: largeBody }],
  });
  await functions.dispatched();
  for (let attempt = 0; attempt < 10 && pushEndpoint.calls.length < 3; attempt++) await functions.push();
  expect(pushEndpoint.calls.map((c) => (c.body === largeBody ? 'large' : c.body)).sort()).toEqual([
    'fail once',
    'large',
    'ok',
  ]);
  await call('PUT', '/v1/groups/webhook', push({ maxConcurrency: 3 }));
  await call('PUT', '/v1/groups/webhook', { subscriptions: [{ topic: 'hooks' }] });

  // Deletions last.
  await call('DELETE', '/v1/groups/doomed-reader');
  await call('DELETE', '/v1/topics/doomed');
}

beforeAll(async () => {
  grants = templateGrants();
  checkEndpoint = await startCheckEndpoint(() => 'UNKNOWN');
  pushEndpoint = await startPushEndpoint((pushed) => ({ status: pushed.body === 'fail once' ? 500 : 204 }));
  const id = randomBytes(3).toString('hex');
  functions = await startDeployedFunctions({
    engines: { dynamoDbEndpoint: inject('dynamoDbEndpoint'), sqsEndpoint: inject('sqsEndpoint') },
    tableName: `ferry-iam-${id}`,
    queuePrefix: `i${id}-`, // as prefixes are in AWS: letters or digits, then one final -
    bodyBucket: `ferry-iam-${id}`,
    env: TIMERS,
  });
  await exerciseEverything();
});
afterAll(async () => {
  await functions?.stop();
  await checkEndpoint?.close();
  await pushEndpoint?.close();
});

/** What each function was recorded doing, as IAM permissions, deduplicated. */
function recordedPermissions(fn: FunctionName): Permission[] {
  const all = functions.recorder.calls.filter((c) => c.fn === fn).flatMap((c) => permissionsOf(c, functions.names));
  return [...new Map(all.map((permission) => [key(permission), permission])).values()];
}

const allows = (grant: Permission, needed: Permission) =>
  grant.action === needed.action && (grant.resource === '*' || grant.resource === needed.resource);

describe("each function's role, against what its code called while every route and background path ran", () => {
  it('covers every Lambda function of the template (a new function needs its place in this run)', () => {
    expect(grants.functions.filter((fn) => fn.name === undefined)).toEqual([]);
  });

  it('the run answered 2xx on every route of the OpenAPI document (a new route needs its step in this run)', async () => {
    const { paths } = (await functions.api('GET', '/v1/openapi.json')).json as { paths: Record<string, object> };
    const unexercised = Object.entries(paths).flatMap(([path, operations]) =>
      Object.keys(operations)
        .map((method) => method.toUpperCase())
        .filter((method) => {
          const pattern = new RegExp(`^${path.replace(/\{[^}]+\}/g, '[^/]+')}$`);
          return !answered.some((a) => a.method === method && pattern.test(a.path.split('?')[0]!) && a.status < 300);
        })
        .map((method) => `${method} ${path}`),
    );
    expect(unexercised.sort()).toEqual(Object.keys(NOT_2XX_IN_AWS).sort());
  });

  for (const fn of [
    'apiFunction',
    'dispatcherFunction',
    'streamRedriveFunction',
    'tickFunction',
    'tickShardFunction',
    'pusherFunction',
  ] as const) {
    it(`${fn}: every call it made is allowed (else it fails in AWS)`, () => {
      const allowed = grants.allowed.get(fn)!;
      const denied = recordedPermissions(fn).filter((needed) => !allowed.some((grant) => allows(grant, needed)));
      expect(denied.map(key)).toEqual([]);
    });

    it(`${fn}: every action its role allows was called, or is listed with why the local run cannot reach it (else the role is too wide)`, () => {
      const recorded = recordedPermissions(fn);
      const excused = NOT_REACHABLE_LOCALLY.filter((entry) => entry.fn === fn);
      const unused = grants.allowed
        .get(fn)!
        .filter((grant) => !recorded.some((needed) => allows(grant, needed)))
        .filter(
          (grant) => !excused.some((entry) => entry.action === grant.action && entry.resource === grant.resource),
        );
      expect(unused.map(key)).toEqual([]);
    });
  }

  it('lists only grants that exist (an excuse for a grant since removed is stale)', () => {
    const stale = NOT_REACHABLE_LOCALLY.filter(
      (entry) =>
        !grants.allowed
          .get(entry.fn)!
          .some((grant) => grant.action === entry.action && grant.resource === entry.resource),
    );
    expect(stale).toEqual([]);
  });
});
