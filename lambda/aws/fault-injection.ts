// Chaos only: an SDK middleware that makes AWS calls fail at random (FERRY_CHAOS_FAULT_RATE), before or after the real call.

/**
 * The faults a real AWS call can end in, as the SDK itself would report them: throttling and a 500 (the SDK retries
 * both), a timeout and a connection reset (retried as transient). Each is injected either before the request goes out
 * (nothing happened) or after the real call returned (it happened, and the caller sees an error: the hard case).
 */
export type FaultKind = 'throttling' | 'server-error' | 'timeout' | 'connection-reset';
export type FaultMoment = 'before' | 'after';

export interface FaultSettings {
  /** Probability that one attempt of one call fails, 0 to 1. */
  rate: number;
  /** Seeds the random choice, so that a run can be repeated as far as timing allows. */
  seed: number;
}

/** Faults injected by this process, by `moment:kind`; the chaos runner reads them from the summary lines on stderr. */
export const injectedFaults = new Map<string, number>();

type Env = Record<string, string | undefined>;

/** Undefined unless the chaos runner asked for faults: production never sets FERRY_CHAOS_FAULT_RATE. */
export function faultSettingsFrom(env: Env): FaultSettings | undefined {
  const raw = env.FERRY_CHAOS_FAULT_RATE;
  if (raw === undefined || raw === '') return undefined;
  const rate = Number(raw);
  if (!Number.isFinite(rate) || rate < 0 || rate > 1)
    throw new Error(`FERRY_CHAOS_FAULT_RATE must be a number from 0 to 1, got '${raw}'`);
  return { rate, seed: Number(env.FERRY_CHAOS_SEED ?? 1) };
}

interface MiddlewareStackLike {
  add(
    middleware: (
      next: (args: unknown) => Promise<unknown>,
      context: { commandName?: string },
    ) => (args: unknown) => Promise<unknown>,
    options: { step: 'deserialize'; name: string; priority: 'high' },
  ): void;
}

const KINDS: FaultKind[] = ['throttling', 'server-error', 'timeout', 'connection-reset'];

/**
 * Adds the fault middleware to a client. It sits in the deserialize step, inside the SDK's retry loop, so that every
 * attempt may fail and the SDK retries as it would in AWS.
 */
export function injectFaults(
  service: 'DynamoDB' | 'DynamoDBStreams' | 'SQS',
  stack: unknown,
  settings: FaultSettings,
): void {
  const random = seededRandom(settings.seed + hash(service));
  (stack as MiddlewareStackLike).add(
    (next, context) => async (args) => {
      if (random() >= settings.rate) return next(args);
      const kind = KINDS[Math.floor(random() * KINDS.length)]!;
      const moment: FaultMoment = random() < 0.5 ? 'before' : 'after';
      const operation = (context.commandName ?? 'Unknown').replace(/Command$/, '');
      count(`${moment}:${kind}`);
      if (moment === 'after') await next(args);
      throw faultError(service, kind, `${service}.${operation}`);
    },
    { step: 'deserialize', name: 'ferryChaosFaults', priority: 'high' },
  );
  reportPeriodically();
}

/** Errors shaped as the SDK makes them, so that its retry strategy classifies them as it would the real ones. */
export function faultError(service: string, kind: FaultKind, call: string): Error {
  const sqs = service === 'SQS';
  switch (kind) {
    case 'throttling':
      return serviceError(sqs ? 'RequestThrottled' : 'ThrottlingException', `chaos: ${call} throttled`, 400, 'client', {
        throttling: true,
      });
    case 'server-error':
      return serviceError(
        sqs ? 'InternalFailure' : 'InternalServerError',
        `chaos: ${call} failed with a 500`,
        500,
        'server',
      );
    case 'timeout':
      return Object.assign(new Error(`chaos: ${call} timed out`), { name: 'TimeoutError', code: 'ETIMEDOUT' });
    case 'connection-reset':
      return Object.assign(new Error(`chaos: ${call}: socket hang up`), { code: 'ECONNRESET' });
  }
}

function serviceError(
  name: string,
  message: string,
  status: number,
  fault: 'client' | 'server',
  retryable?: { throttling: boolean },
): Error {
  const error = new Error(message);
  return Object.assign(error, {
    name,
    $fault: fault,
    $metadata: { httpStatusCode: status, attempts: 1, totalRetryDelay: 0 },
    ...(retryable === undefined ? {} : { $retryable: retryable }),
  });
}

function count(key: string): void {
  injectedFaults.set(key, (injectedFaults.get(key) ?? 0) + 1);
}

let reporting: NodeJS.Timeout | undefined;

/**
 * One cumulative line every second on stderr, with the process id: the process may be killed at any moment, so it never
 * reports at exit, and the local stack's processes (the API's, the background one) share one stderr.
 */
function reportPeriodically(): void {
  if (reporting !== undefined) return;
  let last = '';
  reporting = setInterval(() => {
    const line = JSON.stringify(Object.fromEntries(injectedFaults));
    if (line !== last) process.stderr.write(`ferry-chaos-faults ${process.pid} ${line}\n`);
    last = line;
  }, 1000);
  reporting.unref();
}

/** mulberry32: small, fast and good enough to pick faults. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hash(text: string): number {
  let h = 0;
  for (const char of text) h = (Math.imul(h, 31) + char.charCodeAt(0)) | 0;
  return h;
}
