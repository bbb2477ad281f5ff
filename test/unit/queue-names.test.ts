// The queue naming rules as rules: no group name spells another group's queue, no prefix reaches another's queues.
import { describe, expect, it } from 'vitest';
import {
  NAME_PATTERN,
  ownedBy,
  parseQueueName,
  QUEUE_PREFIX_PATTERN,
  queueName,
  queueTags,
  type QueueRole,
} from '../../lambda/core/names.ts';

const ROLES: QueueRole[] = ['main', 'dlq'];

/** Every group name of 1 to `length` characters over `alphabet`: the characters that make collisions, all combined. */
function allNames(alphabet: string[], length: number): string[] {
  let names = [''];
  const all: string[] = [];
  for (let size = 1; size <= length; size++) {
    names = names.flatMap((name) => alphabet.map((char) => name + char));
    all.push(...names);
  }
  return all;
}

/** The characters that spell roles and separators (`q`, `d`, `-`), a digit, an underscore and a plain letter. */
const GROUPS = allNames(['q', 'd', '-', '_', '1', 'l'], 4);

describe('queue names', () => {
  it("a group named 'orders-dlq' does not get the dead-letter queue of group 'orders', nor 'd-orders' its queue", () => {
    expect(queueName('ferry-', 'orders-dlq', 'main', false)).not.toBe(queueName('ferry-', 'orders', 'dlq', false));
    expect(queueName('ferry-', 'd-orders', 'main', false)).not.toBe(queueName('ferry-', 'orders', 'dlq', false));
    expect(queueName('ferry-', 'q-orders', 'dlq', false)).not.toBe(queueName('ferry-', 'orders', 'main', false));
  });

  it(`no two (group, role, FIFO or not) share a queue name, over every group name of up to 4 of q d - _ 1 l (${GROUPS.length} names)`, () => {
    const owners = new Map<string, string[]>();
    for (const group of GROUPS) {
      for (const role of ROLES) {
        for (const fifo of [false, true]) {
          const name = queueName('ferry-', group, role, fifo);
          owners.set(name, [...(owners.get(name) ?? []), `${group}/${role}/${fifo}`]);
        }
      }
    }
    expect([...owners.values()].filter((names) => names.length > 1)).toEqual([]);
    expect(owners.size).toBe(GROUPS.length * 4);
  });

  it('a queue name splits back into exactly the group, role and queue type it was made from', () => {
    for (const group of [...GROUPS, 'g'.repeat(64), 'orders-dlq', 'd-x.fifo'.replace('.', '_')]) {
      for (const role of ROLES) {
        for (const fifo of [false, true]) {
          expect(parseQueueName('ferry-', queueName('ferry-', group, role, fifo))).toEqual({ group, role, fifo });
        }
      }
    }
    expect(parseQueueName('ferry-', 'ferry-billing')).toBeUndefined();
    expect(parseQueueName('ferry-', 'ferry-billing-dlq')).toBeUndefined();
    expect(parseQueueName('ferry-', 'other-q-billing')).toBeUndefined();
  });

  it('every name fits SQS: at most 80 of A-Z a-z 0-9 _ -, and .fifo only at the end of a FIFO queue', () => {
    for (const group of ['g'.repeat(64), 'a', 'A_b-9']) {
      for (const role of ROLES) {
        for (const fifo of [false, true]) {
          const name = queueName('longest8-', group, role, fifo);
          expect(name.length).toBeLessThanOrEqual(80);
          expect(name).toMatch(fifo ? /^[A-Za-z0-9_-]{1,75}\.fifo$/ : /^[A-Za-z0-9_-]{1,80}$/);
        }
      }
    }
    expect(NAME_PATTERN.test('g'.repeat(64))).toBe(true);
  });
});

describe('queue prefixes', () => {
  it("are 1 to 8 letters or digits and a final '-', and nothing else", () => {
    for (const good of ['ferry-', 'a-', 'Dev1-', '12345678-']) expect(QUEUE_PREFIX_PATTERN.test(good)).toBe(true);
    for (const bad of ['ferry', 'fe-rry-', 'dev_1-', '123456789-', '-', '', 'a--', 'ferry-x'])
      expect(QUEUE_PREFIX_PATTERN.test(bad)).toBe(false);
  });

  it("no prefix's queue names start with another prefix, so no Ferry's IAM grant (<prefix>*) reaches another's queues", () => {
    const prefixes = allNames(['a', 'b', '1'], 3).map((stem) => `${stem}-`);
    for (const prefix of prefixes) expect(QUEUE_PREFIX_PATTERN.test(prefix)).toBe(true);
    const reached: string[] = [];
    for (const mine of prefixes) {
      for (const other of prefixes) {
        if (mine === other) continue;
        for (const group of GROUPS) {
          for (const role of ROLES) {
            const name = queueName(mine, group, role, false);
            if (name.startsWith(other)) reached.push(`${other}* reaches ${name}`);
          }
        }
      }
    }
    expect(reached).toEqual([]);
  });
});

describe('queue tags', () => {
  it("name the stack, the group and the role, and only all three of this Ferry's make a queue its own", () => {
    const tags = queueTags('Ferry', 'billing', 'dlq');
    expect(tags).toEqual({ 'ferry:stack': 'Ferry', 'ferry:group': 'billing', 'ferry:role': 'dlq' });
    expect(ownedBy(tags, 'Ferry', 'billing', 'dlq')).toBe(true);
    expect(ownedBy(tags, 'Ferry', 'billing', 'main')).toBe(false);
    expect(ownedBy(tags, 'Ferry', 'billing-dlq', 'dlq')).toBe(false);
    expect(ownedBy(tags, 'Other', 'billing', 'dlq')).toBe(false);
    expect(ownedBy({}, 'Ferry', 'billing', 'dlq')).toBe(false);
    expect(ownedBy(undefined, 'Ferry', 'billing', 'dlq')).toBe(false);
  });
});
