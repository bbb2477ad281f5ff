// A dead letter that no nack made: SQS moves a message aside by itself when its last delivery was never answered (the
// consumer crashed or timed out). The tick counts each group's dead-letter queue, so that the count and the alarm
// built on it (`deadLetterBacklog`) see that one too; `deadLettered` counts only nacks on the last attempt.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINE_MODES, request, startTestStack, type TestStack } from './harness.ts';

interface GroupFigures {
  totals: { deadLettered: number };
  deadLetterBacklog?: number;
}

describe.each(ENGINE_MODES)('dead letters counted by the tick (%s engines)', (mode) => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({ engines: mode, env: { FERRY_DEAD_LETTER_COUNT_SECONDS: '1' } });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const figuresOf = async (group: string) => {
    const { json } = await request(stack, 'GET', '/v1/metrics');
    return (json as { groups: Record<string, GroupFigures | undefined> }).groups[group];
  };

  it('a message whose last delivery is never answered is counted as a dead letter, and the count falls after a redrive', async () => {
    const { client } = stack;
    await client.putTopic('crashes', 'NORMAL');
    await client.putGroup('crashing-consumer', [{ topic: 'crashes' }], 1);
    const { messageId } = await client.publish('crashes', { body: 'never answered' });
    const [taken] = await client.receive('crashing-consumer', { waitSeconds: 10, invisibleSeconds: 1 });
    expect(taken?.messageId).toBe(messageId);
    // No ack, no nack: once its invisible time is over, the next receive finds its one attempt spent, and SQS moves it.
    await expect
      .poll(
        async () => {
          expect(await client.receive('crashing-consumer', { waitSeconds: 1 })).toEqual([]);
          return (await client.getGroup('crashing-consumer')).backlog.deadLetters;
        },
        { timeout: 15_000 },
      )
      .toBe(1);

    await expect
      .poll(async () => (await figuresOf('crashing-consumer'))?.deadLetterBacklog, { timeout: 10_000 })
      .toBe(1);
    expect((await figuresOf('crashing-consumer'))?.totals.deadLettered).toBe(0);

    expect(await client.call('POST', '/v1/groups/crashing-consumer/dead-letters/redrive')).toEqual({ redriven: 1 });
    await expect
      .poll(async () => (await figuresOf('crashing-consumer'))?.deadLetterBacklog, { timeout: 10_000 })
      .toBe(0);
  });
});
