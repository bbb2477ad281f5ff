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

export function groupQueueName(prefix: string, group: string, fifo: boolean): string {
  return `${prefix}${group}${fifo ? '.fifo' : ''}`;
}

export function deadLetterQueueName(prefix: string, group: string, fifo: boolean): string {
  return `${prefix}${group}-dlq${fifo ? '.fifo' : ''}`;
}
