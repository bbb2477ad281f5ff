// Benchmark: publish → receive → ack through Ferry on the local stack, beside the same DynamoDB and SQS calls made directly.
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { FerryClient } from '../client/index.ts';
import { cpuPerMessage, inParallel, percentile, round } from './stats.ts';

const MESSAGES = 2000;
const PUBLISHERS = 16;
const CONSUMERS = 4;
const PACED_RATE = 50;
const PACED_MESSAGES = 500;
/**
 * Messages sent through each path, and not measured, before the measured runs: DynamoDB Local's JVM and the stack's
 * processes compile their hot paths in the first thousand or so calls, and without it the first path measured pays it.
 */
export const WARM_UP_MESSAGES = 1000;

export interface ThroughputFigures {
  messages: number;
  ferry: { perSecond: number; p50Ms: number; p99Ms: number };
  /** Latency at a steady PACED_RATE messages/s, below saturation. */
  paced: { ratePerSecond: number; messages: number; p50Ms: number; p99Ms: number };
  direct: { perSecond: number; p50Ms: number; p99Ms: number };
  ratio: number;
  /** CPU ms per message of each process (the benchmark's own load generator included), where the stack runs apart. */
  cpuMsPerMessage?: { ferry: Record<string, number>; direct: Record<string, number> };
}

/** Where the stack under test answers: its API and its engines. */
export interface ThroughputStack {
  apiUrl: string;
  dynamoDbEndpoint: string;
  sqsEndpoint: string;
  tableName: string;
  /** CPU ms used so far by each of the stack's processes, where they run apart from the benchmark. */
  partsCpuMs?: () => Record<string, number>;
}

/** The stack's processes and this one, which generates the load (its HTTP or SDK calls are part of each run's work). */
function withBenchmarkCpu(stack: ThroughputStack): (() => Record<string, number>) | undefined {
  const parts = stack.partsCpuMs;
  if (parts === undefined) return undefined;
  return () => {
    const { user, system } = process.cpuUsage();
    return { ...parts(), benchmark: (user + system) / 1000 };
  };
}

/**
 * Publishes `count` messages while CONSUMERS receive and ack; latency is publish call start to receipt.
 * Unpaced, PUBLISHERS producers go flat out (throughput); paced, one message leaves every 1000/rate ms (latency when not saturated).
 */
async function runPipeline(
  publish: (index: number) => Promise<void>,
  consume: () => Promise<number[]>,
  sentAt: number[],
  { count, ratePerSecond }: { count: number; ratePerSecond?: number },
): Promise<{ perSecond: number; latencies: number[] }> {
  const started = performance.now();
  const latencies: number[] = [];
  const consumers = Array.from({ length: CONSUMERS }, async () => {
    while (latencies.length < count && performance.now() - started < 120_000) {
      for (const index of await consume()) latencies.push(performance.now() - sentAt[index]!);
    }
  });
  const indexes = Array.from({ length: count }, (_, index) => index);
  if (ratePerSecond === undefined) {
    await inParallel(indexes, PUBLISHERS, publish);
  } else {
    await Promise.all(
      indexes.map((index) => sleepUntil(started + (index * 1000) / ratePerSecond).then(() => publish(index))),
    );
  }
  await Promise.all(consumers);
  if (latencies.length < count) throw new Error(`only ${latencies.length} of ${count} messages arrived`);
  return { perSecond: count / ((performance.now() - started) / 1000), latencies };
}

const sleepUntil = (at: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, at - performance.now())));

async function runFerry(
  stack: ThroughputStack,
  run: { count: number; ratePerSecond?: number },
): Promise<{ perSecond: number; latencies: number[] }> {
  const client = new FerryClient({ baseUrl: stack.apiUrl });
  await client.putTopic('bench', 'NORMAL');
  await client.putGroup('bench-consumer', [{ topic: 'bench' }]);
  const sentAt: number[] = [];
  return runPipeline(
    async (index) => {
      sentAt[index] = performance.now();
      await client.publish('bench', { body: JSON.stringify({ index, padding: 'x'.repeat(200) }) });
    },
    async () => {
      const messages = await client.receive('bench-consumer', { maxMessages: 32, waitSeconds: 1 });
      if (messages.length > 0)
        await client.ack(
          'bench-consumer',
          messages.map((message) => message.receiptHandle),
        );
      return messages.map((message) => (JSON.parse(message.body) as { index: number }).index);
    },
    sentAt,
    run,
  );
}

/** The ceiling: the item write, the queue send, receive and delete, with no HTTP, no stream and no trace. */
async function runDirect(
  stack: ThroughputStack,
  count = MESSAGES,
): Promise<{ perSecond: number; latencies: number[] }> {
  const dynamoDb = new DynamoDBClient({ endpoint: stack.dynamoDbEndpoint });
  const sqs = new SQSClient({ endpoint: stack.sqsEndpoint });
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'bench-direct' }));
  const sentAt: number[] = [];
  return runPipeline(
    async (index) => {
      sentAt[index] = performance.now();
      const body = JSON.stringify({ index, padding: 'x'.repeat(200) });
      await dynamoDb.send(
        new PutItemCommand({
          TableName: stack.tableName,
          Item: { pk: { S: `DIRECT#${index}` }, sk: { S: 'M' }, body: { S: body } },
        }),
      );
      await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: body }));
    },
    async () => {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      if (Messages.length > 0) {
        await sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl,
            Entries: Messages.map((message, i) => ({ Id: String(i), ReceiptHandle: message.ReceiptHandle })),
          }),
        );
      }
      return Messages.map((message) => (JSON.parse(message.Body ?? '{}') as { index: number }).index);
    },
    sentAt,
    { count },
  );
}

export async function runThroughputBenchmark(stack: ThroughputStack): Promise<ThroughputFigures> {
  await runFerry(stack, { count: WARM_UP_MESSAGES });
  await runDirect(stack, WARM_UP_MESSAGES);
  const usage = withBenchmarkCpu(stack);
  let ferry!: { perSecond: number; latencies: number[] };
  let direct!: { perSecond: number; latencies: number[] };
  const ferryCpu = await cpuPerMessage(usage, MESSAGES, async () => {
    ferry = await runFerry(stack, { count: MESSAGES });
  });
  const directCpu = await cpuPerMessage(usage, MESSAGES, async () => {
    direct = await runDirect(stack);
  });
  const paced = await runFerry(stack, { count: PACED_MESSAGES, ratePerSecond: PACED_RATE });
  const figures = (run: { perSecond: number; latencies: number[] }) => ({
    perSecond: round(run.perSecond),
    p50Ms: round(percentile(run.latencies, 50)),
    p99Ms: round(percentile(run.latencies, 99)),
  });
  const pacedFigures = {
    ratePerSecond: PACED_RATE,
    messages: PACED_MESSAGES,
    p50Ms: round(percentile(paced.latencies, 50)),
    p99Ms: round(percentile(paced.latencies, 99)),
  };
  return {
    messages: MESSAGES,
    ferry: figures(ferry),
    paced: pacedFigures,
    direct: figures(direct),
    ratio: round(ferry.perSecond / direct.perSecond, 2),
    ...(ferryCpu === undefined || directCpu === undefined
      ? {}
      : { cpuMsPerMessage: { ferry: ferryCpu, direct: directCpu } }),
  };
}
