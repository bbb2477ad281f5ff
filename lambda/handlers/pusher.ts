// Lambda entry of the pusher: an SQS event source mapping per push group hands it a batch of the group's queue; the
// core POSTs each message, and the failures go back as partial batch failures.
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { ConsumerGroup } from '../core/model.ts';
import { parseQueueName } from '../core/names.ts';
import { PushPacer, realSleep } from '../core/push-pacer.ts';
import type { Pusher } from '../core/push.ts';
import { TtlCache } from '../core/ttl-cache.ts';
import { createAwsPusher } from '../aws/services.ts';
import { ratePerPusher } from '../aws/lambda-push-mappings.ts';
import { flushingMetrics } from '../aws/powertools-metrics.ts';
import { s3BodyStoreFromEnv } from '../aws/s3-body-store.ts';

export interface PusherDeps {
  pusher: Pusher;
  group: (name: string) => Promise<ConsumerGroup | undefined>;
  queuePrefix: string;
  /** Where an idle pacer's first slot falls in its interval (0 to 1): Math.random, or a fixed one in tests. */
  random?: () => number;
}

export function createPusherHandler({ pusher, group: groupNamed, queuePrefix, random = Math.random }: PusherDeps) {
  // One pacer per group per instance, kept while its rate stays the same.
  const pacers = new Map<string, { rate: number; pacer: PushPacer }>();
  const pacerOf = (group: ConsumerGroup) => {
    const rate = group.push === undefined ? undefined : ratePerPusher(group.push);
    if (rate === undefined) return undefined;
    const known = pacers.get(group.name);
    if (known?.rate === rate) return known.pacer;
    const pacer = new PushPacer(rate, Date.now, realSleep);
    pacers.set(group.name, { rate, pacer });
    return pacer;
  };

  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const first = event.Records[0];
    if (first === undefined) return { batchItemFailures: [] };
    const name = groupOfQueueArn(first.eventSourceARN, queuePrefix);
    const group = name === undefined ? undefined : await groupNamed(name);
    // A group switched back to pull (its mapping is going) or deleted: the batch goes back to its queue untouched.
    if (group?.push === undefined) {
      return { batchItemFailures: event.Records.map((record) => ({ itemIdentifier: record.messageId })) };
    }
    const byHandle = new Map(event.Records.map((record) => [record.receiptHandle, record.messageId]));
    const pacer = pacerOf(group);
    // The mapping's instances pace their shares apart: after a quiet spell, their first requests must not coincide.
    pacer?.spreadIfIdle(random);
    const result = await pusher.pushBatch(
      group,
      event.Records.map((record) => ({
        body: record.body,
        queueHandle: record.receiptHandle,
        receiveCount: Number(record.attributes.ApproximateReceiveCount),
      })),
      pacer,
    );
    return { batchItemFailures: result.failed.map((handle) => ({ itemIdentifier: byHandle.get(handle)! })) };
  };
}

/**
 * `arn:…:sqs:<region>:<account>:<prefix>q-<group>[.fifo]` names the group (core/names.ts); a dead-letter queue or
 * another prefix's queue, none. A group made before that naming keeps its `<prefix><group>` queue.
 */
export function groupOfQueueArn(queueArn: string, queuePrefix: string): string | undefined {
  const name = queueArn.slice(queueArn.lastIndexOf(':') + 1);
  const parsed = parseQueueName(queuePrefix, name);
  if (parsed !== undefined) return parsed.role === 'main' ? parsed.group : undefined;
  return name.startsWith(queuePrefix) ? name.slice(queuePrefix.length).replace(/\.fifo$/, '') : undefined;
}

// The pusher reads large bodies (S3) to push them whole, as receive answers them.
const { pusher, ports } = createAwsPusher(process.env, { bodies: s3BodyStoreFromEnv(process.env) });
const groups = new TtlCache<ConsumerGroup | undefined>(ports.config.catalogCacheSeconds * 1000, ports.clock);

export const handler = flushingMetrics(
  createPusherHandler({
    pusher,
    group: (name) => groups.get(name, () => ports.catalog.getGroup(name)),
    queuePrefix: ports.config.queuePrefix,
  }),
);
