// Replay (RocketMQ's reset offset, Pub/Sub's seek): one topic's messages of a time range sent again to one group.
import { traceBestEffort } from './best-effort.ts';
import { NotFoundError, ValidationError } from './errors.ts';
import { cachedFilter } from './filter/index.ts';
import { newMessageId } from './ids.ts';
import { timeRange } from './listing.ts';
import { refOf } from './message-ref.ts';
import { toQueued, type ConsumerGroup, type Message } from './model.ts';
import type { Clock, FaultLog, MessageStore, OutgoingMessage, QueueService, ReplayJob } from './ports.ts';
import { encodeForQueue } from './queue-body.ts';

/** Messages read (and sent) per step; each step ends with a checkpoint. */
const REPLAY_PAGE = 100;
/** How long a finished job's progress stays readable. */
const REPLAY_KEPT_SECONDS = 7 * 86_400;

export interface ReplayView {
  replayId: string;
  group: string;
  topic: string;
  from: string;
  to: string;
  state: ReplayJob['state'];
  sent: number;
  skipped: number;
  createdAt: string;
  updatedAt: string;
  finishedAt?: string;
  reason?: string;
}

const iso = (at: number) => new Date(at).toISOString();

export function toReplayView(job: ReplayJob): ReplayView {
  const view: ReplayView = {
    replayId: job.replayId,
    group: job.group,
    topic: job.topic,
    from: iso(job.from),
    to: iso(job.to),
    state: job.state,
    sent: job.sent,
    skipped: job.skipped,
    createdAt: iso(job.createdAt),
    updatedAt: iso(job.updatedAt),
  };
  if (job.finishedAt !== undefined) view.finishedAt = iso(job.finishedAt);
  if (job.reason !== undefined) view.reason = job.reason;
  return view;
}

/**
 * A replay is a job that the tick moves on, a page at a time, checkpointing after each page: a crash resends at most
 * the page in hand (delivery is at least once), and two runs at once cannot both checkpoint (a version check).
 */
export class Replays {
  constructor(
    private readonly groups: (name: string) => Promise<ConsumerGroup | undefined>,
    private readonly store: MessageStore,
    private readonly queues: QueueService,
    private readonly clock: Clock,
    private readonly faults: FaultLog,
  ) {}

  async start(
    groupName: string,
    input: { topic: string; from: string | number; to: string | number },
  ): Promise<ReplayView> {
    const group = await this.groups(groupName);
    if (group === undefined) throw new NotFoundError('GROUP', groupName);
    if (!group.subscriptions.some((subscription) => subscription.topic === input.topic))
      throw new ValidationError(
        `group '${groupName}' does not subscribe to topic '${input.topic}': only a subscribed topic can be replayed`,
        'NOT_SUBSCRIBED',
      );
    const now = this.clock.now();
    const range = timeRange(input.from, input.to);
    if (range.from > now)
      throw new ValidationError(
        `from is in the future (${new Date(range.from).toISOString()}): a replay sends messages already published`,
        'INVALID_QUERY',
      );
    const job: ReplayJob = {
      replayId: newMessageId(now),
      group: groupName,
      topic: input.topic,
      from: range.from,
      // The range ends no later than now: the job has a definite end, and messages published later go out anyway.
      to: Math.min(range.to, now),
      state: 'RUNNING',
      sent: 0,
      skipped: 0,
      createdAt: now,
      updatedAt: now,
      version: 0,
      expiresAt: Math.ceil(now / 1000) + REPLAY_KEPT_SECONDS,
    };
    await this.store.createReplay(job);
    return toReplayView(job);
  }

  async get(groupName: string, replayId: string): Promise<ReplayView> {
    const job = await this.store.getReplay(replayId);
    if (job === undefined || job.group !== groupName) throw new NotFoundError('REPLAY', `${groupName}/${replayId}`);
    return toReplayView(job);
  }

  /**
   * Moves every running job on until each is done or `budgetMs` has passed; answers the messages sent. A job that
   * fails is logged as a fault (REPLAY_FAILED) and holds up neither the others nor the tick, whose health says
   * whether scheduled messages and check-backs run: its page is tried again by the next run.
   */
  async run(budgetMs: number): Promise<number> {
    const deadline = this.clock.now() + budgetMs;
    let sent = 0;
    for (const job of await this.store.runningReplays()) {
      let current: ReplayJob | undefined = job;
      try {
        while (current !== undefined && current.state === 'RUNNING' && this.clock.now() < deadline) {
          const before: number = current.sent;
          current = await this.step(current);
          sent += (current?.sent ?? before) - before;
        }
      } catch (error) {
        this.faults.report('REPLAY_FAILED', { replayId: job.replayId, group: job.group, error: String(error) });
      }
    }
    return sent;
  }

  /** One page: send what passes, checkpoint; answers the job as saved, or undefined when another run moved it on. */
  private async step(job: ReplayJob): Promise<ReplayJob | undefined> {
    const now = this.clock.now();
    const next: ReplayJob = { ...job, updatedAt: now, version: job.version + 1 };
    const group = await this.groups(job.group);
    const subscription = group?.subscriptions.find((candidate) => candidate.topic === job.topic);
    if (group === undefined || subscription === undefined) {
      Object.assign(next, {
        state: 'FAILED',
        finishedAt: now,
        reason: group === undefined ? 'the group was deleted' : `the group no longer subscribes to '${job.topic}'`,
      });
      return (await this.store.saveReplay(next, job.version)) ? next : undefined;
    }
    // Saved before start() refused a range that begins in the future (its end was cut to the time of the request):
    // nothing was published in it.
    if (job.from > job.to) {
      Object.assign(next, { state: 'DONE', finishedAt: now });
      return (await this.store.saveReplay(next, job.version)) ? next : undefined;
    }
    const page = await this.store.messagesByTime(
      job.topic,
      { from: job.from, to: job.to },
      { limit: REPLAY_PAGE, ...(job.after === undefined ? {} : { after: job.after }) },
    );
    const matches = cachedFilter(subscription.filter);
    const eligible = page.messages.filter(
      (message) =>
        message.state === 'READY' &&
        message.expiresAt * 1000 > now &&
        matches(
          message.tag === undefined
            ? { properties: message.properties }
            : { tag: message.tag, properties: message.properties },
        ),
    );
    const sent = await this.send(group, job, eligible, now);
    next.sent += sent.length;
    next.skipped += page.messages.length - sent.length;
    if (page.next === undefined) Object.assign(next, { state: 'DONE', finishedAt: now });
    else next.after = page.next;
    return (await this.store.saveReplay(next, job.version)) ? next : undefined;
  }

  /** Sends to the group's queue alone; a transient failure throws, and the page is sent again by the next run. */
  private async send(group: ConsumerGroup, job: ReplayJob, messages: Message[], now: number): Promise<Message[]> {
    if (messages.length === 0) return [];
    const outgoing = messages.map((message, index): OutgoingMessage => {
      const entry: OutgoingMessage = { id: String(index), body: encodeForQueue(toQueued(message)) };
      if (group.fifo) {
        entry.messageGroupId = message.messageGroup ?? message.topic;
        // Not the message id alone: SQS would drop a replay within 5 minutes of the first delivery as a duplicate.
        entry.deduplicationId = `${message.messageId}.${job.replayId}`;
      } else if (message.deliverAt !== undefined && message.deliverAt > now) {
        entry.delaySeconds = Math.min(900, Math.ceil((message.deliverAt - now) / 1000));
      }
      return entry;
    });
    const { failed } = await this.queues.send(group.queueUrl, outgoing);
    const transient = failed.find((failure) => failure.kind !== 'permanent');
    if (transient !== undefined) throw new Error(`replay ${job.replayId}: send failed: ${transient.reason}`);
    const refused = new Set(failed.map((failure) => Number(failure.id)));
    const sent = messages.filter((_, index) => !refused.has(index));
    await traceBestEffort(
      this.store,
      this.faults,
      sent.map((message) => ({
        message: refOf(message),
        event: { type: 'REPLAYED', at: now, groups: [group.name], detail: { replayId: job.replayId } },
        expiresAt: message.expiresAt,
      })),
    );
    return sent;
  }
}
