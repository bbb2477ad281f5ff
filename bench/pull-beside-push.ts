// Benchmark: a pull group's receive and ack beside many push groups on one local stack. The push loops long-poll
// their queues, as Lambda's event source mappings do; they must not hold the sockets the API's own calls need.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FerryClient } from '../client/index.ts';
import type { LocalStack } from '../lambda/local/local-stack.ts';
import { percentile, round } from './stats.ts';

const PUSH_GROUPS = 12;
const PUSH_CONCURRENCY = 10;
const ROUNDS = 10;

export interface PullBesidePushFigures {
  pushLoops: number;
  emptyReceiveMsP50: number;
  emptyReceiveMsMax: number;
  publishToReceiveMsP50: number;
  ackMsP50: number;
  ackMsMax: number;
}

export async function runPullBesidePushBenchmark(stack: LocalStack): Promise<PullBesidePushFigures> {
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => response.writeHead(200).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = new FerryClient({ baseUrl: stack.apiUrl });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  try {
    await client.putTopic('beside', 'NORMAL');
    for (let group = 0; group < PUSH_GROUPS; group++)
      await client.putGroup(`beside-push-${group}`, [{ topic: 'beside' }], undefined, {
        url,
        maxConcurrency: PUSH_CONCURRENCY,
      });
    await client.putGroup('beside-pull', [{ topic: 'beside' }]);
    // Every push loop polling.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const timed = async (work: () => Promise<unknown>) => {
      const started = performance.now();
      await work();
      return performance.now() - started;
    };
    const empty: number[] = [];
    for (let round = 0; round < ROUNDS; round++)
      empty.push(await timed(() => client.receive('beside-pull', { maxMessages: 10, waitSeconds: 0 })));
    const delivered: number[] = [];
    const acks: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const started = performance.now();
      await client.publish('beside', { body: `m${round}` });
      let messages = await client.receive('beside-pull', { maxMessages: 10, waitSeconds: 1 });
      while (messages.length === 0) messages = await client.receive('beside-pull', { maxMessages: 10, waitSeconds: 1 });
      delivered.push(performance.now() - started);
      acks.push(
        await timed(() =>
          client.ack(
            'beside-pull',
            messages.map((message) => message.receiptHandle),
          ),
        ),
      );
    }
    return {
      pushLoops: PUSH_GROUPS * PUSH_CONCURRENCY,
      emptyReceiveMsP50: round(percentile(empty, 50)),
      emptyReceiveMsMax: round(Math.max(...empty)),
      publishToReceiveMsP50: round(percentile(delivered, 50)),
      ackMsP50: round(percentile(acks, 50)),
      ackMsMax: round(Math.max(...acks)),
    };
  } finally {
    for (let group = 0; group < PUSH_GROUPS; group++) await client.call('DELETE', `/v1/groups/beside-push-${group}`);
    await client.call('DELETE', '/v1/groups/beside-pull');
    server.closeAllConnections();
    server.close();
  }
}
