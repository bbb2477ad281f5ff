// The TypeScript client of Ferry's HTTP API (used by the `ferry` command line, the tests and the benchmark).
import type { ReceivedMessage } from '../lambda/core/consume.ts';
import type { PublishInput } from '../lambda/core/publish.ts';

export interface FerryClientOptions {
  /** The API's base URL: the local stack's `http://127.0.0.1:4000`, or the deployed API's URL. */
  baseUrl: string;
  /** Signs a request before it is sent (IAM authorisation in AWS); omitted for the local stack. */
  sign?: (request: Request) => Promise<Request>;
}

/** A non-2xx answer, with the contract's error code and message. */
export class FerryApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(`${status} ${code}: ${message}`);
  }
}

/** The body of a publish: the API's PublishInput. */
export type PublishRequest = PublishInput;
export type { ReceivedMessage };

export interface Subscription {
  topic: string;
  filter?: { type: 'TAG' | 'SQL92'; expression: string };
}

export class FerryClient {
  constructor(private readonly options: FerryClientOptions) {}

  putTopic(topic: string, messageType: 'NORMAL' | 'FIFO' | 'DELAY' | 'TRANSACTION', retentionHours?: number) {
    return this.call<{ name: string; messageType: string }>('PUT', `/v1/topics/${topic}`, { messageType, ...(retentionHours === undefined ? {} : { retentionHours }) });
  }

  putGroup(group: string, subscriptions: Subscription[], maxDeliveryAttempts?: number) {
    return this.call<{ name: string; queueUrl: string; deadLetterQueueUrl: string }>('PUT', `/v1/groups/${group}`, {
      subscriptions,
      ...(maxDeliveryAttempts === undefined ? {} : { maxDeliveryAttempts }),
    });
  }

  getGroup(group: string) {
    return this.call<{ name: string; backlog: { visible: number; inFlight: number; delayed: number; deadLetters: number } }>('GET', `/v1/groups/${group}`);
  }

  publish(topic: string, message: PublishRequest) {
    return this.call<{ messageId: string; state: string }>('POST', `/v1/topics/${topic}/messages`, message);
  }

  publishBatch(topic: string, messages: PublishRequest[]) {
    return this.call<{ results: Array<{ messageId: string; state: string } | { error: { code: string; message: string } }> }>('POST', `/v1/topics/${topic}/messages/batch`, { messages });
  }

  async receive(group: string, options: { maxMessages?: number; waitSeconds?: number; invisibleSeconds?: number } = {}): Promise<ReceivedMessage[]> {
    return (await this.call<{ messages: ReceivedMessage[] }>('POST', `/v1/groups/${group}/receive`, options)).messages;
  }

  ack(group: string, receiptHandles: string[]) {
    return this.call<{ acked: number; failed: unknown[] }>('POST', `/v1/groups/${group}/ack`, { receiptHandles });
  }

  nack(group: string, receiptHandle: string, retryAfterSeconds?: number) {
    return this.call<{ retryAfterSeconds: number }>('POST', `/v1/groups/${group}/nack`, { receiptHandle, ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }) });
  }

  getMessage(messageId: string) {
    return this.call<{ message: ReceivedMessage; state: string; events: Array<{ type: string; at: string; groups?: string[] }> }>('GET', `/v1/messages/${messageId}`);
  }

  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    // Relative to the base URL's own path, which for a REST API is its stage (`.../prod/`); `new URL('/v1/…', base)` would drop it.
    const base = this.options.baseUrl.endsWith('/') ? this.options.baseUrl : `${this.options.baseUrl}/`;
    let request = new Request(new URL(path.replace(/^\//, ''), base), {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? null : JSON.stringify(body),
    });
    if (this.options.sign !== undefined) request = await this.options.sign(request);
    const response = await fetch(request);
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    const parsed: unknown = text === '' ? undefined : JSON.parse(text);
    if (!response.ok) {
      const error = (parsed as { error?: { code?: string; message?: string } } | undefined)?.error;
      throw new FerryApiError(response.status, error?.code ?? 'UNKNOWN', error?.message ?? text);
    }
    return parsed as T;
  }
}
