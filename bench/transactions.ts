// Benchmark: publish-half + commit round trip, beside a normal publish, on the local stack.
import { FerryClient } from '../client/index.ts';
import type { LocalStack } from '../lambda/local/local-stack.ts';
import { inParallel, percentile, round } from './stats.ts';

const MESSAGES = 1000;
const PRODUCERS = 16;

interface Figures {
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
}

async function measure(work: (index: number) => Promise<void>): Promise<Figures> {
  const latencies: number[] = [];
  const started = performance.now();
  await inParallel(
    Array.from({ length: MESSAGES }, (_, i) => i),
    PRODUCERS,
    async (index) => {
      const t0 = performance.now();
      await work(index);
      latencies.push(performance.now() - t0);
    },
  );
  return {
    perSecond: round(MESSAGES / ((performance.now() - started) / 1000)),
    p50Ms: round(percentile(latencies, 50)),
    p99Ms: round(percentile(latencies, 99)),
  };
}

export async function runTransactionBenchmark(
  stack: LocalStack,
): Promise<{ messages: number; normalPublish: Figures; halfPlusCommit: Figures }> {
  const client = new FerryClient({ baseUrl: stack.apiUrl });
  await client.putTopic('bench-normal', 'NORMAL');
  await client.putTopic('bench-txn', 'TRANSACTION');
  await client.putProducerGroup('bench-checkout');
  const normalPublish = await measure(async (i) => {
    await client.publish('bench-normal', { body: `order ${i}` });
  });
  const halfPlusCommit = await measure(async (i) => {
    const { messageId } = await client.publish('bench-txn', { body: `order ${i}`, producerGroup: 'bench-checkout' });
    await client.call('POST', `/v1/transactions/${messageId}/commit`);
  });
  return { messages: MESSAGES, normalPublish, halfPlusCommit };
}
