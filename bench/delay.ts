// Benchmark: lateness of scheduled messages (arrival at a consumer minus requested delivery time), over both paths.
import { FerryClient } from '../client/index.ts';
import type { LocalStack } from '../lambda/local/local-stack.ts';
import { consumeCount } from './consumers.ts';
import { inParallel, percentile, round } from './stats.ts';

const MESSAGES = 1000;
/** Delays spread over 1..SPREAD seconds: with the bench stack's 5 s direct limit, both paths are taken. */
const SPREAD_SECONDS = 20;

export interface LatenessFigures {
  messages: number;
  directPath: number;
  longPath: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  early: number;
}

export async function runDelayBenchmark(stack: LocalStack): Promise<LatenessFigures> {
  const client = new FerryClient({ baseUrl: stack.apiUrl });
  await client.putTopic('bench-delay', 'DELAY');
  await client.putGroup('bench-delay-reader', [{ topic: 'bench-delay' }]);
  const due = new Map<string, number>();
  let longPath = 0;
  const lateness: number[] = [];
  const deadline = Date.now() + (SPREAD_SECONDS + 30) * 1000;
  // Consumers run from the start: the first messages fall due while the rest are still being published.
  const consumers = consumeCount(
    client,
    'bench-delay-reader',
    { count: MESSAGES, timeoutMs: deadline - Date.now() },
    (message) => lateness.push(Date.now() - Number(message.body)),
  );
  await inParallel(
    Array.from({ length: MESSAGES }, (_, i) => i),
    16,
    async (i) => {
      // Relative to the moment of publishing, so that time spent publishing the others is not counted as lateness.
      const deliverAt = Date.now() + 1000 + Math.round((i / MESSAGES) * SPREAD_SECONDS * 1000);
      const { messageId, state } = await client.publish('bench-delay', { body: String(deliverAt), deliverAt });
      if (state === 'SCHEDULED') longPath++;
      due.set(messageId, deliverAt);
    },
  );
  await consumers;
  if (lateness.length < MESSAGES) throw new Error(`only ${lateness.length} of ${MESSAGES} scheduled messages arrived`);
  return {
    messages: MESSAGES,
    directPath: MESSAGES - longPath,
    longPath,
    p50Ms: round(percentile(lateness, 50)),
    p99Ms: round(percentile(lateness, 99)),
    maxMs: round(Math.max(...lateness)),
    early: lateness.filter((ms) => ms < 0).length,
  };
}
