// The pusher finds the push group a batch came from by the name of its queue, as core/names.ts makes it.
import { describe, expect, it } from 'vitest';
import { queueName } from '../../lambda/core/names.ts';
import { groupOfQueueArn } from '../../lambda/handlers/pusher.ts';

const arnOf = (name: string) => `arn:aws:sqs:eu-west-1:123456789012:${name}`;

describe("the pusher's group of a queue ARN", () => {
  it("is the group whose queue it is, standard or FIFO, whatever the group's name holds", () => {
    for (const group of ['billing', 'q-orders', 'orders-dlq'])
      for (const fifo of [false, true])
        expect(groupOfQueueArn(arnOf(queueName('ferry-', group, 'main', fifo)), 'ferry-')).toBe(group);
  });

  it("is none for a dead-letter queue or another stack's queue", () => {
    expect(groupOfQueueArn(arnOf(queueName('ferry-', 'billing', 'dlq', false)), 'ferry-')).toBeUndefined();
    expect(groupOfQueueArn(arnOf(queueName('other-', 'billing', 'main', false)), 'ferry-')).toBeUndefined();
  });
});
