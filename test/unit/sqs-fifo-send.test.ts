// The SQS adapter's FIFO send, against a fake SQSClient: SQS reports each batch entry on its own, which no local engine
// can be made to fail on demand, so the fake refuses entries on purpose.
import type { SQSClient, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { SqsQueues } from '../../lambda/aws/sqs-queues.ts';
import type { OutgoingMessage } from '../../lambda/core/ports.ts';

type Entry = NonNullable<SendMessageBatchCommand['input']['Entries']>[number];

/** Records every batch and fails the entries `refuse` names, with a sender fault or not. */
function fakeSqs(refuse: (entry: Entry) => { code: string; senderFault: boolean } | undefined) {
  const batches: Entry[][] = [];
  const client = {
    async send(command: SendMessageBatchCommand) {
      const entries = command.input.Entries ?? [];
      batches.push(entries);
      const Failed = entries.flatMap((entry) => {
        const refusal = refuse(entry);
        return refusal === undefined
          ? []
          : [{ Id: entry.Id, Code: refusal.code, SenderFault: refusal.senderFault, Message: 'refused' }];
      });
      return { Successful: [], Failed };
    },
  };
  return { client: client as unknown as SQSClient, batches };
}

const fifo = (id: string, group: string): OutgoingMessage => ({
  id,
  body: id,
  messageGroupId: group,
  deduplicationId: id,
});

describe('SQS adapter, FIFO send', () => {
  it("puts at most one message of a message group in one SendMessageBatch, and sends a group's next only after", async () => {
    const { client, batches } = fakeSqs(() => undefined);
    const messages = [fifo('a1', 'a'), fifo('a2', 'a'), fifo('b1', 'b'), fifo('a3', 'a'), fifo('b2', 'b')];
    expect(await new SqsQueues(client, 'ferry-', 'test').send('https://sqs/q.fifo', messages)).toEqual({ failed: [] });
    expect(batches.map((batch) => batch.map((entry) => entry.Id))).toEqual([['a1', 'b1'], ['a2', 'b2'], ['a3']]);
  });

  it('after a message of a group fails, nothing later of that group is sent; other groups go on', async () => {
    const { client, batches } = fakeSqs((entry) =>
      entry.Id === 'a2' ? { code: 'InternalError', senderFault: false } : undefined,
    );
    const messages = [
      fifo('a1', 'a'),
      fifo('a2', 'a'),
      fifo('a3', 'a'),
      fifo('b1', 'b'),
      fifo('b2', 'b'),
      fifo('b3', 'b'),
    ];
    const { failed } = await new SqsQueues(client, 'ferry-', 'test').send('https://sqs/q.fifo', messages);
    expect(failed.map((failure) => [failure.id, failure.kind])).toEqual([
      ['a2', 'transient'],
      ['a3', 'transient'],
    ]);
    expect(batches.flat().map((entry) => entry.Id)).not.toContain('a3');
    expect(batches.flat().map((entry) => entry.Id)).toContain('b3');
  });

  it('a message SQS refuses for good (a sender fault such as InvalidParameterValue) is permanent and does not stop its group', async () => {
    const { client } = fakeSqs((entry) =>
      entry.Id === 'a1' ? { code: 'InvalidParameterValue', senderFault: true } : undefined,
    );
    const { failed } = await new SqsQueues(client, 'ferry-', 'test').send('https://sqs/q.fifo', [
      fifo('a1', 'a'),
      fifo('a2', 'a'),
    ]);
    expect(failed).toEqual([{ id: 'a1', kind: 'permanent', reason: expect.stringContaining('InvalidParameterValue') }]);
  });

  it('a throttled or KMS-refused entry is transient, whatever its sender-fault flag says', async () => {
    const { client } = fakeSqs(() => ({ code: 'KmsThrottled', senderFault: true }));
    const { failed } = await new SqsQueues(client, 'ferry-', 'test').send('https://sqs/q', [{ id: '0', body: 'x' }]);
    expect(failed[0]?.kind).toBe('transient');
  });
});
