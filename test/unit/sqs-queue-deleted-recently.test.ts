// SQS refuses to create a queue whose name was deleted less than 60 s before (QueueDeletedRecently: "You must wait 60
// seconds after deleting a queue before you can create another with the same name", CreateQueue in the SQS API
// reference). fauxqs creates it at once, so a fake SQSClient refuses here, as SQS would after DELETE then PUT of a group.
import { QueueDeletedRecently, type SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { SqsQueues } from '../../lambda/aws/sqs-queues.ts';
import { ConflictError } from '../../lambda/core/errors.ts';

describe('SQS adapter, a group created again within 60 s of its deletion', () => {
  it('answers a 409 that says when to try again, not a 500', async () => {
    const client = {
      async send(command: { constructor: { name: string } }) {
        if (command.constructor.name === 'CreateQueueCommand')
          throw new QueueDeletedRecently({ message: 'You must wait 60 seconds', $metadata: {} });
        throw new Error(`unexpected ${command.constructor.name}`);
      },
    } as unknown as SQSClient;
    const error = await new SqsQueues(client, 'ferry-', 'test')
      .ensureGroupQueues('billing', { fifo: false, maxDeliveryAttempts: 16 })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ status: 409, code: 'QUEUE_DELETED_RECENTLY' });
    expect((error as Error).message).toMatch(
      /ferry-d-billing was deleted less than 60 seconds ago.*PUT the group again/,
    );
  });
});
