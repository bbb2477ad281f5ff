// Lambda entry for the tick, run by the recurring EventBridge Scheduler schedule (rate(1 minute)).
import type { Tick, TickReport } from '../core/tick.ts';
import { shardWakerFromEnv } from '../aws/lambda-shard-waker.ts';
import { createAwsTick } from '../aws/services.ts';
import { logger } from '../aws/logger.ts';
import { flushingMetrics } from '../aws/powertools-metrics.ts';

export function createTickHandler(tick: Tick) {
  return async (): Promise<TickReport> => {
    const report = await tick.run();
    if (report.handedOn + report.checked > 0) logger.info('tick', { ...report });
    return report;
  };
}

export const handler = flushingMetrics(createTickHandler(createAwsTick(process.env, shardWakerFromEnv(process.env))));
