// Benchmark: evaluations per second of a compiled SQL92 filter against a hand-written TypeScript predicate that answers the same.
import { pathToFileURL } from 'node:url';
import { compileFilter } from '../lambda/core/filter/index.ts';
import type { FilterTarget, MessagePredicate } from '../lambda/core/filter/index.ts';
import { parseJavaInt } from '../lambda/core/filter/java-semantics.ts';

const FILTER_EXPRESSION = "lane = 'gray' AND amount > 20 AND region IN ('eu', 'us')";
const ITERATIONS = 3_000_000;
const WARM_UP_ITERATIONS = 1_000_000;
const ROUNDS = 5;
const MESSAGE_KINDS = 1024;

/**
 * The same filter written by hand, with the same answers: a missing property never matches, and `amount` is read
 * the way RocketMQ reads a string against an Integer literal (Integer.valueOf; one that does not parse never matches).
 */
function handWrittenFilter(message: FilterTarget): boolean {
  const properties = message.properties;
  if (properties.lane !== 'gray') return false;
  const amount = properties.amount;
  if (amount === undefined) return false;
  const parsed = parseJavaInt(amount);
  if (parsed === undefined || parsed <= 20) return false;
  const region = properties.region;
  return region === 'eu' || region === 'us';
}

/** A deterministic spread of messages: both lanes, amounts around the bound, four regions, some properties missing, varied key order. */
function sampleMessages(): FilterTarget[] {
  const lanes = ['gray', 'blue', 'gray', undefined];
  const regions = ['eu', 'us', 'ap', undefined];
  return Array.from({ length: MESSAGE_KINDS }, (_, index) => {
    const lane = lanes[index % lanes.length];
    const region = regions[(index >> 2) % regions.length];
    const amount = index % 7 === 0 ? undefined : String((index * 37) % 60);
    const entries: [string, string | undefined][] = [
      ['lane', lane],
      ['amount', amount],
      ['region', region],
      ['orderId', `order-${index}`],
    ];
    const ordered = index % 3 === 0 ? entries.reverse() : entries;
    const properties = Object.fromEntries(ordered.filter((entry): entry is [string, string] => entry[1] !== undefined));
    return index % 5 === 0 ? { tag: 'TagA', properties } : { properties };
  });
}

/** Evaluations per second of `predicate` over the messages, cycling through them; the match count keeps the work alive. */
function measure(
  predicate: MessagePredicate,
  messages: FilterTarget[],
  iterations: number,
): { perSecond: number; matches: number } {
  const mask = messages.length - 1;
  let matches = 0;
  const started = performance.now();
  for (let index = 0; index < iterations; index++) {
    if (predicate(messages[index & mask]!)) matches++;
  }
  const seconds = (performance.now() - started) / 1000;
  return { perSecond: iterations / seconds, matches };
}

function checkSameAnswers(compiled: MessagePredicate, messages: FilterTarget[]): number {
  const disagreements = messages.filter((message) => compiled(message) !== handWrittenFilter(message));
  if (disagreements.length > 0)
    throw new Error(`the compiled filter and the hand-written one disagree on ${JSON.stringify(disagreements[0])}`);
  return messages.filter(compiled).length;
}

/** Best of several rounds for each, interleaved, so that neither side benefits from running last. */
export async function runFilterBenchmark(): Promise<Record<string, number | string>> {
  const messages = sampleMessages();
  const compiled = compileFilter({ type: 'SQL92', expression: FILTER_EXPRESSION });
  const matching = checkSameAnswers(compiled, messages);
  measure(compiled, messages, WARM_UP_ITERATIONS);
  measure(handWrittenFilter, messages, WARM_UP_ITERATIONS);
  let compiledBest = 0;
  let handWrittenBest = 0;
  for (let round = 0; round < ROUNDS; round++) {
    compiledBest = Math.max(compiledBest, measure(compiled, messages, ITERATIONS).perSecond);
    handWrittenBest = Math.max(handWrittenBest, measure(handWrittenFilter, messages, ITERATIONS).perSecond);
    // Let the event loop breathe between rounds when this runs inside `npm run bench`.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return {
    expression: FILTER_EXPRESSION,
    messages: `${messages.length} property sets, ${matching} matching`,
    iterations: `${ITERATIONS} per round, best of ${ROUNDS} rounds after ${WARM_UP_ITERATIONS} warm-up`,
    compiledEvalsPerSecond: Math.round(compiledBest),
    handWrittenEvalsPerSecond: Math.round(handWrittenBest),
    ratio: Number((handWrittenBest / compiledBest).toFixed(2)),
  };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const figures = await runFilterBenchmark();
  console.log(`Ferry SQL92 filter benchmark — Node ${process.version}`);
  for (const [name, value] of Object.entries(figures)) console.log(`${name}: ${value}`);
}
