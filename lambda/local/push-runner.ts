// The local stack's pushers: for each push group, maxConcurrency loops that long-poll its queue and hand what they get
// to the same core the pusher Lambda runs, paced to the group's rate. It stands where the event source mappings stand
// in AWS, so the API starts, changes and stops it the same way. It counts nothing itself: the Pusher counts pushes
// through the Metrics port (the local stack's `metrics`, GET /v1/metrics), as it does in AWS.
import type { ConsumerGroup } from '../core/model.ts';
import type { PushMappings, QueueService } from '../core/ports.ts';
import { PushPacer, type Pacing } from '../core/push-pacer.ts';
import { pushBatchSize, type Pusher } from '../core/push.ts';

/** A receive waits this long for messages; short, so that a group switched back to pull stops pushing promptly. */
const POLL_SECONDS = 1;

export class PushRunner implements PushMappings {
  private readonly loops = new Map<string, GroupLoop>();
  private pusher: Pusher | undefined;
  private queues: QueueService | undefined;

  constructor(private readonly onError: (group: string, error: unknown) => void) {}

  /** The services are built after their ports, this among them: they are handed in once they exist. */
  attach(pusher: Pusher, queues: QueueService): void {
    this.pusher = pusher;
    this.queues = queues;
  }

  async sync(group: ConsumerGroup): Promise<void> {
    await this.remove(group);
    if (group.push === undefined) return;
    if (this.pusher === undefined || this.queues === undefined) throw new Error('the push runner is not attached');
    const loop = new GroupLoop({ ...group, push: group.push }, this.pusher, this.queues, (error) =>
      this.onError(group.name, error),
    );
    this.loops.set(group.name, loop);
    loop.start();
  }

  /** Waits for the group's pushers to finish what they hold, so that after a switch to pull no push is under way. */
  async remove(group: Pick<ConsumerGroup, 'name'>): Promise<void> {
    const loop = this.loops.get(group.name);
    if (loop === undefined) return;
    this.loops.delete(group.name);
    await loop.stop();
  }

  async stop(): Promise<void> {
    await Promise.all([...this.loops.keys()].map((name) => this.remove({ name })));
  }
}

class GroupLoop {
  private readonly abort = new AbortController();
  private readonly pacer: PushPacer | undefined;
  private workers: Array<Promise<void>> = [];

  constructor(
    private readonly group: ConsumerGroup & { push: NonNullable<ConsumerGroup['push']> },
    private readonly pusher: Pusher,
    private readonly queues: QueueService,
    private readonly onError: (error: unknown) => void,
  ) {
    // One pacer for all of the group's loops: in one process they can share it, so the rate is the group's own.
    this.pacer =
      group.push.ratePerSecond === undefined
        ? undefined
        : new PushPacer(group.push.ratePerSecond, Date.now, (ms) => this.sleep(ms));
  }

  start(): void {
    this.workers = Array.from({ length: this.group.push.maxConcurrency }, () => this.work());
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await Promise.all(this.workers);
  }

  /**
   * One of maxConcurrency loops, each with at most one request in flight. With a rate, a loop that found messages last
   * time takes its slot before it receives, so that a message is received only when it can be sent, and takes a batch no
   * longer than its share of the rate lets it push within the window (the same sizing as a pusher instance in AWS). An
   * idle loop receives without a slot: slots held through long polls would all be spent at once when messages come.
   */
  private async work(): Promise<void> {
    const settings = this.group.push;
    const batchSize = pushBatchSize(
      settings,
      settings.ratePerSecond === undefined ? undefined : settings.ratePerSecond / settings.maxConcurrency,
    );
    let busy = true;
    while (!this.abort.signal.aborted) {
      try {
        let slotAt: number | undefined;
        if (this.pacer !== undefined && busy) {
          await this.pacer.take();
          slotAt = Date.now();
        }
        if (this.abort.signal.aborted) break;
        const messages = await this.queues.receive(this.group.queueUrl, {
          maxMessages: batchSize,
          waitSeconds: POLL_SECONDS,
        });
        busy = messages.length > 0;
        if (!busy) continue;
        const result = await this.pusher.pushBatch(
          this.group,
          messages,
          this.pacer && startingWith(this.pacer, slotAt !== undefined && Date.now() - slotAt <= this.pacer.intervalMs),
        );
        if (result.acknowledged.length > 0) {
          const { failed } = await this.queues.delete(this.group.queueUrl, result.acknowledged);
          if (failed.length > 0)
            this.onError(new Error(`${failed.length} pushed messages not deleted: they come again`));
        }
      } catch (error) {
        this.onError(error);
        await this.sleep(POLL_SECONDS * 1000);
      }
    }
  }

  /** A wait that ends early when the loop stops. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.abort.signal.aborted) return resolve();
      const timer = setTimeout(resolve, ms);
      this.abort.signal.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

/**
 * The pacer, but the first request goes at once if the slot taken before the receive is still fresh (the receive found
 * messages waiting). A slot older than an interval belongs to a moment that has passed: spent now, it would send beside
 * the slots handed out since.
 */
function startingWith(pacer: Pacing, freshSlot: boolean): Pacing {
  let first = freshSlot;
  return {
    take: () => {
      if (!first) return pacer.take();
      first = false;
      return Promise.resolve();
    },
  };
}
