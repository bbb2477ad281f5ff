// `npm run bench`: starts a local stack in memory and prints every benchmark's figures.
import { cpus } from 'node:os';
import { startLocalStack } from '../lambda/local/local-stack.ts';
import { countRequests } from './request-counter.ts';
import { runBundleBenchmark } from './bundles.ts';
import { printCost, runCostBenchmark } from './cost.ts';
import { runDelayBenchmark } from './delay.ts';
import { runFifoBenchmark } from './fifo.ts';
import { runPublishLatencyBenchmark } from './latency.ts';
import { runThroughputBenchmark, WARM_UP_MESSAGES } from './throughput.ts';
import { startUserStack } from './user-stack.ts';
import { runTickBenchmark } from './tick.ts';
import { round } from './stats.ts';
import { runTransactionBenchmark } from './transactions.ts';

/** Timer settings that make the long path of the delay benchmark run in seconds: direct up to 5 s, lead 3 s, tick every 1 s. */
const BENCH_ENV = {
  FERRY_TABLE_NAME: 'ferry-bench',
  FERRY_QUEUE_PREFIX: 'bench-',
  FERRY_DIRECT_DELAY_LIMIT_SECONDS: '5',
  FERRY_TIMER_LEAD_SECONDS: '3',
  FERRY_TIMER_BUCKET_SECONDS: '10',
  FERRY_TICK_SECONDS: '1',
};

/** `npm run bench` runs them all; `npm run bench -- delay,fifo` only those named. */
const only = process.argv[2]?.split(',');
const wanted = (name: string) => only === undefined || only.includes(name);

console.log(
  `Ferry benchmarks — ${new Date().toISOString()}, Node ${process.version}, ${cpus().length} cores, local stack (DynamoDB Local + fauxqs)`,
);

if (wanted('bundles')) {
  console.log(
    '\n## Lambda bundles: minified size, and the module import time of a fresh Node process (median of 7; goal ≤ 500 KB, ≤ 100 ms)',
  );
  for (const figures of await runBundleBenchmark())
    console.log(
      `${figures.handler.padEnd(15)} ${String(figures.kilobytes).padStart(7)} KB  import ${figures.importMsMedian} ms (max ${figures.importMsMax} ms), CPU ${figures.importCpuMsMedian} ms`,
    );
}

if (wanted('scaling')) {
  const { runScalingSimulation } = await import('./scaling.ts');
  console.log('\n## scale on paper: the key and shard arithmetic of the code, for the loads of docs/scaling.md');
  for (const line of runScalingSimulation()) console.log(line);
}

// Before the shared stack starts: the cost counters must count the cost benchmark's own stacks alone.
if (wanted('cost')) {
  printCost(await runCostBenchmark());
}

const STACK_SECTIONS = ['delay', 'tick', 'transactions', 'fifo', 'push', 'pull-beside-push'];
// Latency and throughput are measured on the stack as users run it (`ferry local`: the API in a process of its own,
// the dispatcher and the tick in another, the emulators apart), with this process only generating the load.
// FERRY_BENCH_ONE_PROCESS=1 measures instead the API, dispatcher and tick in this process (the layout before 2026-12).
if (wanted('latency') || wanted('throughput')) {
  const onePerProcess = process.env.FERRY_BENCH_ONE_PROCESS !== '1';
  const measured = onePerProcess ? await startUserStack(BENCH_ENV) : await startLocalStack({ env: BENCH_ENV });
  console.log(
    `\n(layout: ${onePerProcess ? 'ferry local, API and background in processes of their own' : 'API, dispatcher and tick in the benchmark process'})`,
  );
  try {
    if (wanted('latency')) {
      const latency = await runPublishLatencyBenchmark(measured);
      console.log(
        `\n## publish latency: ${latency.messages} messages paced at ${latency.ratePerSecond}/s, one group subscribed`,
      );
      const line = (name: string, figures: { p50Ms: number; p99Ms: number; p999Ms: number }, unit = ' ms') =>
        console.log(
          `${name.padEnd(22)} p50 ${figures.p50Ms}${unit}  p99 ${figures.p99Ms}${unit}  p99.9 ${figures.p999Ms}${unit}`,
        );
      line('raw PutItem', latency.raw);
      line('Ferry publish', latency.ferry);
      line('Ferry / raw', latency.ratios, '×');
      line('… with 2 consumers', latency.ferryConsumed);
      line('… / raw', latency.ratiosConsumed, '×');
      if (latency.cpuMsPerMessage !== undefined) {
        const parts = (cpu: Record<string, number>) =>
          Object.entries(cpu)
            .map(([part, ms]) => `${part} ${ms}`)
            .join(', ');
        console.log(`CPU ms per message, publish and dispatch: ${parts(latency.cpuMsPerMessage.publishing)}`);
        console.log(`CPU ms per message, with receive and ack: ${parts(latency.cpuMsPerMessage.withConsumers)}`);
      }
    }

    if (wanted('throughput')) {
      const throughput = await runThroughputBenchmark(measured);
      console.log(
        `\n## publish → receive → ack, NORMAL topic, ${throughput.messages} messages (16 publishers, 4 consumers)`,
      );
      console.log(
        `ferry   ${throughput.ferry.perSecond} msg/s  latency p50 ${throughput.ferry.p50Ms} ms  p99 ${throughput.ferry.p99Ms} ms`,
      );
      console.log(
        `paced   ${throughput.paced.messages} messages at ${throughput.paced.ratePerSecond} msg/s: latency p50 ${throughput.paced.p50Ms} ms  p99 ${throughput.paced.p99Ms} ms`,
      );
      console.log(
        `direct  ${throughput.direct.perSecond} msg/s  latency p50 ${throughput.direct.p50Ms} ms  p99 ${throughput.direct.p99Ms} ms  (PutItem + SendMessage, Receive + DeleteBatch)`,
      );
      console.log(
        `ratio   ${throughput.ratio} of the direct ceiling (after ${WARM_UP_MESSAGES} messages through each, not measured)`,
      );
      if (throughput.cpuMsPerMessage !== undefined) {
        const parts = (cpu: Record<string, number>) => {
          const total = round(
            Object.values(cpu).reduce((sum, ms) => sum + ms, 0),
            2,
          );
          return `${Object.entries(cpu)
            .map(([part, ms]) => `${part} ${ms}`)
            .join(', ')} (total ${total})`;
        };
        console.log(`CPU ms per message, ferry:  ${parts(throughput.cpuMsPerMessage.ferry)}`);
        console.log(`CPU ms per message, direct: ${parts(throughput.cpuMsPerMessage.direct)}`);
      }
    }
  } finally {
    await measured.stop();
  }
}

const stack =
  only === undefined || only.some((name) => STACK_SECTIONS.includes(name))
    ? await startLocalStack({ env: BENCH_ENV, instrumentClients: countRequests })
    : undefined;
try {
  if (wanted('filter')) {
    const { runFilterBenchmark } = await import('./filter.ts');
    const figures = await runFilterBenchmark();
    console.log('\n## SQL92 filter evaluation');
    for (const [name, value] of Object.entries(figures)) console.log(`${name}: ${value}`);
  }

  if (stack !== undefined && wanted('delay')) {
    const delay = await runDelayBenchmark(stack);
    console.log(
      `\n## scheduled messages: lateness over ${delay.messages} messages (${delay.directPath} direct path, ${delay.longPath} long path)`,
    );
    console.log(`lateness p50 ${delay.p50Ms} ms  p99 ${delay.p99Ms} ms  max ${delay.maxMs} ms  early ${delay.early}`);
  }

  if (stack !== undefined && wanted('tick')) {
    const tick = await runTickBenchmark(stack);
    console.log(`\n## one tick over a bucket of ${tick.messages} due messages (all in one minute's bucket)`);
    console.log(
      `tick ${tick.tickMs} ms (${tick.perSecond} hand-ons/s); 100,000 would take about ${tick.projected100kMs} ms at this rate`,
    );
    console.log(`CPU time of the tick's process: ${tick.cpuMsPerMessage} ms per message handed on`);
    const perShardSeconds = round(((100_000 / tick.shards) * tick.cpuMsPerMessage) / 1000, 1);
    console.log(
      `in AWS the tick fans out to ${tick.shards} tick-shard functions (one vCPU each): 100,000 messages are ${100_000 / tick.shards} per shard, about ${perShardSeconds} s of CPU each`,
    );
    console.log(
      `the engine's ceiling for the same conditional UpdateItems, 64 in flight: ${tick.engineCeilingPerSecond}/s`,
    );
  }

  if (stack !== undefined && wanted('transactions')) {
    const txn = await runTransactionBenchmark(stack);
    console.log(`\n## transactions: ${txn.messages} each, 16 producers`);
    console.log(
      `normal publish         ${txn.normalPublish.perSecond} msg/s  p50 ${txn.normalPublish.p50Ms} ms  p99 ${txn.normalPublish.p99Ms} ms`,
    );
    console.log(
      `half message + commit  ${txn.halfPlusCommit.perSecond} txn/s  p50 ${txn.halfPlusCommit.p50Ms} ms  p99 ${txn.halfPlusCommit.p99Ms} ms`,
    );
  }

  if (stack !== undefined && wanted('fifo')) {
    console.log('\n## ordered messages: 1000 each, publish → receive → ack');
    for (const figures of await runFifoBenchmark(stack)) {
      console.log(
        `${figures.label.padEnd(26)} ${figures.perSecond} msg/s  latency p50 ${figures.p50Ms} ms  p99 ${figures.p99Ms} ms`,
      );
    }
  }

  if (stack !== undefined && wanted('push')) {
    const { runPushBenchmark } = await import('./push.ts');
    const push = await runPushBenchmark(stack);
    console.log(
      `\n## push: a burst of ${push.messages} messages to an endpoint, ratePerSecond ${push.ratePerSecond}, maxConcurrency ${push.maxConcurrency}`,
    );
    console.log(`published in ${push.publishSeconds} s`);
    console.log(
      `reached the endpoint at ${push.measuredPerSecond} msg/s (busiest second: ${push.busiestSecond}), max concurrency seen ${push.maxInFlightSeen}`,
    );
    console.log(
      `received ${push.received}, lost ${push.lost}, duplicates ${push.duplicates}, endpoint latency mean ${push.latencyMsMean} ms`,
    );
  }
  if (stack !== undefined && wanted('pull-beside-push')) {
    const { runPullBesidePushBenchmark } = await import('./pull-beside-push.ts');
    const figures = await runPullBesidePushBenchmark(stack);
    console.log(`\n## pull beside push: a pull group's calls while ${figures.pushLoops} push loops poll their queues`);
    console.log(
      `empty receive (waitSeconds 0): p50 ${figures.emptyReceiveMsP50} ms, max ${figures.emptyReceiveMsMax} ms`,
    );
    console.log(`publish to received: p50 ${figures.publishToReceiveMsP50} ms`);
    console.log(`ack: p50 ${figures.ackMsP50} ms, max ${figures.ackMsMax} ms`);
  }
} finally {
  await stack?.stop();
}
