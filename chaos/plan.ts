// The chaos workload: which topics and groups exist, what is published, and which group must get what (decided here, not by Ferry).
import type { PublishRequest, Subscription } from '../client/index.ts';

export const TOPICS = { normal: 'chaos-normal', fifo: 'chaos-fifo', delay: 'chaos-delay', txn: 'chaos-txn' } as const;
export type TopicKind = keyof typeof TOPICS;
export const PRODUCER_GROUP = 'chaos-producers';

/**
 * What the producer does with a message after its publish was acknowledged, and so whether it must be delivered:
 * `deliver` (normal, FIFO and delay messages), `commit` and `rollback` (decided by the producer), `check-*` (left to
 * the check-back, which answers by the message's `intent` property, `check-late-commit` after one UNKNOWN), `cancel`
 * (a long delay cancelled at once; delivered only if the cancel came too late).
 */
export type Intent =
  'deliver' | 'commit' | 'rollback' | 'check-commit' | 'check-rollback' | 'check-late-commit' | 'cancel';

export interface PlannedMessage {
  /** The logical message: the body, unique in the run, also what a retried publish's duplicate carries. */
  key: string;
  kind: TopicKind;
  input: PublishRequest;
  intent: Intent;
  /** FIFO: the message group and its place in the group's publish order. */
  seq?: number;
}

/** One publish call: one message, or a batch (of one topic; a FIFO batch is one message group in order). */
export interface PublishUnit {
  kind: TopicKind;
  messages: PlannedMessage[];
}

export interface ChaosGroup {
  name: string;
  fifo: boolean;
  subscriptions: Subscription[];
  /** Whether the group must get the message: the filters, written again by hand. */
  matches(message: PlannedMessage): boolean;
  /** FIFO consumers nack some first deliveries. */
  nacks: boolean;
}

const props = (message: PlannedMessage) => message.input.properties ?? {};
const isGray = (message: PlannedMessage) => props(message).lane === 'gray';

export const GROUPS: ChaosGroup[] = [
  {
    name: 'all',
    fifo: false,
    subscriptions: [{ topic: TOPICS.normal }, { topic: TOPICS.delay }, { topic: TOPICS.txn }],
    matches: (message) => message.kind !== 'fifo',
    nacks: false,
  },
  {
    name: 'gray',
    fifo: false,
    subscriptions: [
      { topic: TOPICS.normal, filter: { type: 'SQL92', expression: "lane = 'gray'" } },
      { topic: TOPICS.txn, filter: { type: 'SQL92', expression: "lane = 'gray'" } },
    ],
    matches: (message) => (message.kind === 'normal' || message.kind === 'txn') && isGray(message),
    nacks: false,
  },
  {
    name: 'stable',
    fifo: false,
    subscriptions: [{ topic: TOPICS.normal, filter: { type: 'SQL92', expression: "lane IS NULL OR lane <> 'gray'" } }],
    matches: (message) => message.kind === 'normal' && !isGray(message),
    nacks: false,
  },
  {
    name: 'paid',
    fifo: false,
    subscriptions: [
      { topic: TOPICS.normal, filter: { type: 'TAG', expression: 'paid || shipped' } },
      { topic: TOPICS.delay, filter: { type: 'TAG', expression: 'paid' } },
    ],
    matches: (message) =>
      (message.kind === 'normal' && (message.input.tag === 'paid' || message.input.tag === 'shipped')) ||
      (message.kind === 'delay' && message.input.tag === 'paid'),
    nacks: false,
  },
  {
    name: 'big',
    fifo: false,
    subscriptions: [
      { topic: TOPICS.normal, filter: { type: 'SQL92', expression: "amount > 500 AND region IN ('eu', 'us')" } },
    ],
    matches: (message) =>
      message.kind === 'normal' &&
      Number(props(message).amount) > 500 &&
      ['eu', 'us'].includes(props(message).region ?? ''),
    nacks: false,
  },
  {
    name: 'fifo-all',
    fifo: true,
    subscriptions: [{ topic: TOPICS.fifo }],
    matches: (message) => message.kind === 'fifo',
    nacks: true,
  },
  {
    name: 'fifo-eu',
    fifo: true,
    subscriptions: [{ topic: TOPICS.fifo, filter: { type: 'SQL92', expression: "region = 'eu'" } }],
    matches: (message) => message.kind === 'fifo' && props(message).region === 'eu',
    nacks: true,
  },
];

export interface PlanOptions {
  messages: number;
  fifoGroups: number;
  random: () => number;
}

export interface Plan {
  /** Independent publishes, in any order. */
  units: PublishUnit[];
  /** One chain per FIFO message group: each publish answered before the next. */
  fifoChains: PublishUnit[][];
  messages: number;
}

/** About 40% normal (half in batches of 10), 25% FIFO, 15% delay, 20% transaction messages. */
export function makePlan({ messages, fifoGroups, random }: PlanOptions): Plan {
  let next = 0;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const base = (kind: TopicKind, intent: Intent, extra: Record<string, string> = {}): PlannedMessage => {
    const key = `m-${String(next++).padStart(6, '0')}`;
    const properties: Record<string, string> = {
      region: pick(['eu', 'us', 'apac']),
      amount: String(Math.floor(random() * 1000)),
      intent,
      ...extra,
    };
    if (random() < 0.2) properties.lane = 'gray';
    const input: PublishRequest = { body: key, keys: [key], properties };
    const tag = pick(['created', 'paid', 'shipped', undefined]);
    if (tag !== undefined) input.tag = tag;
    return { key, kind, input, intent };
  };
  const units: PublishUnit[] = [];
  const quota = (share: number) => Math.max(1, Math.round(messages * share));

  for (let left = quota(0.4); left > 0;) {
    const size = random() < 0.5 ? Math.min(10, left) : 1;
    units.push({ kind: 'normal', messages: Array.from({ length: size }, () => base('normal', 'deliver')) });
    left -= size;
  }
  for (let n = quota(0.15); n > 0; n--) {
    const direct = random() < 0.5;
    const cancel = !direct && random() < 0.25;
    const message = base('delay', cancel ? 'cancel' : 'deliver');
    // Direct path: within FERRY_DIRECT_DELAY_LIMIT_SECONDS (3); long path: through the tick.
    message.input.delaySeconds = direct ? 1 + Math.floor(random() * 3) : 6 + Math.floor(random() * 7);
    units.push({ kind: 'delay', messages: [message] });
  }
  const intents: Intent[] = [
    'commit',
    'commit',
    'commit',
    'rollback',
    'rollback',
    'check-commit',
    'check-commit',
    'check-rollback',
    'check-late-commit',
  ];
  for (let n = quota(0.2); n > 0; n--) {
    const message = base('txn', pick(intents));
    message.input.producerGroup = PRODUCER_GROUP;
    units.push({ kind: 'txn', messages: [message] });
  }

  const fifoChains: PublishUnit[][] = Array.from({ length: fifoGroups }, () => []);
  const seqs = new Array<number>(fifoGroups).fill(0);
  for (let left = quota(0.25); left > 0;) {
    const group = Math.floor(random() * fifoGroups);
    const size = random() < 0.3 ? Math.min(3, left) : 1;
    const batch = Array.from({ length: size }, () => {
      const message = base('fifo', 'deliver');
      message.input.messageGroup = `order-${group}`;
      message.seq = seqs[group]!++;
      message.input.properties!.seq = String(message.seq);
      return message;
    });
    fifoChains[group]!.push({ kind: 'fifo', messages: batch });
    left -= size;
  }

  shuffle(units, random);
  return { units, fifoChains: fifoChains.filter((chain) => chain.length > 0), messages: next };
}

function shuffle<T>(items: T[], random: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
}
