// Counts each group's dead letters about once a minute, as the level `deadLetterBacklog`. A nack on the last attempt is
// counted as it happens (`deadLettered`); SQS also moves a message aside by itself when its last delivery was never
// answered (a consumer that crashed or timed out), and only a count of the dead-letter queue sees that one.
import { mapConcurrently } from './concurrency.ts';
import type { ConsumerGroup } from './model.ts';
import type { Metrics } from './metrics.ts';
import type { Clock, FaultLog, QueueService } from './ports.ts';

/** Queues counted at once. */
const COUNT_CONCURRENCY = 16;
/** A tick comes a little early or late: it counts once nine tenths of the interval have passed. */
const INTERVAL_TOLERANCE = 0.9;

type CountedGroup = Pick<ConsumerGroup, 'name' | 'deadLetterQueueUrl'>;

export class DeadLetterWatch {
  private lastCountAt = -Infinity;

  constructor(
    private readonly groups: () => Promise<CountedGroup[]>,
    private readonly queues: QueueService,
    private readonly metrics: Metrics,
    private readonly faults: FaultLog,
    private readonly clock: Clock,
    /** FERRY_DEAD_LETTER_COUNT_SECONDS: at most one count in this long (the local tick runs every 5 s). */
    private readonly everySeconds: number,
  ) {}

  /**
   * Counts every group's dead letters if the last count is old enough; answers how many groups were counted. Never
   * throws: what cannot be counted is logged as a fault, and counted next time.
   */
  async run(): Promise<number> {
    const now = this.clock.now();
    if (now - this.lastCountAt < this.everySeconds * 1000 * INTERVAL_TOLERANCE) return 0;
    this.lastCountAt = now;
    let groups: CountedGroup[];
    try {
      groups = await this.groups();
    } catch (error) {
      this.faults.report('DEAD_LETTERS_NOT_COUNTED', { error: String(error) });
      return 0;
    }
    const counted = await mapConcurrently(groups, COUNT_CONCURRENCY, async (group) => {
      try {
        const deadLetters = await this.queues.deadLetterCount(group.deadLetterQueueUrl);
        this.metrics.level('deadLetterBacklog', { group: group.name }, deadLetters);
        return true;
      } catch (error) {
        this.faults.report('DEAD_LETTERS_NOT_COUNTED', { group: group.name, error: String(error) });
        return false;
      }
    });
    return counted.filter(Boolean).length;
  }
}
