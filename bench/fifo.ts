// Benchmark: FIFO throughput and latency for 1 message group vs 100, beside NORMAL, on the local stack.
import { FerryClient } from '../client/index.ts';
import { consumeCount } from './consumers.ts';
import type { LocalStack } from '../lambda/local/local-stack.ts';
import { percentile, round } from './stats.ts';

const MESSAGES = 1000;

export interface OrderedFigures {
  label: string;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
}

/** One sequential producer per message group (each waits for its publish), 4 consumer loops. */
async function run(
  client: FerryClient,
  label: string,
  topic: string,
  group: string,
  messageGroups: number | undefined,
): Promise<OrderedFigures> {
  const producers = messageGroups ?? 16;
  const perProducer = MESSAGES / producers;
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  const started = performance.now();
  const consumers = consumeCount(client, group, { count: MESSAGES, timeoutMs: 120_000 }, (message) =>
    latencies.push(performance.now() - sentAt.get(message.body)!),
  );
  await Promise.all(
    Array.from({ length: producers }, async (_, p) => {
      for (let i = 0; i < perProducer; i++) {
        const body = `${p}:${i}`;
        sentAt.set(body, performance.now());
        await client.publish(topic, messageGroups === undefined ? { body } : { body, messageGroup: `g${p}` });
      }
    }),
  );
  await consumers;
  if (latencies.length < MESSAGES) throw new Error(`${label}: only ${latencies.length} of ${MESSAGES} arrived`);
  return {
    label,
    perSecond: round(MESSAGES / ((performance.now() - started) / 1000)),
    p50Ms: round(percentile(latencies, 50)),
    p99Ms: round(percentile(latencies, 99)),
  };
}

export async function runFifoBenchmark(stack: LocalStack): Promise<OrderedFigures[]> {
  const client = new FerryClient({ baseUrl: stack.apiUrl });
  await client.putTopic('bench-fifo', 'FIFO');
  await client.putTopic('bench-fifo-normal', 'NORMAL');
  await client.putGroup('bench-fifo-1', [{ topic: 'bench-fifo' }]);
  const one = await run(client, 'FIFO, 1 message group', 'bench-fifo', 'bench-fifo-1', 1);
  await client.call('DELETE', '/v1/groups/bench-fifo-1');
  await client.putGroup('bench-fifo-100', [{ topic: 'bench-fifo' }]);
  const hundred = await run(client, 'FIFO, 100 message groups', 'bench-fifo', 'bench-fifo-100', 100);
  await client.putGroup('bench-fifo-normal-reader', [{ topic: 'bench-fifo-normal' }]);
  const normal = await run(client, 'NORMAL, 16 producers', 'bench-fifo-normal', 'bench-fifo-normal-reader', undefined);
  return [one, hundred, normal];
}
