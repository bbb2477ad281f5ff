import { describe, expect, it } from 'vitest';
import { cachedFilter, compileFilter, FilterSyntaxError } from '../../../lambda/core/filter/index.ts';
import type { FilterTarget } from '../../../lambda/core/filter/index.ts';

const message = (tag: string | undefined, properties: Record<string, string> = {}): FilterTarget =>
  tag === undefined ? { properties } : { tag, properties };

describe('tag filters', () => {
  it('* , an empty expression, blanks and no filter at all match every message, with or without a tag', () => {
    for (const spec of [
      undefined,
      { type: 'TAG', expression: '*' },
      { type: 'TAG', expression: '' },
      { type: 'TAG', expression: '   ' },
      { type: 'TAG', expression: ' * ' },
    ] as const) {
      const predicate = compileFilter(spec);
      expect(predicate(message('TagA'))).toBe(true);
      expect(predicate(message(undefined))).toBe(true);
    }
  });

  it('TagA || TagB matches a message whose tag is exactly one of them, spaces around each tag ignored', () => {
    const predicate = compileFilter({ type: 'TAG', expression: ' TagA ||TagB||  TagC ' });
    expect(predicate(message('TagA'))).toBe(true);
    expect(predicate(message('TagC'))).toBe(true);
    expect(predicate(message('TagD'))).toBe(false);
    expect(predicate(message('taga'))).toBe(false);
    expect(predicate(message('TagA '))).toBe(false);
  });

  it('a message without a tag matches only *', () => {
    expect(compileFilter({ type: 'TAG', expression: 'TagA' })(message(undefined))).toBe(false);
    expect(compileFilter({ type: 'TAG', expression: 'TagA || TagB' })(message(undefined))).toBe(false);
  });

  it('drops blank parts as FilterAPI.buildSubscriptionData does: TagA || and || TagB name one tag', () => {
    expect(compileFilter({ type: 'TAG', expression: 'TagA ||' })(message('TagA'))).toBe(true);
    expect(compileFilter({ type: 'TAG', expression: '|| TagB' })(message('TagB'))).toBe(true);
    expect(compileFilter({ type: 'TAG', expression: 'TagA || || TagB' })(message('TagB'))).toBe(true);
  });

  it('takes a * among other tags literally, as RocketMQ does', () => {
    const predicate = compileFilter({ type: 'TAG', expression: 'TagA || *' });
    expect(predicate(message('TagB'))).toBe(false);
    expect(predicate(message('*'))).toBe(true);
  });

  it('refuses an expression that names no tag, like ||, saying where', () => {
    for (const expression of ['||', '|| ||', '||||']) {
      expect(() => compileFilter({ type: 'TAG', expression })).toThrow(FilterSyntaxError);
    }
    expect(() => compileFilter({ type: 'TAG', expression: '||' })).toThrow(/names no tag at column 1/);
  });
});

describe('SQL92 filters over messages', () => {
  it('reads the message properties', () => {
    const predicate = compileFilter({ type: 'SQL92', expression: "lane = 'gray' AND amount > 20" });
    expect(predicate(message(undefined, { lane: 'gray', amount: '25' }))).toBe(true);
    expect(predicate(message(undefined, { lane: 'gray', amount: '5' }))).toBe(false);
    expect(predicate(message('TagA', { lane: 'blue', amount: '25' }))).toBe(false);
  });

  it("sees the message's tag as the TAGS property, as RocketMQ keeps it", () => {
    const predicate = compileFilter({ type: 'SQL92', expression: "TAGS IN ('TagA', 'TagB') AND region = 'eu'" });
    expect(predicate(message('TagA', { region: 'eu' }))).toBe(true);
    expect(predicate(message('TagC', { region: 'eu' }))).toBe(false);
    expect(predicate(message(undefined, { region: 'eu' }))).toBe(false);
    expect(compileFilter({ type: 'SQL92', expression: 'TAGS IS NULL' })(message(undefined))).toBe(true);
  });

  it('refuses a bad expression with FilterSyntaxError saying what and where', () => {
    expect(() => compileFilter({ type: 'SQL92', expression: "lane = 'gray' AND" })).toThrow(FilterSyntaxError);
    expect(() => compileFilter({ type: 'SQL92', expression: "lane = 'gray' AND" })).toThrow(
      /unexpected end of the expression at column 18/,
    );
    expect(() => compileFilter({ type: 'SQL92', expression: '' })).toThrow(/empty/);
  });

  it('refuses an unknown filter type', () => {
    expect(() =>
      compileFilter({ type: 'REGEX', expression: '.*' } as unknown as { type: 'TAG'; expression: string }),
    ).toThrow(/unknown filter type 'REGEX'/);
  });
});

describe('cachedFilter', () => {
  it('returns the same predicate instance for the same spec, so each subscription compiles once', () => {
    const first = cachedFilter({ type: 'SQL92', expression: "lane = 'gray'" });
    expect(cachedFilter({ type: 'SQL92', expression: "lane = 'gray'" })).toBe(first);
    expect(cachedFilter({ type: 'TAG', expression: "lane = 'gray'" })).not.toBe(first);
    expect(cachedFilter(undefined)).toBe(cachedFilter(undefined));
  });

  it('keeps at most 1000 filters, forgetting the least recently used first', () => {
    const kept = cachedFilter({ type: 'TAG', expression: 'Kept' });
    const dropped = cachedFilter({ type: 'TAG', expression: 'Dropped' });
    for (let index = 0; index < 999; index++) {
      cachedFilter({ type: 'TAG', expression: `Tag${index}` });
      if (index % 100 === 0) cachedFilter({ type: 'TAG', expression: 'Kept' });
    }
    expect(cachedFilter({ type: 'TAG', expression: 'Kept' })).toBe(kept);
    expect(cachedFilter({ type: 'TAG', expression: 'Dropped' })).not.toBe(dropped);
  });

  it('throws FilterSyntaxError for a bad expression every time, and caches nothing for it', () => {
    expect(() => cachedFilter({ type: 'SQL92', expression: 'a >' })).toThrow(FilterSyntaxError);
    expect(() => cachedFilter({ type: 'SQL92', expression: 'a >' })).toThrow(FilterSyntaxError);
  });
});
