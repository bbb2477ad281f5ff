// A consumer loop over a group (as bbc's sqs-consumer does over a queue): receive, run the handler, ack or nack.
import { AckBatcher } from './ack-batcher.ts';
import type { ReceivedMessage } from './contract.ts';
import type { FerryClient } from './ferry-client.ts';

export type MessageHandler = (message: ReceivedMessage) => Promise<void> | void;

export interface ConsumeOptions {
  /** Handlers running at once, at most (default 1); each receive asks for no more than the free slots. */
  concurrency?: number;
  /** How long a received message stays invisible to other consumers (default 30, RocketMQ's default). */
  invisibleSeconds?: number;
  /** How often a running handler's message gets its invisible time renewed (default half of invisibleSeconds). */
  heartbeatSeconds?: number;
  /** Long-poll time of each receive (0-20, default 10); stop() waits for a poll in flight. */
  waitSeconds?: number;
  /** Nack with this delay instead of the group's backoff (10 s, 30 s, 1 min …) for the delivery attempt. */
  retryAfterSeconds?: number;
  /** A handler that threw (with its message), or a failed receive, ack, nack or extension. Default: console.error. */
  onError?: (error: unknown, message?: ReceivedMessage) => void;
  /** Pause after a failed receive before the next one (default 1000 ms). */
  errorPauseMs?: number;
}

/** The SQS limit behind one receive call is 10, the API's 32: ask for at most this many at once. */
const MAX_RECEIVE = 32;

export class FerryConsumer {
  /** Resolves when the consumer has stopped: after stop(), once the poll in flight and every handler finished. */
  readonly stopped: Promise<void>;
  private readonly running = new Set<Promise<void>>();
  private readonly acks: AckBatcher;
  private readonly concurrency: number;
  private readonly invisibleSeconds: number;
  private readonly heartbeatMs: number;
  private stopping = false;
  private wakeFromPause: (() => void) | undefined;

  constructor(
    private readonly client: FerryClient,
    private readonly group: string,
    private readonly handler: MessageHandler,
    private readonly options: ConsumeOptions,
  ) {
    this.concurrency = Math.max(1, Math.floor(options.concurrency ?? 1));
    this.invisibleSeconds = options.invisibleSeconds ?? 30;
    this.heartbeatMs = 1000 * (options.heartbeatSeconds ?? Math.max(1, Math.floor(this.invisibleSeconds / 2)));
    this.acks = new AckBatcher(client, group);
    this.stopped = this.run();
  }

  /** Stops receiving, then waits for the handlers in flight (and their acks) to finish. */
  stop(): Promise<void> {
    this.stopping = true;
    this.wakeFromPause?.();
    return this.stopped;
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      const free = this.concurrency - this.running.size;
      if (free === 0) {
        await Promise.race(this.running);
        continue;
      }
      await this.acksSent();
      if (this.stopping) break;
      for (const message of await this.receive(Math.min(free, MAX_RECEIVE))) this.track(this.process(message));
    }
    await Promise.all(this.running);
  }

  /**
   * Waits until handlers that just finished have their acks answered. A FIFO message group stays locked until its
   * message is acked, so a receive sent earlier would wait out its long poll instead of getting the next message.
   */
  private async acksSent(): Promise<void> {
    // One turn of the event loop: handlers that finish without waiting get to ask for their ack first.
    await new Promise((resolve) => setImmediate(resolve));
    await this.acks.idle();
  }

  private async receive(maxMessages: number): Promise<ReceivedMessage[]> {
    try {
      return await this.client.receive(this.group, {
        maxMessages,
        waitSeconds: this.options.waitSeconds ?? 10,
        invisibleSeconds: this.invisibleSeconds,
      });
    } catch (error) {
      this.report(error);
      await this.pause(this.options.errorPauseMs ?? 1000);
      return [];
    }
  }

  private track(work: Promise<void>): void {
    this.running.add(work);
    void work.finally(() => this.running.delete(work));
  }

  /** Never rejects: every failure goes to onError, and an unacknowledged message comes back by itself. */
  private async process(message: ReceivedMessage): Promise<void> {
    let extending: Promise<void> | undefined;
    const heartbeat = setInterval(() => (extending = this.extend(message)), this.heartbeatMs);
    let failure: { error: unknown } | undefined;
    try {
      await this.handler(message);
    } catch (error) {
      failure = { error };
    } finally {
      clearInterval(heartbeat);
    }
    // An extension still under way would otherwise race the ack and fail on a handle that is gone.
    await extending;
    try {
      if (failure === undefined) await this.acks.ack(message.receiptHandle);
      else {
        this.report(failure.error, message);
        await this.client.nack(this.group, message.receiptHandle, this.options.retryAfterSeconds);
      }
    } catch (error) {
      this.report(error, message);
    }
  }

  private async extend(message: ReceivedMessage): Promise<void> {
    try {
      await this.client.changeVisibility(this.group, message.receiptHandle, this.invisibleSeconds);
    } catch (error) {
      this.report(error, message);
    }
  }

  private report(error: unknown, message?: ReceivedMessage): void {
    const onError = this.options.onError ?? defaultOnError(this.group);
    onError(error, message);
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wakeFromPause = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

const defaultOnError = (group: string) => (error: unknown, message?: ReceivedMessage) =>
  console.error(`ferry consumer ${group}${message === undefined ? '' : ` (message ${message.messageId})`}:`, error);
