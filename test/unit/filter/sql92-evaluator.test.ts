import { describe, expect, it } from 'vitest';
import { compileSql92 } from '../../../lambda/core/filter/index.ts';

type Properties = Record<string, string | number | boolean | null | undefined>;

const matches = (expression: string, properties: Properties = {}) => compileSql92(expression)(properties);

describe('SQL92 comparisons', () => {
  it('compares strings with = and <> exactly, case included', () => {
    expect(matches("lane = 'gray'", { lane: 'gray' })).toBe(true);
    expect(matches("lane = 'gray'", { lane: 'Gray' })).toBe(false);
    expect(matches("lane <> 'gray'", { lane: 'blue' })).toBe(true);
    expect(matches("lane <> 'gray'", { lane: 'gray' })).toBe(false);
  });

  it('reads a string property as a number when compared with a number', () => {
    expect(matches('amount > 20', { amount: '25' })).toBe(true);
    expect(matches('amount > 20', { amount: '20' })).toBe(false);
    expect(matches('amount >= 20', { amount: '20' })).toBe(true);
    expect(matches('amount < 20', { amount: '-3' })).toBe(true);
    expect(matches('amount <= 20', { amount: '+20' })).toBe(true);
    expect(matches('amount = 20', { amount: '20' })).toBe(true);
    expect(matches('amount <> 20', { amount: '21' })).toBe(true);
  });

  it('parses the string into the class of the literal, as ComparisonExpression does: 3.5 is no Integer', () => {
    expect(matches('a > 3', { a: '3.5' })).toBe(false);
    expect(matches('a < 4', { a: '3.5' })).toBe(false);
    expect(matches('a > 3.0', { a: '3.5' })).toBe(true);
    expect(matches('a = 3.0', { a: '3' })).toBe(true);
    expect(matches('a = 3', { a: '3.0' })).toBe(false);
    expect(matches('a > 2147483647', { a: '2147483648' })).toBe(false);
    expect(matches('a > 2147483648', { a: '2147483649' })).toBe(true);
  });

  it('compares longs exactly beyond 2^53 and doubles the Java way (exponents, suffixes, NaN above everything)', () => {
    expect(matches('a > 9007199254740992', { a: '9007199254740993' })).toBe(true);
    expect(matches('a > 3.1E10', { a: '3.1415E10' })).toBe(true);
    expect(matches('a > 1.5', { a: ' 2d ' })).toBe(true);
    expect(matches('a > 1.5', { a: 'NaN' })).toBe(true);
    expect(matches('a < 1.5', { a: '-Infinity' })).toBe(true);
    expect(matches('a = 8.0', { a: '0x1p3' })).toBe(true);
  });

  it('reads Unicode digits the way Integer.parseInt does', () => {
    expect(matches('a = 12', { a: '١٢' })).toBe(true);
  });

  it('compares two string properties numerically with >, and as strings with =', () => {
    expect(matches('a > b', { a: '20', b: '10' })).toBe(true);
    expect(matches('a > b', { a: '10', b: '20' })).toBe(false);
    expect(matches('a = b', { a: '3.14', b: '3.14' })).toBe(true);
    expect(matches('a <> b', { a: '3.14', b: '3.141' })).toBe(true);
    expect(matches('a = b', { a: '1.0', b: '1' })).toBe(false);
  });

  it('compares a string property with TRUE or FALSE through Boolean.valueOf', () => {
    expect(matches('a = TRUE', { a: 'true' })).toBe(true);
    expect(matches('a = TRUE', { a: 'TRUE' })).toBe(true);
    expect(matches('a = FALSE', { a: 'yes' })).toBe(true);
    expect(matches('a=TRUE OR b=FALSE', { a: 'false', b: 'true' })).toBe(false);
  });

  it('negates numbers, and makes anything else NULL', () => {
    expect(matches('a > -5', { a: '-4' })).toBe(true);
    expect(matches('-a < 0', { a: 3 })).toBe(true);
    expect(matches('-a < 0', { a: '3' })).toBe(false);
    expect(matches('a = - -5', { a: '5' })).toBe(true);
  });
});

describe('SQL92 BETWEEN, IN and string tests', () => {
  it('BETWEEN includes both bounds, NOT BETWEEN excludes them', () => {
    expect(matches('a BETWEEN 2 AND 10', { a: '2' })).toBe(true);
    expect(matches('a BETWEEN 2 AND 10', { a: '10' })).toBe(true);
    expect(matches('a BETWEEN 2 AND 10', { a: '11' })).toBe(false);
    expect(matches('a NOT BETWEEN 2 AND 10', { a: '1' })).toBe(true);
    expect(matches('a NOT BETWEEN 2 AND 10', { a: '2' })).toBe(false);
  });

  it('NOT BETWEEN with reversed bounds, which RocketMQ accepts, is true for every number', () => {
    expect(matches('a NOT BETWEEN 10 AND 0', { a: '5' })).toBe(true);
  });

  it('IN and NOT IN look the string up in the list', () => {
    const list = "a IN ('3', '4', '5', '6', '7')";
    expect(matches(list, { a: '7' })).toBe(true);
    expect(matches(list, { a: '8' })).toBe(false);
    expect(matches("a NOT IN ('3')", { a: '8' })).toBe(true);
    expect(matches("a NOT IN ('3')", { a: '3' })).toBe(false);
  });

  it('IN and NOT IN are unknown for a value that is not a string', () => {
    expect(matches("a IN ('1')", { a: 1 })).toBe(false);
    expect(matches("a NOT IN ('1')", { a: 2 })).toBe(false);
  });

  it('CONTAINS, STARTSWITH and ENDSWITH test the string, and their NOT forms the opposite', () => {
    expect(matches("a CONTAINS 'x'", { a: 'axb' })).toBe(true);
    expect(matches("a STARTSWITH 'ax'", { a: 'axb' })).toBe(true);
    expect(matches("a ENDSWITH 'xb'", { a: 'axb' })).toBe(true);
    expect(matches("a NOT CONTAINS 'x'", { a: 'abb' })).toBe(true);
    expect(matches("a NOT STARTSWITH 'x'", { a: 'abb' })).toBe(true);
    expect(matches("a NOT ENDSWITH 'b'", { a: 'abb' })).toBe(false);
  });

  it('a string test with an empty search string is false, NOT forms included (ComparisonExpression)', () => {
    expect(matches("a CONTAINS ''", { a: 'axb' })).toBe(false);
    expect(matches("a NOT CONTAINS ''", { a: 'axb' })).toBe(false);
    expect(matches("a NOT ENDSWITH ''", { a: 'axb' })).toBe(false);
  });

  it('treats the search string literally: no wildcards', () => {
    expect(matches("a CONTAINS '.'", { a: 'axb' })).toBe(false);
    expect(matches("a CONTAINS '%'", { a: 'a%b' })).toBe(true);
  });
});

describe('SQL92 null handling', () => {
  it('a missing property never matches a comparison', () => {
    for (const expression of [
      "a = 'x'",
      "a <> 'x'",
      'a > 1',
      'a >= 1',
      'a < 1',
      'a <= 1',
      'a BETWEEN 1 AND 2',
      'a NOT BETWEEN 1 AND 2',
      "a IN ('x')",
      "a NOT IN ('x')",
    ]) {
      expect(matches(expression, {}), expression).toBe(false);
    }
  });

  it('a missing property never matches a string test, not even a NOT form', () => {
    for (const expression of [
      "a CONTAINS 'x'",
      "a NOT CONTAINS 'x'",
      "a STARTSWITH 'x'",
      "a NOT STARTSWITH 'x'",
      "a ENDSWITH 'x'",
      "a NOT ENDSWITH 'x'",
    ]) {
      expect(matches(expression, {}), expression).toBe(false);
    }
  });

  it('but NOT of a string test on a missing property matches, since the test itself is false, not unknown', () => {
    expect(matches("NOT (a CONTAINS 'x')", {})).toBe(true);
  });

  it('NOT of unknown is unknown, so NOT of a comparison with a missing property never matches', () => {
    expect(matches("NOT (a = 'x')", {})).toBe(false);
    expect(matches('NOT (a > 1)', {})).toBe(false);
    expect(matches("NOT (a IN ('x'))", {})).toBe(false);
    expect(matches('NOT NULL', {})).toBe(false);
  });

  it('IS NULL and IS NOT NULL test for a missing property', () => {
    expect(matches('a IS NULL', { abc: '2' })).toBe(true);
    expect(matches('a IS NULL', { a: '2' })).toBe(false);
    expect(matches('a IS NOT NULL', { a: '2' })).toBe(true);
    expect(matches('a IS NOT NULL', {})).toBe(false);
    expect(matches('a IS NULL', { a: null })).toBe(true);
    expect(matches('(a = 1) IS NULL', {})).toBe(true);
  });

  it('AND with unknown is false when the other side is false, otherwise unknown', () => {
    expect(matches("a = 'x' AND TRUE", {})).toBe(false);
    expect(matches("NOT (a = 'x' AND FALSE)", {})).toBe(true);
    expect(matches("NOT (a = 'x' AND TRUE)", {})).toBe(false);
  });

  it('OR with unknown is true when the other side is true, otherwise unknown', () => {
    expect(matches("a = 'x' OR TRUE", {})).toBe(true);
    expect(matches("a = 'x' OR FALSE", {})).toBe(false);
    expect(matches("NOT (a = 'x' OR FALSE)", {})).toBe(false);
    expect(matches("a IS NULL OR a = 'hello'", {})).toBe(true);
  });

  it('two missing properties are equal, as ComparisonExpression.doCreateEqual says NULL = NULL', () => {
    expect(matches('a = b', {})).toBe(true);
    expect(matches('a <> b', {})).toBe(false);
  });

  it("a literal compared with a missing property is false, not unknown, so 'x' <> a matches (doCreateEqual)", () => {
    expect(matches("'x' = a", {})).toBe(false);
    expect(matches("'x' <> a", {})).toBe(true);
    expect(matches("a <> 'x'", {})).toBe(false);
  });

  it('ignores inherited names: a property called constructor or toString is missing unless the message has it', () => {
    expect(matches('constructor IS NULL', {})).toBe(true);
    expect(matches("toString = 'x'", { toString: 'x' })).toBe(true);
    expect(matches("hasOwnProperty IN ('x')", {})).toBe(false);
  });
});

describe('SQL92 type mismatches', () => {
  it('a string that does not parse as the number it is compared with never matches, and throws nothing', () => {
    expect(matches('a > 5', { a: 'abc' })).toBe(false);
    expect(matches('a = 5', { a: 'abc' })).toBe(false);
    expect(matches('a BETWEEN 0 AND 100', { a: 'con' })).toBe(false);
    expect(matches('a > b', { a: '3.14', b: 'up' })).toBe(false);
  });

  it('fails the whole filter, as RocketMQ does: not even a true OR branch matches, and NOT does not turn it into true', () => {
    expect(matches("a > 5 OR b = 'x'", { a: 'abc', b: 'x' })).toBe(false);
    expect(matches('NOT (a > 5)', { a: 'abc' })).toBe(false);
  });

  it('a failure that RocketMQ never evaluates does not count: the AND or OR stopped before it', () => {
    expect(matches("b = 'y' AND a > 5", { a: 'abc', b: 'x' })).toBe(false);
    expect(matches("NOT (b = 'y' AND a > 5)", { a: 'abc', b: 'x' })).toBe(true);
    expect(matches("b = 'x' OR a > 5", { a: 'abc', b: 'x' })).toBe(true);
  });

  it('a failure after an unknown in an AND still fails an OR around it (the AND is evaluated to the end)', () => {
    expect(matches("(x = 'a' AND n > 5) OR y = 'b'", { n: 'abc', y: 'b' })).toBe(false);
    expect(matches("(x = 'a' AND n > 5) OR y = 'b'", { n: '7', y: 'b' })).toBe(true);
  });

  it('TRUE compared with a string property fails: __compare casts the Boolean to String (ClassCastException)', () => {
    expect(matches('TRUE = a', { a: 'true' })).toBe(false);
    expect(matches('TRUE <> a', { a: 'false' })).toBe(false);
  });

  it('a Boolean against a number is just "less", whatever the operator (ComparisonExpression.__compare)', () => {
    expect(matches('a < 5', { a: true })).toBe(true);
    expect(matches('a > 5', { a: true })).toBe(false);
    expect(matches('(a = 1) = 1', { a: '1' })).toBe(false);
  });

  it('a bare property is true only for a typed boolean true: the string true is false (UnaryExpression.createBooleanCast)', () => {
    expect(matches('flag', { flag: true })).toBe(true);
    expect(matches('flag', { flag: 'true' })).toBe(false);
    expect(matches('NOT flag', { flag: 'true' })).toBe(true);
    expect(matches('NOT flag', {})).toBe(false);
  });

  it("NOT binds tighter than =, so NOT lane = 'gray' never matches, as in RocketMQ", () => {
    expect(matches("NOT lane = 'gray'", { lane: 'gray' })).toBe(false);
    expect(matches("NOT lane = 'gray'", { lane: 'blue' })).toBe(false);
    expect(matches("NOT (lane = 'gray')", { lane: 'blue' })).toBe(true);
  });
});

describe('SQL92 with typed values (as RocketMQ tests pass them)', () => {
  it('compares JSON numbers as Integer, Long or Double', () => {
    expect(matches('a=3 and b<>4 And c>5 AND d<=4', { a: 3, b: 5, c: 6, d: 1 })).toBe(true);
    expect(matches('a > 2147483647', { a: 2147483648 })).toBe(true);
    expect(matches('a > 3', { a: 3.5 })).toBe(true);
    expect(matches("a = '3'", { a: 3 })).toBe(true);
  });

  it('compares a typed boolean with TRUE, and a typed number with a string literal through the literal', () => {
    expect(matches('b = TRUE', { b: true })).toBe(true);
    expect(matches("a = '3.5'", { a: 3 })).toBe(false);
  });
});
