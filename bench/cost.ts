// Benchmark: what a million 1 KB messages cost through Ferry in AWS, from the work counted on the local stack, beside SNS + SQS by hand.
import {
  CreateTopicCommand,
  PublishBatchCommand,
  PublishCommand,
  SNSClient,
  SubscribeCommand,
} from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { FerryClient } from '../client/index.ts';
import { startEngines, type Engines } from '../lambda/local/engines.ts';
import { startLocalStack } from '../lambda/local/local-stack.ts';
import { FUNCTION_MEMORY_MB, PRICES, PRICES_AS_OF } from './prices.ts';
import { capacityUnits, countRequests, itemWriteCounts, requestCounts } from './request-counter.ts';
import { inParallel, round } from './stats.ts';
import { orderBody, randomTextBody } from './bodies.ts';

const BATCH = 10;
const PUBLISHERS = 8;

export interface Work {
  messages: number;
  httpRequests: number;
  apiMs: number;
  dispatcherCalls: number;
  dispatcherMs: number;
  dynamoDbWriteUnits: number;
  dynamoDbReadUnits: number;
  dynamoDbItemsWritten: number;
  sqsRequests: number;
  snsRequests: number;
  /** Ferry's AWS requests by `Service.Operation` (the next cost is named by these, not guessed). */
  requests?: Record<string, number>;
}

export interface Priced {
  label: string;
  work: Work;
  /** USD per million messages, by line. */
  perMillion: Record<string, number>;
  total: number;
}

/** The construct's default target for a provisioned table (`capacity`, lib/parts/table.ts): units paid, 70% used. */
const PROVISIONED_UTILIZATION = 0.7;

/**
 * On demand, each request unit at its price; provisioned, the unit-hours that serve the same units at the target
 * utilisation, which holds only for traffic steady enough for auto scaling to follow.
 */
function price(label: string, work: Work, capacity: 'onDemand' | 'provisioned' = 'onDemand'): Priced {
  const perMessage = (value: number) => value / work.messages;
  const perUnit =
    capacity === 'onDemand'
      ? { write: PRICES.dynamoDbWriteRequestUnit, read: PRICES.dynamoDbReadRequestUnit }
      : {
          write: PRICES.dynamoDbWriteCapacityUnitHour / 3600 / PROVISIONED_UTILIZATION,
          read: PRICES.dynamoDbReadCapacityUnitHour / 3600 / PROVISIONED_UTILIZATION,
        };
  const gbSeconds = (ms: number, mb: number) => (ms / 1000) * (mb / 1024);
  const lines: Record<string, number> = {
    'API Gateway HTTP API': perMessage(work.httpRequests) * PRICES.httpApiRequest,
    'Lambda requests': perMessage(work.httpRequests + work.dispatcherCalls) * PRICES.lambdaRequest,
    'Lambda GB-s (API)': perMessage(gbSeconds(work.apiMs, FUNCTION_MEMORY_MB.api)) * PRICES.lambdaArmGbSecond,
    'Lambda GB-s (dispatcher)':
      perMessage(gbSeconds(work.dispatcherMs, FUNCTION_MEMORY_MB.dispatcher)) * PRICES.lambdaArmGbSecond,
    'DynamoDB writes': perMessage(work.dynamoDbWriteUnits) * perUnit.write,
    'DynamoDB reads': perMessage(work.dynamoDbReadUnits) * perUnit.read,
    'SQS requests': perMessage(work.sqsRequests) * PRICES.sqsStandardRequest,
    'SNS publishes': perMessage(work.snsRequests) * PRICES.snsPublishRequest,
  };
  const perMillion = Object.fromEntries(
    Object.entries(lines)
      .filter(([, usd]) => usd > 0)
      .map(([line, usd]) => [line, round(usd * 1e6, 3)]),
  );
  return { label, work, perMillion, total: round(Object.values(lines).reduce((a, b) => a + b, 0) * 1e6, 2) };
}

const sum = (counts: Map<string, number>, prefix: string) =>
  [...counts].filter(([key]) => key.startsWith(prefix)).reduce((total, [, count]) => total + count, 0);

/** Ferry end to end: publish, dispatch, receive and ack `messages` 1 KB messages to one group, singly or in batches. */
async function runFerry(
  engines: Engines,
  messages: number,
  batched: boolean,
  body: (sequence: number) => string = orderBody,
): Promise<Work> {
  const timing = { api: 0, apiCalls: 0, dispatcher: 0, dispatcherCalls: 0 };
  // The tick runs once at start and then not again: in AWS it runs once a minute whatever the traffic, so its reads
  // are a fixed cost, not a cost per message.
  const stack = await startLocalStack({
    engines,
    env: {
      FERRY_TABLE_NAME: `ferry-cost-${batched ? 'b' : 's'}-${body.name}`,
      FERRY_QUEUE_PREFIX: 'cost-',
      FERRY_TICK_SECONDS: '3600',
    },
    instrumentClients: countRequests,
    timeHandlers: (handler, ms) => {
      if (handler === 'api') {
        timing.api += ms;
        timing.apiCalls++;
      } else {
        timing.dispatcher += ms;
        timing.dispatcherCalls++;
      }
    },
  });
  try {
    const client = new FerryClient({ baseUrl: stack.apiUrl });
    const topic = `cost-${batched ? 'batched' : 'single'}-${body.name}`;
    await client.putTopic(topic, 'NORMAL');
    await client.putGroup(`${topic}-group`, [{ topic }]);
    await stack.poller.caughtUp();
    requestCounts.clear();
    itemWriteCounts.clear();
    Object.assign(capacityUnits, { read: 0, write: 0 });
    Object.assign(timing, { api: 0, apiCalls: 0, dispatcher: 0, dispatcherCalls: 0 });

    const size = batched ? BATCH : 1;
    const calls = Array.from({ length: messages / size }, (_, index) => index);
    await inParallel(calls, PUBLISHERS, async (call) => {
      if (batched)
        await client.publishBatch(
          topic,
          Array.from({ length: BATCH }, (_, index) => ({ body: body(call * BATCH + index) })),
        );
      else await client.publish(topic, { body: body(call) });
    });
    let received = 0;
    await inParallel([0, 1, 2, 3], 4, async () => {
      while (received < messages) {
        const batch = await client.receive(`${topic}-group`, { maxMessages: size, waitSeconds: 2 });
        if (batch.length === 0) continue;
        received += batch.length;
        await client.ack(
          `${topic}-group`,
          batch.map((message) => message.receiptHandle),
        );
      }
    });
    // The trace writes that follow the last ack and dispatch.
    await stack.poller.caughtUp();
    return {
      messages,
      httpRequests: timing.apiCalls,
      apiMs: timing.api,
      dispatcherCalls: timing.dispatcherCalls,
      dispatcherMs: timing.dispatcher,
      dynamoDbWriteUnits: capacityUnits.write,
      dynamoDbReadUnits: capacityUnits.read,
      dynamoDbItemsWritten: sum(itemWriteCounts, 'DynamoDB.'),
      sqsRequests: sum(requestCounts, 'SQS.'),
      snsRequests: 0,
      requests: Object.fromEntries(requestCounts),
    };
  } finally {
    await stack.stop();
  }
}

/** The same job by hand: an SNS topic with the group's SQS queue subscribed (raw delivery); the consumer deletes. */
async function runSnsSqs(sqsEndpoint: string, messages: number, batched: boolean): Promise<Work> {
  const sns = new SNSClient({ endpoint: sqsEndpoint });
  const sqs = new SQSClient({ endpoint: sqsEndpoint });
  const counted = { sns: 0, sqs: 0 };
  const name = `by-hand-${batched ? 'b' : 's'}`;
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: name }));
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  await sns.send(
    new SubscribeCommand({
      TopicArn,
      Protocol: 'sqs',
      Endpoint: Attributes?.QueueArn,
      Attributes: { RawMessageDelivery: 'true' },
    }),
  );
  const size = batched ? BATCH : 1;
  const calls = Array.from({ length: messages / size }, (_, index) => index);
  await inParallel(calls, PUBLISHERS, async (call) => {
    counted.sns++;
    if (!batched) await sns.send(new PublishCommand({ TopicArn, Message: orderBody(call) }));
    else
      await sns.send(
        new PublishBatchCommand({
          TopicArn,
          PublishBatchRequestEntries: Array.from({ length: BATCH }, (_, i) => ({
            Id: String(i),
            Message: orderBody(call * BATCH + i),
          })),
        }),
      );
  });
  let received = 0;
  await inParallel([0, 1, 2, 3], 4, async () => {
    while (received < messages) {
      counted.sqs++;
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: size, WaitTimeSeconds: 2 }),
      );
      if (Messages.length === 0) continue;
      received += Messages.length;
      counted.sqs++;
      if (!batched) await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: Messages[0]!.ReceiptHandle }));
      else
        await sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl,
            Entries: Messages.map((message, i) => ({ Id: String(i), ReceiptHandle: message.ReceiptHandle })),
          }),
        );
    }
  });
  sns.destroy();
  sqs.destroy();
  return {
    messages,
    httpRequests: 0,
    apiMs: 0,
    dispatcherCalls: 0,
    dispatcherMs: 0,
    dynamoDbWriteUnits: 0,
    dynamoDbReadUnits: 0,
    dynamoDbItemsWritten: 0,
    sqsRequests: counted.sqs,
    snsRequests: counted.sns,
  };
}

/** Runs on engines of its own, with no other stack beside it: the counters count this process's every call. */
export async function runCostBenchmark(messages = 1000): Promise<Priced[]> {
  const engines = await startEngines();
  try {
    const single = await runFerry(engines, messages / 2, false);
    const batched = await runFerry(engines, messages, true);
    const batchedText = await runFerry(engines, messages, true, randomTextBody);
    return [
      price('Ferry, single publish + receive + ack', single),
      price(`Ferry, batches of ${BATCH}`, batched),
      price(
        `Ferry, batches of ${BATCH}, table provisioned at ${PROVISIONED_UTILIZATION * 100}% utilisation (steady traffic)`,
        batched,
        'provisioned',
      ),
      price(`Ferry, batches of ${BATCH}, bodies of random text (deflate takes off a sixth)`, batchedText),
      price('SNS + SQS by hand, single', await runSnsSqs(engines.sqsEndpoint, messages / 2, false)),
      price(`SNS + SQS by hand, batches of ${BATCH}`, await runSnsSqs(engines.sqsEndpoint, messages, true)),
    ];
  } finally {
    await engines.stop();
  }
}

export function printCost(rows: Priced[]): void {
  console.log(
    `\n## cost per million 1 KB messages (JSON orders, bench/bodies.ts), one group, AWS list prices us-east-1 of ${PRICES_AS_OF} (bench/prices.ts)`,
  );
  for (const row of rows) {
    const { work } = row;
    console.log(`${row.label}: $${row.total.toFixed(2)} per million`);
    console.log(`  ${JSON.stringify(row.perMillion)}`);
    console.log(
      `  per message: ${round(work.httpRequests / work.messages, 3)} HTTP requests (${round(work.apiMs / Math.max(1, work.httpRequests), 1)} ms each), ` +
        `${round(work.dispatcherCalls / work.messages, 3)} dispatcher calls (${round(work.dispatcherMs / Math.max(1, work.dispatcherCalls), 1)} ms each), ` +
        `${round(work.dynamoDbItemsWritten / work.messages, 2)} DynamoDB items written = ${round(work.dynamoDbWriteUnits / work.messages, 2)} WRU, ` +
        `${round(work.dynamoDbReadUnits / work.messages, 2)} RRU, ${round(work.sqsRequests / work.messages, 3)} SQS requests, ${round(work.snsRequests / work.messages, 3)} SNS requests`,
    );
    if (work.requests !== undefined)
      console.log(
        `  AWS requests per message: ${Object.entries(work.requests)
          .sort(([, a], [, b]) => b - a)
          .map(([operation, count]) => `${operation} ${round(count / work.messages, 3)}`)
          .join(', ')}`,
      );
  }
}
