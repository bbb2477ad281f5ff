// The tick's fan-out as in AWS: the coordinator invokes the tick-shard function once per shard through Lambda's
// Invoke API (a stand-in endpoint, see lambda-invoke-endpoint.ts), and the shards hand on from DynamoDB Local.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createClients } from '../../lambda/aws/clients.ts';
import { shardWakerFromEnv } from '../../lambda/aws/lambda-shard-waker.ts';
import { createAwsServices } from '../../lambda/aws/services.ts';
import type { ShardWork } from '../../lambda/core/ports.ts';
import type { FerryServices } from '../../lambda/core/services.ts';
import { createTickShardHandler } from '../../lambda/handlers/tick-shard.ts';
import { drain, startTestStack, type TestStack } from './harness.ts';
import { startLambdaInvokeEndpoint, type LambdaInvokeEndpoint } from './lambda-invoke-endpoint.ts';

const SHARDS = 4;
// Direct delays up to 3 s, hand-on 2 s ahead; the stack's own tick sleeps for an hour, so only this test's ticks run.
const TIMERS = {
  FERRY_DIRECT_DELAY_LIMIT_SECONDS: '3',
  FERRY_TIMER_LEAD_SECONDS: '2',
  FERRY_TIMER_BUCKET_SECONDS: '2',
  FERRY_TIMER_SHARDS: String(SHARDS),
  FERRY_TICK_SECONDS: '3600',
};

let stack: TestStack;
let lambda: LambdaInvokeEndpoint;
let coordinator: FerryServices;
/** Shards whose invocation fails, as a crashed or timed-out tick-shard function would. */
const failing = new Set<number>();

beforeAll(async () => {
  stack = await startTestStack({ env: TIMERS });
  const shardHandler = createTickShardHandler(stack.services.tick);
  lambda = await startLambdaInvokeEndpoint(async (event) => {
    if (failing.has((event as ShardWork).shard)) throw new Error('Task timed out after 45.00 seconds');
    return shardHandler(event);
  });
  // The tick as deployed (lambda/handlers/tick.ts): configured from its environment, fanning out to FERRY_TICK_SHARD_FUNCTION.
  const env = {
    ...TIMERS,
    FERRY_TABLE_NAME: stack.services.config.tableName,
    FERRY_QUEUE_PREFIX: stack.services.config.queuePrefix,
    FERRY_TICK_SHARD_FUNCTION: 'ferry-tick-shard',
    AWS_ENDPOINT_URL_DYNAMODB: inject('dynamoDbEndpoint'),
    AWS_ENDPOINT_URL_SQS: inject('sqsEndpoint'),
    AWS_ENDPOINT_URL_LAMBDA: lambda.url,
  };
  coordinator = createAwsServices(env, createClients(env), shardWakerFromEnv(env));
  await stack.client.putTopic('later', 'DELAY');
  await stack.client.putGroup('later-reader', [{ topic: 'later' }]);
});
afterAll(async () => {
  await stack?.stop();
  await lambda?.close();
});

async function publishDue(count: number, prefix: string): Promise<string[]> {
  const { results } = await stack.client.publishBatch(
    'later',
    Array.from({ length: count }, (_, i) => ({ body: `${prefix}-${i}`, delaySeconds: 4 })),
  );
  await new Promise((resolve) => setTimeout(resolve, 6000)); // every message is now within its lead
  return results.map((result) => ('messageId' in result ? result.messageId : 'refused'));
}

describe('the tick fanned out over Lambda', () => {
  it('invokes the tick-shard function once per shard with the same buckets and time, and every due message is handed on once', async () => {
    const ids = await publishDue(40, 'fan');
    lambda.invocations.length = 0;
    const report = await coordinator.tick.run();
    expect(report.handedOn).toBe(40);
    expect(lambda.invocations.map((invocation) => invocation.functionName)).toEqual(
      Array(SHARDS).fill('ferry-tick-shard'),
    );
    const work = lambda.invocations.map((invocation) => invocation.event as ShardWork);
    expect(work.map((shardWork) => shardWork.shard).sort()).toEqual([0, 1, 2, 3]);
    expect(new Set(work.map((shardWork) => JSON.stringify([shardWork.buckets, shardWork.now]))).size).toBe(1);
    const received = await drain(stack, 'later-reader', 40);
    expect(received.map((message) => message.messageId).sort()).toEqual([...ids].sort());
    expect((await coordinator.tick.run()).handedOn).toBe(0);
  });

  it('a failed shard fails the tick and keeps its messages for the next tick, which hands them on', async () => {
    const ids = await publishDue(40, 'retry');
    const lastTickBefore = (await stack.services.store.tickState()).lastTickAt;
    failing.add(2);
    await expect(coordinator.tick.run()).rejects.toThrow(/failed in 1 of 4 shards.*shard 2.*timed out/);
    failing.clear();
    expect((await stack.services.store.tickState()).lastTickAt).toBe(lastTickBefore); // health sees the tick as late
    const retried = await coordinator.tick.run();
    expect(retried.handedOn).toBeGreaterThan(0); // exactly shard 2's share
    expect(retried.handedOn).toBeLessThan(40);
    const received = await drain(stack, 'later-reader', 40);
    expect(received.map((message) => message.messageId).sort()).toEqual([...ids].sort());
  });

  it('the tick-shard function refuses an event the tick did not send', async () => {
    await expect(createTickShardHandler(stack.services.tick)({ shard: -1, buckets: 'all', now: 0 })).rejects.toThrow();
  });
});
