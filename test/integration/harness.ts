// Builds an isolated Ferry stack (own table, own queue prefix) on the engines that global-setup started.
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { FerryClient, type ReceivedMessage } from '../../client/index.ts';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../../lambda/local/local-stack.ts';

export interface TestStack extends LocalStack {
  client: FerryClient;
  /** Resolves once the dispatcher has handled every write made before the call. */
  dispatched(): Promise<void>;
}

/**
 * The two engine pairs global-setup started: in memory, and persisting to a data folder as `npm start` runs them (with
 * the dispatcher and the tick in a process of their own, as `npm start` runs them too, unless the test wraps the ports).
 */
export type EngineMode = 'in memory' | 'persistent';
export const ENGINE_MODES: EngineMode[] = ['in memory', 'persistent'];

function enginesFor(mode: EngineMode) {
  return mode === 'persistent'
    ? { dynamoDbEndpoint: inject('persistentDynamoDbEndpoint'), sqsEndpoint: inject('persistentSqsEndpoint') }
    : { dynamoDbEndpoint: inject('dynamoDbEndpoint'), sqsEndpoint: inject('sqsEndpoint') };
}

export async function startTestStack(
  options: Pick<LocalStackOptions, 'env' | 'adjustPorts' | 'onStreamError'> & { engines?: EngineMode } = {},
): Promise<TestStack> {
  const id = randomBytes(3).toString('hex');
  const stack = await startLocalStack({
    engines: enginesFor(options.engines ?? 'in memory'),
    // Wrapped ports (injected faults) reach only this process, so such a stack keeps its dispatcher here.
    separateProcesses: options.engines === 'persistent' && options.adjustPorts === undefined,
    env: {
      FERRY_TABLE_NAME: `ferry-test-${id}`,
      FERRY_QUEUE_PREFIX: `t${id}-`,
      FERRY_CATALOG_CACHE_SECONDS: '0',
      FERRY_TICK_SECONDS: '1',
      FERRY_TIMER_SHARDS: '2',
      ...options.env,
    },
    onStreamError:
      options.onStreamError ??
      ((error) => {
        if (process.env.FERRY_TEST_DEBUG) console.error('stream error', error);
      }),
    ...(options.adjustPorts === undefined ? {} : { adjustPorts: options.adjustPorts }),
  });
  return { ...stack, client: new FerryClient({ baseUrl: stack.apiUrl }), dispatched: () => stack.poller.caughtUp() };
}

/** Consumes (and so acknowledges) until `count` messages arrived or `timeoutMs` passed. */
export async function drain(stack: TestStack, group: string, count: number, timeoutMs = 20_000) {
  const received: ReceivedMessage[] = [];
  const consumer = stack.client.consume(
    group,
    (message) => {
      received.push(message);
      // Stopped from the handler, so that no further receive takes messages a later step expects.
      if (received.length >= count) void consumer.stop();
    },
    { concurrency: 32, waitSeconds: 1 },
  );
  const timer = setTimeout(() => void consumer.stop(), timeoutMs);
  await consumer.stopped;
  clearTimeout(timer);
  return received;
}

/** Raw HTTP, for asserting on status codes and error bodies. */
export async function request(
  stack: TestStack,
  method: string,
  path: string,
  body?: unknown | string,
): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${stack.apiUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? null : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: text === '' ? undefined : JSON.parse(text) };
}
