// Gathers the acknowledgements of handlers that finish together into one ack call (one trace write, one request).
import type { FerryClient } from './ferry-client.ts';

/** The API's limit of receipt handles per ack call. */
const MAX_PER_CALL = 100;

interface PendingAck {
  receiptHandle: string;
  resolve: () => void;
  reject: (error: Error) => void;
}

export class AckBatcher {
  private pending: PendingAck[] = [];
  private scheduled = false;
  private sending = 0;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly client: FerryClient,
    private readonly group: string,
  ) {}

  /** Resolves once the message is acknowledged; rejects if Ferry could not (it then comes back). */
  ack(receiptHandle: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ receiptHandle, resolve, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      // After the current turn: handlers that finish in the same turn share one call.
      setImmediate(() => void this.flush());
    });
  }

  /** Resolves once every ack asked for so far has been answered. */
  idle(): Promise<void> {
    if (this.pending.length === 0 && this.sending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    const taken = this.pending;
    this.pending = [];
    this.sending++;
    for (let start = 0; start < taken.length; start += MAX_PER_CALL) {
      await this.send(taken.slice(start, start + MAX_PER_CALL));
    }
    this.sending--;
    if (this.pending.length > 0 || this.sending > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const wake of waiters) wake();
  }

  private async send(batch: PendingAck[]): Promise<void> {
    try {
      const { failed } = await this.client.ack(
        this.group,
        batch.map((entry) => entry.receiptHandle),
      );
      const failures = new Map(failed.map((failure) => [failure.receiptHandle, failure.error]));
      for (const entry of batch) {
        const failure = failures.get(entry.receiptHandle);
        if (failure === undefined) entry.resolve();
        else entry.reject(new Error(`ack failed: ${failure.code}: ${failure.message}`));
      }
    } catch (error) {
      for (const entry of batch) entry.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }
}
