// Benchmark: peak shaving. A burst of 5,000 messages published as fast as possible reaches a push endpoint at the
// group's ratePerSecond and never above its maxConcurrency, none lost (duplicates are counted: delivery is at least once).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FerryClient } from '../client/index.ts';
import type { LocalStack } from '../lambda/local/local-stack.ts';
import { round } from './stats.ts';

const MESSAGES = 5000;
const RATE_PER_SECOND = 200;
const MAX_CONCURRENCY = 10;
/** The endpoint's own work per request. */
const ENDPOINT_MS = 5;

export interface PushFigures {
  messages: number;
  ratePerSecond: number;
  maxConcurrency: number;
  publishSeconds: number;
  measuredPerSecond: number;
  /** Most requests that arrived within any one second. */
  busiestSecond: number;
  maxInFlightSeen: number;
  received: number;
  duplicates: number;
  lost: number;
  latencyMsMean: number;
}

export async function runPushBenchmark(stack: LocalStack): Promise<PushFigures> {
  const arrivals: number[] = [];
  const seen = new Set<string>();
  let duplicates = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  let allArrived: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (allArrived = resolve));
  const server = createServer((request, response) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      arrivals.push(performance.now());
      const { messageId } = JSON.parse(body) as { messageId: string };
      if (seen.has(messageId)) duplicates++;
      seen.add(messageId);
      setTimeout(() => {
        inFlight--;
        response.writeHead(200).end();
        if (seen.size === MESSAGES) allArrived();
      }, ENDPOINT_MS);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const client = new FerryClient({ baseUrl: stack.apiUrl });
    await client.putTopic('bench-push', 'NORMAL');
    // The peak arrives while the group pulls (nobody consumes): the burst waits in the queue, as it would behind a
    // slow endpoint. Then the group switches to push, and the backlog drains at the set rate.
    await client.putGroup('bench-push', [{ topic: 'bench-push' }]);
    const started = performance.now();
    // The sales peak: 16 producers publish batches of 100 as fast as the API takes them.
    const batches = Array.from({ length: MESSAGES / 100 }, (_, b) =>
      Array.from({ length: 100 }, (_, i) => ({ body: `order ${b * 100 + i}` })),
    );
    await Promise.all(
      Array.from({ length: 16 }, async (_, producer) => {
        for (let b = producer; b < batches.length; b += 16) await client.publishBatch('bench-push', batches[b]!);
      }),
    );
    const publishSeconds = (performance.now() - started) / 1000;
    await stack.poller.caughtUp();
    await client.putGroup('bench-push', [{ topic: 'bench-push' }], undefined, {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/orders`,
      ratePerSecond: RATE_PER_SECOND,
      maxConcurrency: MAX_CONCURRENCY,
      timeoutSeconds: 2,
    });
    // Generous: on a loaded laptop delivery trails the rate; a message that never comes is counted as lost.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([done, new Promise((resolve) => (timer = setTimeout(resolve, 10 * 60_000)))]);
    // A pending timer would keep the process alive after the stack stopped.
    clearTimeout(timer);
    const latency = stack.metrics.snapshot().groups['bench-push']?.durations.pushLatency;
    await client.call('DELETE', '/v1/groups/bench-push');
    const first = arrivals[0] ?? 0;
    const last = arrivals[arrivals.length - 1] ?? 0;
    return {
      messages: MESSAGES,
      ratePerSecond: RATE_PER_SECOND,
      maxConcurrency: MAX_CONCURRENCY,
      publishSeconds: round(publishSeconds, 1),
      // n arrivals span n - 1 intervals.
      measuredPerSecond: round((arrivals.length - 1) / ((last - first) / 1000), 1),
      busiestSecond: busiestWindow(arrivals, 1000),
      maxInFlightSeen: maxInFlight,
      received: seen.size,
      duplicates,
      lost: MESSAGES - seen.size,
      // Every answered push (the endpoint here answers each with 200), in whole milliseconds as the metrics keep it.
      latencyMsMean: latency?.avgMs ?? 0,
    };
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

/** The most arrivals within any window of `ms` (arrivals are in time order). */
function busiestWindow(arrivals: number[], ms: number): number {
  let most = 0;
  let start = 0;
  for (let end = 0; end < arrivals.length; end++) {
    while (arrivals[end]! - arrivals[start]! >= ms) start++;
    most = Math.max(most, end - start + 1);
  }
  return most;
}
