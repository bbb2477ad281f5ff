// Benchmark: how long one tick takes to hand on a bucket full of scheduled messages (the goal: 100,000 well within a minute).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { FerryClient } from '../client/index.ts';
import { mapConcurrently } from '../lambda/core/concurrency.ts';
import { startLocalStack, type LocalStack } from '../lambda/local/local-stack.ts';
import { round } from './stats.ts';

const MESSAGES = 10_000;
const BATCH = 100;

/** The engine's own rate for the same kind of write: conditional UpdateItems, 64 in flight, no Ferry in between. */
async function updateCeiling(stack: LocalStack): Promise<number> {
  const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: stack.dynamoDbEndpoint }));
  const keys = Array.from({ length: MESSAGES }, (_, i) => ({ pk: `CEILING#${i}`, sk: 'M' }));
  await mapConcurrently(
    Array.from({ length: MESSAGES / 25 }, (_, i) => keys.slice(i * 25, i * 25 + 25)),
    4,
    (chunk) =>
      documents.send(
        new BatchWriteCommand({
          RequestItems: {
            [stack.tableName]: chunk.map((key) => ({ PutRequest: { Item: { ...key, state: 'SCHEDULED' } } })),
          },
        }),
      ),
  );
  const started = performance.now();
  await mapConcurrently(keys, 64, (Key) =>
    documents.send(
      new UpdateCommand({
        TableName: stack.tableName,
        Key,
        ConditionExpression: '#s = :from',
        UpdateExpression: 'SET #s = :to',
        ExpressionAttributeNames: { '#s': 'state' },
        ExpressionAttributeValues: { ':from': 'SCHEDULED', ':to': 'DONE' },
      }),
    ),
  );
  return round(MESSAGES / ((performance.now() - started) / 1000));
}

export async function runTickBenchmark(engines: Pick<LocalStack, 'dynamoDbEndpoint' | 'sqsEndpoint'>): Promise<{
  messages: number;
  tickMs: number;
  perSecond: number;
  projected100kMs: number;
  cpuMsPerMessage: number;
  shards: number;
  engineCeilingPerSecond: number;
}> {
  // A stack whose own tick sleeps for an hour, so that the one tick measured here finds every message due.
  const stack = await startLocalStack({
    engines,
    env: {
      FERRY_TABLE_NAME: 'ferry-bench-tick',
      FERRY_DIRECT_DELAY_LIMIT_SECONDS: '5',
      FERRY_TIMER_LEAD_SECONDS: '3',
      FERRY_TICK_SECONDS: '3600',
    },
  });
  try {
    const client = new FerryClient({ baseUrl: stack.apiUrl });
    await client.putTopic('bench-tick', 'DELAY');
    const deliverAt = Date.now() + 60_000;
    for (let sent = 0; sent < MESSAGES; sent += BATCH) {
      await client.publishBatch(
        'bench-tick',
        Array.from({ length: BATCH }, (_, i) => ({ body: String(sent + i), deliverAt })),
      );
    }
    // Wait until every message is within its lead, then tick once by hand.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, deliverAt - 3000 - Date.now() + 500)));
    // The dispatcher is stopped meanwhile, so that the CPU time measured is the tick's alone.
    await stack.poller.stop();
    const cpuBefore = process.cpuUsage();
    const report = await stack.services.tick.run();
    const cpu = process.cpuUsage(cpuBefore);
    stack.poller.start();
    if (report.handedOn !== MESSAGES) throw new Error(`the tick handed on ${report.handedOn} of ${MESSAGES}`);
    const perSecond = MESSAGES / (report.durationMs / 1000);
    return {
      messages: MESSAGES,
      tickMs: report.durationMs,
      perSecond: round(perSecond),
      projected100kMs: round((100_000 / perSecond) * 1000, 0),
      cpuMsPerMessage: round((cpu.user + cpu.system) / 1000 / MESSAGES, 3),
      shards: stack.services.config.timerShards,
      engineCeilingPerSecond: await updateCeiling(stack),
    };
  } finally {
    await stack.stop();
  }
}
