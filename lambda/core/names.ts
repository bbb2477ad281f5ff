// Names of topics and groups, and the SQS queue names derived from a consumer group's name.

/** API contract: 1 to 64 of A-Z a-z 0-9 _ - (so that prefix + name + "-dlq.fifo" fits SQS's 80 characters). */
export const NAME_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * A FIFO message group becomes the SQS MessageGroupId, which takes 1 to 128 of a-z A-Z 0-9 and ASCII punctuation
 * (SQS API reference, SendMessage). The local engines accept anything, so Ferry checks the rule itself at publish:
 * a group id that SQS refuses would make the message undeliverable.
 */
export const MESSAGE_GROUP_PATTERN = /^[A-Za-z0-9!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]{1,128}$/;
export const MESSAGE_GROUP_RULE =
  'a messageGroup is 1 to 128 ASCII letters, digits and punctuation (no spaces, nothing beyond ASCII), the SQS MessageGroupId rule';

/**
 * A queue prefix is 1 to 8 letters or digits and then `-`, e.g. `ferry-`. The `-` ends every prefix and no prefix has
 * one before it, so one prefix is never the start of another (`ab-` does not start `ab-c-` because `ab-c` is no
 * prefix): two Ferries with different prefixes never name, nor are granted by IAM (`<prefix>*`), each other's queues.
 * Equal prefixes in one account and region are refused at deploy (a CloudFormation export per prefix, lib/parts/queues.ts).
 */
export const QUEUE_PREFIX_PATTERN = /^[A-Za-z0-9]{1,8}-$/;
export const QUEUE_PREFIX_RULE = "1 to 8 letters or digits followed by '-' (e.g. 'ferry-')";

export type QueueRole = 'main' | 'dlq';

/**
 * The role sits at a fixed place, right after the prefix (`q-` for a group's queue, `d-` for its dead-letter queue),
 * and the group name after it: a name splits back into exactly one (role, group, fifo), whatever characters group
 * names hold, so no group's name can spell another group's queue (`orders-dlq`'s queue is `ferry-q-orders-dlq`,
 * `orders`' dead-letter queue `ferry-d-orders`). SQS's 80 characters: 9 (prefix) + 2 + 64 (group) + 5 (`.fifo`).
 */
const ROLE_MARK: Record<QueueRole, string> = { main: 'q-', dlq: 'd-' };

export function queueName(prefix: string, group: string, role: QueueRole, fifo: boolean): string {
  return `${prefix}${ROLE_MARK[role]}${group}${fifo ? '.fifo' : ''}`;
}

export function groupQueueName(prefix: string, group: string, fifo: boolean): string {
  return queueName(prefix, group, 'main', fifo);
}

export function deadLetterQueueName(prefix: string, group: string, fifo: boolean): string {
  return queueName(prefix, group, 'dlq', fifo);
}

/** The inverse of {@link queueName}: which group's queue a name is under this prefix, or undefined for none. */
export function parseQueueName(
  prefix: string,
  name: string,
): { group: string; role: QueueRole; fifo: boolean } | undefined {
  if (!name.startsWith(prefix)) return undefined;
  const fifo = name.endsWith('.fifo');
  const rest = name.slice(prefix.length, fifo ? -'.fifo'.length : undefined);
  const role = (Object.keys(ROLE_MARK) as QueueRole[]).find((candidate) => rest.startsWith(ROLE_MARK[candidate]));
  if (role === undefined) return undefined;
  const group = rest.slice(ROLE_MARK[role].length);
  return NAME_PATTERN.test(group) ? { group, role, fifo } : undefined;
}

/** Tags on every queue Ferry creates: whose it is. A queue without this Ferry's tags for the group is never adopted. */
export const QUEUE_TAG = { stack: 'ferry:stack', group: 'ferry:group', role: 'ferry:role' } as const;

export function queueTags(stack: string, group: string, role: QueueRole): Record<string, string> {
  return { [QUEUE_TAG.stack]: stack, [QUEUE_TAG.group]: group, [QUEUE_TAG.role]: role };
}

/** Whether a queue's tags say it is this stack's queue of this role for this group. */
export function ownedBy(
  tags: Record<string, string> | undefined,
  stack: string,
  group: string,
  role: QueueRole,
): boolean {
  const wanted = queueTags(stack, group, role);
  return Object.entries(wanted).every(([key, value]) => tags?.[key] === value);
}
