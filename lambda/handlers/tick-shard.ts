// Lambda entry for one shard of the tick's fan-out: wakes that shard's due messages and answers what it did.
// zod/mini: the same validation without the full zod in a bundle that only checks three fields.
import * as z from 'zod/mini';
import type { WakeCounts } from '../core/ports.ts';
import type { Tick } from '../core/tick.ts';
import { createAwsTick } from '../aws/services.ts';
import { logger } from '../aws/logger.ts';
import { flushingMetrics } from '../aws/powertools-metrics.ts';

/** Sent only by the tick (LambdaShardWaker); checked all the same, so that a stray invocation wakes nothing. */
const shardWork = z.object({
  shard: z.int().check(z.nonnegative()),
  buckets: z.array(z.int()).check(z.maxLength(100_000)),
  now: z.int().check(z.positive()),
});

export function createTickShardHandler(tick: Pick<Tick, 'wakeShard'>) {
  return async (event: unknown): Promise<WakeCounts> => {
    const work = shardWork.parse(event);
    const counts = await tick.wakeShard(work);
    if (counts.handedOn + counts.checked > 0) logger.info('tick shard', { shard: work.shard, ...counts });
    return counts;
  };
}

export const handler = flushingMetrics(createTickShardHandler(createAwsTick()));
