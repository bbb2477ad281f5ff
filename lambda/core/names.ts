// Names of topics and groups, and the SQS queue names derived from a consumer group's name.

/** API contract: 1 to 64 of A-Z a-z 0-9 _ - (so that prefix + name + "-dlq.fifo" fits SQS's 80 characters). */
export const NAME_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export function groupQueueName(prefix: string, group: string, fifo: boolean): string {
  return `${prefix}${group}${fifo ? '.fifo' : ''}`;
}

export function deadLetterQueueName(prefix: string, group: string, fifo: boolean): string {
  return `${prefix}${group}-dlq${fifo ? '.fifo' : ''}`;
}
