// Cases ported from Apache RocketMQ's own filter tests (filter/src/test/java/org/apache/rocketmq/filter/ExpressionTest.java,
// ParserTest.java and LogicExpressionTest.java): the same expressions, properties and expected answers.
import { describe, expect, it } from 'vitest';
import { compileSql92, FilterSyntaxError } from '../../../lambda/core/filter/index.ts';

type Properties = Record<string, string | number | boolean | null | undefined>;

/** ExpressionTest.eval: an answer that is not TRUE counts as false. */
const evaluate = (expression: string, properties: Properties) => compileSql92(expression)(properties);

describe('ported from RocketMQ ExpressionTest', () => {
  const andExpression = 'a=3 and b<>4 And c>5 AND d<=4';
  const orExpression = 'a=3 or b<>4 Or c>5 OR d<=4';
  const inExpression = "a in ('3', '4', '5')";
  const notInExpression = "a not in ('3', '4', '5')";

  it('testEvaluate_stringHasString', () => {
    expect(evaluate("TAGS is not null and TAGS='''''tag'''''", { TAGS: "''tag''" })).toBe(true);
  });

  it('testEvaluate_stringCompare: a string that is no number fails a numeric comparison, strings still compare with = and <>', () => {
    expect(evaluate('a between up and low', { a: '3.14' })).toBe(false);
    expect(evaluate('a between up and low', { a: '3.14', up: 'up', low: 'low' })).toBe(false);
    expect(evaluate('key is not null and key between 0 and 100', { key: 'con' })).toBe(false);
    expect(evaluate('a between 0 and 100', { a: 'abc' })).toBe(false);
    expect(evaluate('a=b', { a: '3.14', b: '3.14' })).toBe(true);
    expect(evaluate('a<>b', { a: '3.14', b: '3.14' })).toBe(false);
    expect(evaluate('a<>b', { a: '3.14', b: '3.141' })).toBe(true);
  });

  it('testEvaluate_exponent, testEvaluate_floatNumber', () => {
    expect(evaluate('a > 3.1E10', { a: String(3.1415 * 10 ** 10) })).toBe(true);
    expect(evaluate('a > 3.14', { a: String(3.1415) })).toBe(true);
  });

  it('testEvaluate_twoVariable, testEvaluate_twoVariableGt', () => {
    expect(evaluate('a > b', { a: '10', b: '20' })).toBe(false);
    expect(evaluate('a > b', { b: '10', a: '20' })).toBe(true);
  });

  it('testEvaluate_nullOr', () => {
    const expression = "a is null OR a='hello'";
    expect(evaluate(expression, {})).toBe(true);
    expect(evaluate(expression, { a: 'hello' })).toBe(true);
    expect(evaluate(expression, { a: 'abc' })).toBe(false);
  });

  it('testEvaluate_boolean', () => {
    expect(evaluate('a=TRUE OR b=FALSE', { a: 'true', b: 'false' })).toBe(true);
    expect(evaluate('a=TRUE OR b=FALSE', { a: 'false', b: 'true' })).toBe(false);
  });

  it('testEvaluate_equal', () => {
    expect(evaluate("a is not null and a='hello'", { a: 'hello' })).toBe(true);
    expect(evaluate("a is not null and a='hello'", {})).toBe(false);
  });

  it('testEvaluate_andTrue, testEvaluate_andFalse (typed and string values)', () => {
    expect(evaluate(andExpression, { a: 3, b: 5, c: 6, d: 1 })).toBe(true);
    expect(evaluate(andExpression, { a: '3', b: '5', c: '6', d: '1' })).toBe(true);
    expect(evaluate(andExpression, { a: 4, b: 5, c: 6, d: 1 })).toBe(false);
    expect(evaluate(andExpression, { a: '4', b: '5', c: '6', d: '1' })).toBe(false);
  });

  it('testEvaluate_orTrue, testEvaluate_orFalse', () => {
    expect(evaluate(orExpression, { a: 3 })).toBe(true);
    expect(evaluate(orExpression, { a: 4, b: 5 })).toBe(true);
    expect(evaluate(orExpression, { a: 4, b: 4, c: 6 })).toBe(true);
    expect(evaluate(orExpression, { a: 4, b: 4, c: 3, d: 2 })).toBe(true);
    expect(evaluate(orExpression, { a: 4, b: 4, c: 3, d: 10 })).toBe(false);
  });

  it('testEvaluate_inTrue, testEvaluate_inFalse, testEvaluate_notInTrue, testEvaluate_notInFalse', () => {
    for (const a of ['3', '4', '5']) {
      expect(evaluate(inExpression, { a })).toBe(true);
      expect(evaluate(notInExpression, { a })).toBe(false);
    }
    expect(evaluate(inExpression, { a: '8' })).toBe(false);
    expect(evaluate(notInExpression, { a: '8' })).toBe(true);
  });

  it('testEvaluate_betweenTrue, testEvaluate_betweenFalse, testEvaluate_notBetweenTrue, testEvaluate_notBetweenFalse', () => {
    for (const a of ['2', '10', '3']) {
      expect(evaluate('a between 2 and 10', { a })).toBe(true);
      expect(evaluate('a not between 2 and 10', { a })).toBe(false);
    }
    for (const a of ['1', '11']) {
      expect(evaluate('a between 2 and 10', { a })).toBe(false);
      expect(evaluate('a not between 2 and 10', { a })).toBe(true);
    }
  });

  it('testEvaluate_isNullTrue, testEvaluate_isNullFalse, testEvaluate_isNotNullTrue, testEvaluate_isNotNullFalse', () => {
    expect(evaluate('a is null', { abc: '2' })).toBe(true);
    expect(evaluate('a is null', { a: '2' })).toBe(false);
    expect(evaluate('a is not null', { a: '2' })).toBe(true);
    expect(evaluate('a is not null', { abc: '2' })).toBe(false);
  });

  it('testContains_StartsWith_EndsWith_has and _has_not, and their NOT forms', () => {
    for (const [expression, expected] of [
      ["value contains 'x'", true],
      ["value startswith 'ax'", true],
      ["value endswith 'xb'", true],
      ["value not contains 'x'", false],
      ["value not startswith 'ax'", false],
      ["value not endswith 'xb'", false],
    ] as const) {
      expect(evaluate(expression, { value: 'axb' }), expression).toBe(expected);
    }
    for (const operator of ['contains', 'startswith', 'endswith']) {
      expect(evaluate(`value ${operator} 'x'`, { value: 'abb' })).toBe(false);
      expect(evaluate(`value not ${operator} 'x'`, { value: 'abb' })).toBe(true);
    }
  });

  it('testContains_StartsWith_EndsWith_hasEmpty, _null_has_1, _null_has_2, _number_has, _boolean_has: all false', () => {
    const contexts: Properties[] = [{ value: null }, {}, { value: 1.23 }, { value: true }];
    for (const operator of ['contains', 'startswith', 'endswith']) {
      expect(evaluate(`value ${operator} ''`, { value: 'axb' })).toBe(false);
      expect(evaluate(`value not ${operator} ''`, { value: 'axb' })).toBe(false);
      for (const context of contexts) {
        expect(evaluate(`value ${operator} 'x'`, context)).toBe(false);
        expect(evaluate(`value not ${operator} 'x'`, context)).toBe(false);
      }
    }
  });

  it('testContains_has_not_string_1 and _2, testContains_string_has_nothing: refused at parse time', () => {
    for (const expression of [
      'value contains x',
      'value not contains x',
      'value contains 123',
      'value not contains 123',
      "'axb' contains ",
      "'axb' not contains ",
    ]) {
      expect(() => compileSql92(expression), expression).toThrow(FilterSyntaxError);
    }
  });

  it('testContains_StartsWith_EndsWith_string_has_string, _has_not_string, _has_empty, _has_space, _has_special', () => {
    const properties = { whatever: 'whatever' };
    for (const operator of ['contains', 'startswith', 'endswith']) {
      expect(evaluate(`'axb' ${operator} '${operator === 'endswith' ? 'xb' : 'ax'}'`, properties)).toBe(true);
      expect(evaluate(`'axb' not ${operator} '${operator === 'endswith' ? 'xb' : 'ax'}'`, properties)).toBe(false);
      expect(evaluate(`'axb' ${operator} 'u'`, properties)).toBe(false);
      expect(evaluate(`'axb' not ${operator} 'u'`, properties)).toBe(true);
      expect(evaluate(`'axb' ${operator} ''`, properties)).toBe(false);
      expect(evaluate(`'axb' not ${operator} ''`, properties)).toBe(false);
      expect(evaluate(`' ' ${operator} ' '`, properties)).toBe(true);
      expect(evaluate(`' ' not ${operator} ' '`, properties)).toBe(false);
      expect(evaluate(`'axb' ${operator} '.'`, properties)).toBe(false);
      expect(evaluate(`'axb' not ${operator} '.'`, properties)).toBe(true);
      expect(evaluate(`'s' ${operator} '\\'`, properties)).toBe(false);
    }
  });

  it('testContainsAllInOne, testStartsWithAllInOne, testEndsWithAllInOne', () => {
    for (const operator of ['contains', 'startswith', 'endswith']) {
      const expression = `a not in ('4', '4', '5') and b between 3 and 10 and c not ${operator} 'axbc'`;
      expect(evaluate(expression, { a: '3', b: 3, c: 'axbdc' })).toBe(true);
    }
  });
});

describe('ported from RocketMQ ParserTest', () => {
  it('testParse_valid', () => {
    for (const expression of [
      'a=3 and b<>4 And c>5 AND d<=4',
      'a=3 or b<>4 Or c>5 OR d<=4',
      "a in ('3', '4', '5')",
      "(a not in ('6', '4', '5')) or (b in ('3', '4', '5'))",
      '(a between 2 and 10) AND (b not between 6 and 9)',
      'a is null',
      'a is not null',
      'a <= now',
      "a=3 and b contains 'xxx' and c not contains 'xxx'",
    ]) {
      expect(() => compileSql92(expression), expression).not.toThrow();
    }
  });

  it('testParse_invalid, testParse_decimalOverFlow, testParse_floatOverFlow, testParse_illegalBetween', () => {
    const longFloat = `1${'111111111111111111111111111111111111111111111111111'.repeat(2048)}.${'1'.repeat(100)}`;
    for (const expression of [
      'a and between 2 and 10',
      'a > 100000000000000000000000',
      `a > ${longFloat}`,
      ' a between 10 and 0',
    ]) {
      expect(() => compileSql92(expression)).toThrow(FilterSyntaxError);
    }
  });

  it('testEquals: blanks between tokens do not change the filter', () => {
    const spaced = compileSql92('a=3  and    b<>4 And c>5 AND d<=4');
    const compact = compileSql92('a=3 and b<>4 And c>5 AND d<=4');
    for (const properties of [
      { a: '3', b: '5', c: '6', d: '1' },
      { a: '3', b: '4', c: '6', d: '1' },
    ]) {
      expect(spaced(properties)).toBe(compact(properties));
    }
  });
});

describe('ported from RocketMQ LogicExpressionTest: the truth tables of AND and OR, NULL as unknown', () => {
  /** TRUE, FALSE and NULL literals stand for the operands: NOT(x) tells FALSE from unknown, since NOT unknown is unknown. */
  const literal = { true: 'TRUE', false: 'FALSE', null: 'NULL' } as const;
  type Truth = keyof typeof literal;
  const rows: [Truth, Truth, Truth, Truth][] = [
    ['true', 'true', 'true', 'true'],
    ['true', 'false', 'false', 'true'],
    ['true', 'null', 'null', 'true'],
    ['false', 'true', 'false', 'true'],
    ['false', 'false', 'false', 'false'],
    ['false', 'null', 'false', 'null'],
    ['null', 'true', 'null', 'true'],
    ['null', 'false', 'false', 'null'],
    ['null', 'null', 'null', 'null'],
  ];
  const truthOf = (expression: string): Truth =>
    evaluate(expression, {}) ? 'true' : evaluate(`NOT (${expression})`, {}) ? 'false' : 'null';

  it.each(rows)('%s AND %s is %s, %s OR %s is %s', (left, right, and, or) => {
    expect(truthOf(`${literal[left]} AND ${literal[right]}`)).toBe(and);
    expect(truthOf(`${literal[left]} OR ${literal[right]}`)).toBe(or);
  });

  it('AND does not evaluate its right side after a FALSE, OR not after a TRUE (so a failure there does not count)', () => {
    expect(evaluate('NOT (FALSE AND a > 1)', { a: 'x' })).toBe(true);
    expect(evaluate('TRUE OR a > 1', { a: 'x' })).toBe(true);
    expect(evaluate('NOT (TRUE AND a > 1)', { a: 'x' })).toBe(false);
    expect(evaluate('FALSE OR a > 1', { a: 'x' })).toBe(false);
  });
});
