// Benchmark: publish latency under a steady load with a group subscribed, beside a raw PutItem to the same DynamoDB
// Local at the same pace in the same run (issue 14, point 2), and the CPU that the API's process spends per message.
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { FerryClient } from '../client/index.ts';
import { consumeCount } from './consumers.ts';
import { cpuPerMessage, percentile, round } from './stats.ts';

const RATE_PER_SECOND = 100;
/** 30 s at 100/s: 3,000 samples, so that p99.9 rests on three. */
const MESSAGES = 3000;
const WARM_UP_MESSAGES = 1000;
const BODY = JSON.stringify({ padding: 'x'.repeat(200) });

export interface LatencyFigures {
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
}

/** What the benchmark needs of a stack: where it answers, and (where it runs apart) its processes' CPU. */
export interface MeasuredStack {
  apiUrl: string;
  dynamoDbEndpoint: string;
  tableName: string;
  /** CPU ms used so far by each of the stack's processes, where they run apart from the benchmark. */
  partsCpuMs?: () => Record<string, number>;
}

export interface PublishLatencyFigures {
  ratePerSecond: number;
  messages: number;
  raw: LatencyFigures;
  /** The group subscribed (the dispatcher sends every message to its queue), nobody consuming meanwhile. */
  ferry: LatencyFigures;
  /** Ferry's figure over the raw write's, at each percentile. */
  ratios: LatencyFigures;
  /** The same with two consumers receiving and acknowledging all the while. */
  ferryConsumed: LatencyFigures;
  ratiosConsumed: LatencyFigures;
  /** CPU per message of each of the stack's processes: publishing (and dispatching) alone, and with two consumers. */
  cpuMsPerMessage?: { publishing: Record<string, number>; withConsumers: Record<string, number> };
}

/** Calls `send` RATE_PER_SECOND times a second, `count` times, and returns each call's duration. */
async function paced(count: number, send: (index: number) => Promise<void>): Promise<number[]> {
  const started = performance.now();
  const durations: number[] = [];
  await Promise.all(
    Array.from({ length: count }, async (_, index) => {
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

/** Waits until the group's queue holds `count` visible messages: all of them dispatched. */
async function waitForBacklog(client: FerryClient, count: number): Promise<void> {
  for (let waited = 0; waited < 120_000; waited += 250) {
    const group = (await client.call('GET', '/v1/groups/latency-consumer')) as { backlog?: { visible?: number } };
    if ((group.backlog?.visible ?? 0) >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`the ${count} messages were not all dispatched within 120 s`);
}

export async function runPublishLatencyBenchmark(stack: MeasuredStack): Promise<PublishLatencyFigures> {
  const dynamoDb = new DynamoDBClient({ endpoint: stack.dynamoDbEndpoint });
  const client = new FerryClient({ baseUrl: stack.apiUrl });
  await client.putTopic('latency', 'NORMAL');
  await client.putGroup('latency-consumer', [{ topic: 'latency' }]);
  const consume = (count: number) =>
    consumeCount(client, 'latency-consumer', { count, consumers: 2, timeoutMs: count * 20 + 60_000 }, () => {});
  // Warm every path (connections, caches, the JITs of Node and of DynamoDB Local's Java) before anything is measured:
  // 10 s of the load itself, consumed. With 50 messages only, whichever run came first showed Java's warm-up in its tail.
  const warmed = consume(WARM_UP_MESSAGES);
  await paced(WARM_UP_MESSAGES, () => client.publish('latency', { body: BODY }).then(() => undefined));
  if ((await warmed) < WARM_UP_MESSAGES) throw new Error('warm-up messages were lost');

  const raw = await paced(MESSAGES, (index) =>
    dynamoDb
      .send(
        new PutItemCommand({
          TableName: stack.tableName,
          Item: { pk: { S: `RAW#${index}` }, sk: { S: 'M' }, body: { S: BODY } },
        }),
      )
      .then(() => undefined),
  );
  dynamoDb.destroy();

  let ferry: number[] = [];
  const publishing = await cpuPerMessage(stack.partsCpuMs, MESSAGES, async () => {
    ferry = await paced(MESSAGES, () => client.publish('latency', { body: BODY }).then(() => undefined));
    // Until the last one is dispatched: dispatching is part of what a published message costs.
    await waitForBacklog(client, MESSAGES);
  });
  if ((await consume(MESSAGES)) < MESSAGES) throw new Error('published messages were lost');

  let ferryConsumed: number[] = [];
  const withConsumers = await cpuPerMessage(stack.partsCpuMs, MESSAGES, async () => {
    const consumed = consume(MESSAGES);
    ferryConsumed = await paced(MESSAGES, () => client.publish('latency', { body: BODY }).then(() => undefined));
    const received = await consumed;
    if (received < MESSAGES) throw new Error(`only ${received} of ${MESSAGES} messages arrived`);
  });

  const rawFigures = figuresOf(raw);
  const ferryFigures = figuresOf(ferry);
  const consumedFigures = figuresOf(ferryConsumed);
  const ratioTo = (figures: LatencyFigures) => ({
    p50Ms: round(figures.p50Ms / rawFigures.p50Ms, 2),
    p99Ms: round(figures.p99Ms / rawFigures.p99Ms, 2),
    p999Ms: round(figures.p999Ms / rawFigures.p999Ms, 2),
  });
  return {
    ratePerSecond: RATE_PER_SECOND,
    messages: MESSAGES,
    raw: rawFigures,
    ferry: ferryFigures,
    ratios: ratioTo(ferryFigures),
    ferryConsumed: consumedFigures,
    ratiosConsumed: ratioTo(consumedFigures),
    ...(publishing === undefined || withConsumers === undefined
      ? {}
      : { cpuMsPerMessage: { publishing, withConsumers } }),
  };
}
