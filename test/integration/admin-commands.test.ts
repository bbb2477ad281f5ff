// The `ferry` admin commands as a user types them (topics, groups, producer groups, decisions, dead letters), in
// process against a local stack: tables for people, the API's JSON with --json.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ferryProgram } from '../../bin/program.ts';
import { parseSubscription } from '../../bin/commands/admin.ts';
import { startTestStack, type TestStack } from './harness.ts';

let stack: TestStack;

/** Runs `ferry <args>` and returns what it printed. */
async function ferry(...args: string[]): Promise<string> {
  const lines: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => void lines.push(parts.join(' ')));
  try {
    await ferryProgram().exitOverride().parseAsync(args, { from: 'user' });
  } finally {
    log.mockRestore();
  }
  return lines.join('\n');
}

beforeAll(async () => {
  stack = await startTestStack();
  process.env.FERRY_URL = stack.apiUrl;
});
afterAll(async () => {
  delete process.env.FERRY_URL;
  await stack?.stop();
});

describe('ferry admin commands', () => {
  it('parses a subscription with and without a filter', () => {
    expect(parseSubscription('orders')).toEqual({ topic: 'orders' });
    expect(parseSubscription('orders:TAG:paid || shipped')).toEqual({
      topic: 'orders',
      filter: { type: 'TAG', expression: 'paid || shipped' },
    });
    expect(parseSubscription("orders:sql92:region = 'eu:west'")).toEqual({
      topic: 'orders',
      filter: { type: 'SQL92', expression: "region = 'eu:west'" },
    });
  });

  it('creates, lists, shows and deletes topics and groups', async () => {
    await ferry('topics', 'create', 'cli-orders', '--type', 'FIFO', '--retention-hours', '24');
    const topics = JSON.parse(await ferry('topics', 'list', '--json')) as { topics: { name: string }[] };
    expect(topics.topics.map((topic) => topic.name)).toContain('cli-orders');
    const table = await ferry('topics', 'list');
    expect(table).toMatch(/TOPIC\s+TYPE\s+RETENTION \(h\)/);
    expect(table).toMatch(/cli-orders\s+FIFO\s+24/);

    await ferry(
      'groups',
      'create',
      'cli-billing',
      '--subscribe',
      'cli-orders:TAG:paid',
      '--max-delivery-attempts',
      '3',
    );
    const shown = JSON.parse(await ferry('groups', 'show', 'cli-billing', '--json')) as Record<string, unknown>;
    expect(shown).toMatchObject({
      name: 'cli-billing',
      fifo: true,
      maxDeliveryAttempts: 3,
      subscriptions: [{ topic: 'cli-orders', filter: { type: 'TAG', expression: 'paid' } }],
    });

    await stack.client.publish('cli-orders', { body: 'a', tag: 'paid', messageGroup: 'o-1' });
    await stack.dispatched();
    await expect
      .poll(async () => ferry('groups', 'list'), { timeout: 10_000 })
      .toMatch(/cli-billing\s+cli-orders\s+yes\s+1\s+0\s+0\s+0/);

    await ferry('groups', 'delete', 'cli-billing');
    await ferry('topics', 'delete', 'cli-orders');
    expect(await ferry('topics', 'list')).not.toContain('cli-orders');
  });

  it('deletes a group and a topic with --json, printing the name deleted as JSON', async () => {
    await stack.client.putTopic('cli-scratch', 'NORMAL');
    await stack.client.putGroup('cli-scratch-readers', [{ topic: 'cli-scratch' }]);
    expect(JSON.parse(await ferry('groups', 'delete', 'cli-scratch-readers', '--json'))).toEqual({
      deleted: 'cli-scratch-readers',
    });
    expect(JSON.parse(await ferry('topics', 'delete', 'cli-scratch', '--json'))).toEqual({ deleted: 'cli-scratch' });
    expect((await stack.client.listGroups()).map((group) => group.name)).not.toContain('cli-scratch-readers');
    expect((await stack.client.listTopics()).map((topic) => topic.name)).not.toContain('cli-scratch');
    // For people, as before.
    await stack.client.putTopic('cli-scratch', 'NORMAL');
    expect(await ferry('topics', 'delete', 'cli-scratch')).toBe('deleted topic cli-scratch');
  });

  it("commits and rolls back transaction messages, and lists a producer group's checks", async () => {
    await stack.client.putTopic('cli-payments', 'TRANSACTION');
    await ferry('producer-groups', 'create', 'cli-payer');
    const first = await stack.client.publish('cli-payments', { body: 'one', producerGroup: 'cli-payer' });
    const second = await stack.client.publish('cli-payments', { body: 'two', producerGroup: 'cli-payer' });

    expect(await ferry('commit', 'cli-payments', first.messageId)).toMatch(/^state\s+READY$/m);
    const rolledBack = JSON.parse(await ferry('rollback', 'cli-payments', second.messageId, '--json')) as {
      state: string;
    };
    expect(rolledBack.state).toBe('ROLLED_BACK');
    expect((await stack.client.getMessage(second.messageId)).state).toBe('ROLLED_BACK');
  });

  it('lists and redrives dead letters', async () => {
    await stack.client.putTopic('cli-jobs', 'NORMAL');
    await stack.client.putGroup('cli-workers', [{ topic: 'cli-jobs' }], 1);
    const { messageId } = await stack.client.publish('cli-jobs', { body: 'fails', keys: ['job-7'] });
    await stack.dispatched();
    const [received] = await stack.client.receive('cli-workers', { waitSeconds: 5 });
    await stack.client.nack('cli-workers', received!.receiptHandle, 0);
    // SQS moves a message to the dead-letter queue when a receive finds it past its attempts.
    expect(await stack.client.receive('cli-workers', { waitSeconds: 1 })).toHaveLength(0);

    await expect
      .poll(async () => ferry('dead-letters', 'list', 'cli-workers'), { timeout: 15_000 })
      .toContain(messageId);
    expect(await ferry('dead-letters', 'list', 'cli-workers')).toMatch(/MESSAGE\s+TOPIC\s+TAG\s+KEYS/);
    expect(JSON.parse(await ferry('dead-letters', 'redrive', 'cli-workers', '--json'))).toEqual({ redriven: 1 });
    const again = await stack.client.receive('cli-workers', { waitSeconds: 5 });
    expect(again.map((message) => message.messageId)).toEqual([messageId]);
  });
});
