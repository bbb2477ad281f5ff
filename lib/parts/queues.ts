// The consumer-group queues, created at run time: their name prefix, its claim in the account, and the grants by it.
import { CfnOutput, Stack, Token } from 'aws-cdk-lib';
import { PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { QUEUE_PREFIX_PATTERN, QUEUE_PREFIX_RULE } from '../../lambda/core/names.ts';

export const DEFAULT_QUEUE_PREFIX = 'ferry-';

/**
 * Sending a message to the queues of the groups it matches (SendMessageBatch, authorised as SendMessage): the
 * dispatcher, and the redrive that dispatches again. The queue URLs come from the catalog, so no GetQueueUrl.
 */
export const DISPATCH_QUEUE_ACTIONS = ['sqs:SendMessage'];

export function validQueuePrefix(prefix: string): string {
  if (Token.isUnresolved(prefix) || !QUEUE_PREFIX_PATTERN.test(prefix)) {
    throw new Error(
      `Ferry queuePrefix must be ${QUEUE_PREFIX_RULE}: the final '-' is the only one, so no prefix starts another's queue names (and an SQS name is at most 80 characters: prefix + 'q-' + group name up to 64 + '.fifo'), got '${prefix}'`,
    );
  }
  return prefix;
}

/**
 * Claims the prefix in the account and region: a CloudFormation export named after it, and export names are unique
 * per account and region, so a second stack deploying a Ferry with the same prefix fails ("already exported") before
 * either could touch the other's queues. Different prefixes cannot overlap (see QUEUE_PREFIX_PATTERN). Two Ferries
 * with one prefix in one stack are refused here, at synth.
 */
export function claimQueuePrefix(scope: Construct, prefix: string): CfnOutput {
  const exportName = queuePrefixExportName(prefix);
  const stack = Stack.of(scope);
  const taken = stack.node
    .findAll()
    .some((construct) => construct instanceof CfnOutput && construct.exportName === exportName);
  if (taken)
    throw new Error(`another Ferry in stack ${stack.stackName} has queuePrefix '${prefix}': give each its own`);
  return new CfnOutput(scope, 'QueuePrefixClaim', {
    value: prefix,
    exportName,
    description: `Claims the queue prefix ${prefix} in this account and region: one Ferry per prefix`,
  });
}

export function queuePrefixExportName(prefix: string): string {
  return `ferry-queue-prefix-${prefix.slice(0, -1)}`;
}

/** `arn:<partition>:sqs:<region>:<account>:<queuePrefix>*`. */
export function queueArnPattern(scope: Construct, queuePrefix: string): string {
  return Stack.of(scope).formatArn({ service: 'sqs', resource: `${queuePrefix}*` });
}

/** Consumer-group queues exist only at run time, one pair per group, so they can be addressed only by name prefix. */
export function grantGroupQueues(fn: IGrantable, arnPattern: string, actions: string[]): void {
  fn.grantPrincipal.addToPrincipalPolicy(new PolicyStatement({ actions, resources: [arnPattern] }));
}
