// The guard in front of zod: an object whose `length` or `size` is an object with its own `toString`, or a key named
// `__proto__`, is found wherever it is, and nothing else is.
import { describe, expect, it } from 'vitest';
import { primitiveTrapIn } from '../../lambda/api/primitive-trap.ts';

describe('primitiveTrapIn', () => {
  it('finds the trap at any depth and names its path', () => {
    expect(primitiveTrapIn({ subscriptions: { length: { toString: '' } } })).toEqual(['subscriptions', 'length']);
    expect(primitiveTrapIn({ messages: [{ body: 'x' }, { keys: { size: { toString: 1, valueOf: 2 } } }] })).toEqual([
      'messages',
      '1',
      'keys',
      'size',
    ]);
    expect(primitiveTrapIn({ length: { toString: null } })).toEqual(['length']);
  });

  it('finds a key named __proto__, as JSON.parse makes it (an own key), at any depth', () => {
    expect(primitiveTrapIn(JSON.parse('{"body":"x","properties":{"__proto__":"1"}}'))).toEqual([
      'properties',
      '__proto__',
    ]);
    expect(primitiveTrapIn(JSON.parse('{"messages":[{"__proto__":{}}]}'))).toEqual(['messages', '0', '__proto__']);
    expect(primitiveTrapIn({ properties: { constructor: 'y', prototype: 'z' } })).toBeUndefined();
  });

  it('lets through what zod reports as a plain type error: a length that is a string, a number or a plain object', () => {
    expect(primitiveTrapIn({ properties: { length: '5', size: 'XL' } })).toBeUndefined();
    expect(primitiveTrapIn({ subscriptions: { length: 3 } })).toBeUndefined();
    expect(primitiveTrapIn({ subscriptions: { length: { valueOf: 1 } } })).toBeUndefined();
    expect(primitiveTrapIn({ toString: 'x', body: 'y' })).toBeUndefined();
    expect(primitiveTrapIn(['length', { toString: '' }])).toBeUndefined();
    expect(primitiveTrapIn('text')).toBeUndefined();
    expect(primitiveTrapIn(null)).toBeUndefined();
  });

  it('walks JSON nested deeper than the call stack goes', () => {
    const depth = 200_000;
    const nested = JSON.parse('['.repeat(depth) + ']'.repeat(depth)) as unknown;
    expect(primitiveTrapIn(nested)).toBeUndefined();
    const trapped = JSON.parse('['.repeat(depth) + '{"length":{"toString":""}}' + ']'.repeat(depth)) as unknown;
    expect(primitiveTrapIn(trapped)).toHaveLength(depth + 1);
  });
});
