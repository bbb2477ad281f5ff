// The consumer-group queues, created at run time: their name prefix, and the grants that can only name them by it.
import { Stack, Token } from 'aws-cdk-lib';
import { PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';

export const DEFAULT_QUEUE_PREFIX = 'ferry-';
/** SQS names are at most 80 characters: prefix + group name (up to 64) + `-dlq.fifo` (9) leaves 7 for the prefix. */
const QUEUE_PREFIX_PATTERN = /^[A-Za-z0-9_-]{1,7}$/;

/**
 * Sending a message to the queues of the groups it matches (SendMessageBatch, authorised as SendMessage): the
 * dispatcher, and the redrive that dispatches again. The queue URLs come from the catalog, so no GetQueueUrl.
 */
export const DISPATCH_QUEUE_ACTIONS = ['sqs:SendMessage'];

export function validQueuePrefix(prefix: string): string {
  if (Token.isUnresolved(prefix) || !QUEUE_PREFIX_PATTERN.test(prefix)) {
    throw new Error(
      `Ferry queuePrefix must be 1 to 7 of A-Z a-z 0-9 _ - (an SQS name is at most 80 characters: prefix + group name up to 64 + '-dlq.fifo'), got '${prefix}'`,
    );
  }
  return prefix;
}

/** `arn:<partition>:sqs:<region>:<account>:<queuePrefix>*`. */
export function queueArnPattern(scope: Construct, queuePrefix: string): string {
  return Stack.of(scope).formatArn({ service: 'sqs', resource: `${queuePrefix}*` });
}

/** Consumer-group queues exist only at run time, one pair per group, so they can be addressed only by name prefix. */
export function grantGroupQueues(fn: IGrantable, arnPattern: string, actions: string[]): void {
  fn.grantPrincipal.addToPrincipalPolicy(new PolicyStatement({ actions, resources: [arnPattern] }));
}
