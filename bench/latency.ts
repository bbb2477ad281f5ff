// Benchmark: publish latency under a steady load with a group subscribed, beside a raw PutItem to the same DynamoDB
// Local at the same pace in the same run (issue 14, point 2).
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { FerryClient } from '../client/index.ts';
import type { LocalStack } from '../lambda/local/local-stack.ts';
import { consumeCount } from './consumers.ts';
import { percentile, round } from './stats.ts';

const RATE_PER_SECOND = 100;
/** 30 s at 100/s: 3,000 samples, so that p99.9 rests on three. */
const MESSAGES = 3000;
const BODY = JSON.stringify({ padding: 'x'.repeat(200) });

export interface LatencyFigures {
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
}

export interface PublishLatencyFigures {
  ratePerSecond: number;
  messages: number;
  raw: LatencyFigures;
  ferry: LatencyFigures;
  /** Ferry's figure over the raw write's, at each percentile. */
  ratios: LatencyFigures;
  /** CPU time of the process that serves the API, per published message (its share of the consume path included). */
  apiCpuMsPerMessage: number | undefined;
}

/** Calls `send` RATE_PER_SECOND times a second, MESSAGES times, and returns each call's duration. */
async function paced(send: (index: number) => Promise<void>): Promise<number[]> {
  const started = performance.now();
  const durations: number[] = [];
  await Promise.all(
    Array.from({ length: MESSAGES }, async (_, index) => {
      await sleepUntil(started + (index * 1000) / RATE_PER_SECOND);
      const sent = performance.now();
      await send(index);
      durations.push(performance.now() - sent);
    }),
  );
  return durations;
}

const sleepUntil = (at: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, at - performance.now())));

const figuresOf = (durations: number[]): LatencyFigures => ({
  p50Ms: round(percentile(durations, 50)),
  p99Ms: round(percentile(durations, 99)),
  p999Ms: round(percentile(durations, 99.9)),
});

export async function runPublishLatencyBenchmark(stack: LocalStack): Promise<PublishLatencyFigures> {
  const dynamoDb = new DynamoDBClient({ endpoint: stack.dynamoDbEndpoint });
  const client = new FerryClient({ baseUrl: stack.apiUrl });
  await client.putTopic('latency', 'NORMAL');
  await client.putGroup('latency-consumer', [{ topic: 'latency' }]);
  // Warm both paths (connections, caches, JIT) before either is measured.
  for (let index = 0; index < 50; index++) await client.publish('latency', { body: BODY });
  await consumeCount(client, 'latency-consumer', { count: 50, consumers: 1, timeoutMs: 30_000 }, () => {});

  const raw = await paced((index) =>
    dynamoDb
      .send(
        new PutItemCommand({
          TableName: stack.tableName,
          Item: { pk: { S: `RAW#${index}` }, sk: { S: 'M' }, body: { S: BODY } },
        }),
      )
      .then(() => undefined),
  );

  const cpuBefore = stack.apiCpuUsage?.();
  const consumed = consumeCount(
    client,
    'latency-consumer',
    { count: MESSAGES, consumers: 2, timeoutMs: MESSAGES * 20 + 60_000 },
    () => {},
  );
  const ferry = await paced(() => client.publish('latency', { body: BODY }).then(() => undefined));
  const received = await consumed;
  const cpuAfter = stack.apiCpuUsage?.();
  dynamoDb.destroy();
  if (received < MESSAGES) throw new Error(`only ${received} of ${MESSAGES} messages arrived`);

  const rawFigures = figuresOf(raw);
  const ferryFigures = figuresOf(ferry);
  return {
    ratePerSecond: RATE_PER_SECOND,
    messages: MESSAGES,
    raw: rawFigures,
    ferry: ferryFigures,
    ratios: {
      p50Ms: round(ferryFigures.p50Ms / rawFigures.p50Ms, 2),
      p99Ms: round(ferryFigures.p99Ms / rawFigures.p99Ms, 2),
      p999Ms: round(ferryFigures.p999Ms / rawFigures.p999Ms, 2),
    },
    apiCpuMsPerMessage:
      cpuBefore === undefined || cpuAfter === undefined ? undefined : round((cpuAfter - cpuBefore) / MESSAGES, 3),
  };
}
