// `npm run bench`: starts a local stack in memory and prints every benchmark's figures.
import { startLocalStack } from '../lambda/local/local-stack.ts';
import { runThroughputBenchmark } from './throughput.ts';

const stack = await startLocalStack({ env: { FERRY_TABLE_NAME: 'ferry-bench', FERRY_QUEUE_PREFIX: 'bench-' } });
try {
  console.log(`Ferry benchmarks — ${new Date().toISOString()}, Node ${process.version}, ${(await import('node:os')).cpus().length} cores`);
  const throughput = await runThroughputBenchmark(stack);
  console.log(`\n## publish → receive → ack, NORMAL topic, ${throughput.messages} messages (16 publishers, 4 consumers)`);
  console.log(`ferry   ${throughput.ferry.perSecond} msg/s  latency p50 ${throughput.ferry.p50Ms} ms  p99 ${throughput.ferry.p99Ms} ms`);
  console.log(`paced   ${throughput.paced.messages} messages at ${throughput.paced.ratePerSecond} msg/s: latency p50 ${throughput.paced.p50Ms} ms  p99 ${throughput.paced.p99Ms} ms`);
  console.log(`direct  ${throughput.direct.perSecond} msg/s  latency p50 ${throughput.direct.p50Ms} ms  p99 ${throughput.direct.p99Ms} ms  (PutItem + SendMessage, Receive + DeleteBatch)`);
  console.log(`ratio   ${throughput.ratio} of the direct ceiling`);
  console.log('AWS requests per message:', JSON.stringify(throughput.requestsPerMessage));
  console.log('DynamoDB items written per message:', JSON.stringify(throughput.itemWritesPerMessage));
} finally {
  await stack.stop();
}
