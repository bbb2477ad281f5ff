// The sweep's walk over `byTopicTime` on DynamoDB Local, with pages small enough that it must step: what it finds, and
// how far its mark moves.
import { randomBytes } from 'node:crypto';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { createClients } from '../../lambda/aws/clients.ts';
import { DynamoMessageStore } from '../../lambda/aws/dynamo-message-store.ts';
import { sweepMarkKey } from '../../lambda/aws/table-layout.ts';
import type { Message, MessageId } from '../../lambda/core/model.ts';
import { TimerWheel } from '../../lambda/core/timers.ts';
import { localAwsEnv } from '../../lambda/local/local-stack.ts';
import { ensureTable } from '../../lambda/local/table.ts';
import { aMessage } from '../contract/adapters.ts';

const awsEnv = localAwsEnv({ dynamoDbEndpoint: inject('dynamoDbEndpoint'), sqsEndpoint: inject('sqsEndpoint') });
// The SDK's default region and credential chain reads these, as in Lambda.
Object.assign(process.env, {
  AWS_REGION: awsEnv.AWS_REGION,
  AWS_ACCESS_KEY_ID: awsEnv.AWS_ACCESS_KEY_ID,
  AWS_SECRET_ACCESS_KEY: awsEnv.AWS_SECRET_ACCESS_KEY,
});
const clients = createClients(awsEnv);
let tableName: string;
let store: DynamoMessageStore;

beforeEach(async () => {
  tableName = `walk-${randomBytes(3).toString('hex')}`;
  await ensureTable(clients.dynamoDb, tableName);
  // Three index entries per shard and step: 100 messages take several steps.
  store = new DynamoMessageStore(clients.documents, tableName, 72, new TimerWheel(60, 2), 3);
});
afterEach(async () => {
  await clients.dynamoDb.send(new DeleteTableCommand({ TableName: tableName }));
});

const published = (at: number) => aMessage(at, { messageId: ulid(at) as MessageId });
const dispatched = (messages: Message[]) =>
  store.markDispatched(
    messages.map((message) => ({ messageId: message.messageId, topic: message.topic, outboxed: false })),
  );
const found = async (before: number) =>
  (await store.undispatched(before, 50, ['orders'])).map((entry) => entry.messageId);
const markOf = async () =>
  (await clients.documents.send(new GetCommand({ TableName: tableName, Key: sweepMarkKey('orders') }))).Item?.mark as
    string | undefined;

describe('the sweep walk', () => {
  it('reads the dispatch records consistently (DynamoDB Local always does; DynamoDB may not see a record just written)', async () => {
    const reads: string[] = [];
    clients.documents.middlewareStack.add(
      (next) => async (args) => {
        const input = JSON.stringify(args.input);
        if (input.includes('DREC#')) reads.push(input);
        return next(args);
      },
      { step: 'initialize', name: 'recordReads' },
    );
    try {
      const now = Date.now();
      await store.insert([published(now - 20_000)]);
      await found(now - 10_000);
    } finally {
      clients.documents.middlewareStack.remove('recordReads');
    }
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.filter((read) => !read.includes('"ConsistentRead":true'))).toEqual([]);
  });

  it('steps through a busy topic to the one message no dispatch recorded, and stops its mark just before it', async () => {
    const now = Date.now();
    const messages = Array.from({ length: 100 }, (_, i) => published(now - 50_000 + i * 300));
    await store.insert(messages);
    const missed = messages[70]!;
    await dispatched(messages.filter((message) => message !== missed));
    expect(await found(now - 10_000)).toEqual([missed.messageId]);
    expect(await markOf()).toBe(messages[69]!.messageId);
    await dispatched([missed]);
    expect(await found(now - 10_000)).toEqual([]);
    expect((await markOf())! > messages.at(-1)!.messageId).toBe(true);
  });

  it('finds a message published after the mark moved on, and nothing twice once it is recorded', async () => {
    const now = Date.now();
    const first = Array.from({ length: 30 }, (_, i) => published(now - 40_000 + i * 100));
    await store.insert(first);
    await dispatched(first);
    expect(await found(now - 30_000)).toEqual([]);
    const later = published(now - 20_000);
    await store.insert([later]);
    expect(await found(now - 10_000)).toEqual([later.messageId]);
    await dispatched([later]);
    expect(await found(now)).toEqual([]);
  });

  it('walks a topic again within the sweep age when the age is shorter than the walk step (tests and chaos runs)', async () => {
    const now = Date.now();
    const first = Array.from({ length: 5 }, (_, i) => published(now - 4_000 + i * 100));
    await store.insert(first);
    await dispatched(first);
    // A horizon 3 s back marks the topic up to then; the next, 1 s back, is 2 s later: less than the 5 s step.
    expect(await found(now - 3_000)).toEqual([]);
    const missed = published(now - 2_500);
    await store.insert([missed]);
    expect(await found(now - 1_000)).toEqual([missed.messageId]);
  });

  it('passes by a message whose dispatch only the trace names (as versions before the dispatch record wrote it)', async () => {
    const now = Date.now();
    const [traced, missed] = [published(now - 20_000), published(now - 19_000)];
    await store.insert([traced, missed]);
    await store.appendTrace([
      {
        message: { messageId: traced.messageId, topic: traced.topic },
        event: { type: 'DISPATCHED', at: now - 19_500, groups: ['billing'] },
        expiresAt: traced.expiresAt,
      },
    ]);
    expect(await found(now - 10_000)).toEqual([missed.messageId]);
  });
});
