import { describe, expect, it } from 'vitest';
import { FilterSyntaxError } from '../../../lambda/core/filter/errors.ts';
import { parseSql92 } from '../../../lambda/core/filter/sql92-parser.ts';
import { tokenize } from '../../../lambda/core/filter/sql92-lexer.ts';

/** The error parseSql92 throws for `expression`, which must be a FilterSyntaxError. */
function syntaxError(expression: string): FilterSyntaxError {
  try {
    parseSql92(expression);
  } catch (error) {
    if (error instanceof FilterSyntaxError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(expression)} to be refused`);
}

const types = (expression: string) => tokenize(expression).map((token) => token.type);

describe('SQL92 lexer', () => {
  it('reads keywords in any case, and identifiers with letters, digits, _ and $', () => {
    expect(types('a is NOT null aNd b In')).toEqual(['ID', 'IS', 'NOT', 'NULL', 'AND', 'ID', 'IN', 'EOF']);
    expect(tokenize('$price_2')[0]).toMatchObject({ type: 'ID', text: '$price_2' });
    expect(types('contains StartsWith ENDSWITH between true False')).toEqual([
      'CONTAINS',
      'STARTSWITH',
      'ENDSWITH',
      'BETWEEN',
      'TRUE',
      'FALSE',
      'EOF',
    ]);
  });

  it('takes the longest number, as JavaCC does: 1.5 and 5E10 are decimals, 007 is three integers', () => {
    expect(types('1.5 5. .5 5E10 1.5e-3 10 10L')).toEqual([
      'FLOAT',
      'FLOAT',
      'FLOAT',
      'FLOAT',
      'FLOAT',
      'DECIMAL',
      'DECIMAL',
      'EOF',
    ]);
    expect(types('007')).toEqual(['DECIMAL', 'DECIMAL', 'DECIMAL', 'EOF']);
    expect(types('10bbb')).toEqual(['DECIMAL', 'ID', 'EOF']);
  });

  it('reads the two-character operators as one token', () => {
    expect(types('a<>b a>=b a<=b a<b a>b a=b')).toEqual([
      'ID',
      '<>',
      'ID',
      'ID',
      '>=',
      'ID',
      'ID',
      '<=',
      'ID',
      'ID',
      '<',
      'ID',
      'ID',
      '>',
      'ID',
      'ID',
      '=',
      'ID',
      'EOF',
    ]);
  });

  it('skips white space and comments, but -- without a line break is two minus signs', () => {
    expect(types('a /* note */ = -- comment\n 1')).toEqual(['ID', '=', 'DECIMAL', 'EOF']);
    expect(types('a > --5')).toEqual(['ID', '>', '-', '-', 'DECIMAL', 'EOF']);
  });
});

describe('SQL92 parser', () => {
  it('builds comparisons of a property with a literal', () => {
    expect(parseSql92("lane = 'gray'")).toMatchObject({
      kind: 'equal',
      left: { kind: 'property', name: 'lane' },
      right: { kind: 'string', value: 'gray' },
    });
    expect(parseSql92('amount >= 20')).toMatchObject({
      kind: 'relational',
      operator: '>=',
      right: { kind: 'number', value: { type: 'int', value: 20 } },
    });
  });

  it("decodes '' inside a string literal as one quote", () => {
    expect(parseSql92("TAGS='''''tag'''''")).toMatchObject({ right: { kind: 'string', value: "''tag''" } });
  });

  it('types integer literals as Integer within 32 bits and Long beyond, and decimals as Double', () => {
    expect(parseSql92('a = 2147483647')).toMatchObject({ right: { value: { type: 'int', value: 2147483647 } } });
    expect(parseSql92('a = 2147483648')).toMatchObject({ right: { value: { type: 'long', value: 2147483648 } } });
    expect(parseSql92('a = 9223372036854775807L')).toMatchObject({
      right: { value: { type: 'long', value: 9223372036854775807n } },
    });
    expect(parseSql92('a = 3.1E10')).toMatchObject({ right: { value: { type: 'double', value: 3.1e10 } } });
  });

  it('reads a negative number as a negation of a positive literal, as RocketMQ does', () => {
    expect(parseSql92('a > -5')).toMatchObject({
      right: { kind: 'negate', operand: { kind: 'number', value: { value: 5 } } },
    });
    expect(parseSql92('a > +5')).toMatchObject({ right: { kind: 'number', value: { value: 5 } } });
  });

  it('binds AND tighter than OR', () => {
    expect(parseSql92('a = 1 OR b = 2 AND c = 3')).toMatchObject({
      kind: 'or',
      left: { kind: 'equal' },
      right: { kind: 'and' },
    });
    expect(parseSql92('(a = 1 OR b = 2) AND c = 3')).toMatchObject({ kind: 'and', left: { kind: 'or' } });
  });

  it('binds NOT to the next value only, as RocketMQ does: NOT a = 1 is (NOT a) = 1', () => {
    expect(parseSql92('NOT a = 1')).toMatchObject({
      kind: 'equal',
      left: { kind: 'not', operand: { kind: 'booleanCast' } },
      right: { kind: 'number' },
    });
    expect(parseSql92('NOT (a = 1)')).toMatchObject({ kind: 'not', operand: { kind: 'equal' } });
  });

  it('rewrites <>, BETWEEN, NOT BETWEEN, IS NULL and IS NOT NULL the way SelectorParser does', () => {
    expect(parseSql92('a <> 1')).toMatchObject({ kind: 'not', operand: { kind: 'equal' } });
    expect(parseSql92('a BETWEEN 2 AND 10')).toMatchObject({
      kind: 'and',
      left: { kind: 'relational', operator: '>=' },
      right: { kind: 'relational', operator: '<=' },
    });
    expect(parseSql92('a NOT BETWEEN 2 AND 10')).toMatchObject({
      kind: 'or',
      left: { operator: '<' },
      right: { operator: '>' },
    });
    expect(parseSql92('a IS NULL')).toMatchObject({ kind: 'equal', right: { kind: 'null' } });
    expect(parseSql92('a IS NOT NULL')).toMatchObject({
      kind: 'not',
      operand: { kind: 'equal', right: { kind: 'null' } },
    });
  });

  it('builds IN, NOT IN and the string tests with their literals', () => {
    expect(parseSql92("region IN ('eu', 'us')")).toMatchObject({ kind: 'in', values: ['eu', 'us'], negated: false });
    expect(parseSql92("region not in ('eu')")).toMatchObject({ kind: 'in', values: ['eu'], negated: true });
    expect(parseSql92("a CONTAINS 'x'")).toMatchObject({
      kind: 'stringTest',
      operator: 'CONTAINS',
      negated: false,
      search: 'x',
    });
    expect(parseSql92("a NOT STARTSWITH 'x'")).toMatchObject({
      kind: 'stringTest',
      operator: 'STARTSWITH',
      negated: true,
    });
    expect(parseSql92("'axb' endswith 'b'")).toMatchObject({
      kind: 'stringTest',
      operator: 'ENDSWITH',
      operand: { kind: 'string' },
    });
  });

  it('accepts a bare property, TRUE, FALSE and NULL as a whole filter', () => {
    expect(parseSql92('flag')).toMatchObject({ kind: 'booleanCast', operand: { name: 'flag' } });
    expect(parseSql92('TRUE')).toMatchObject({ kind: 'boolean', value: true });
    expect(parseSql92('NULL')).toMatchObject({ kind: 'null' });
    expect(parseSql92('a AND b')).toMatchObject({
      kind: 'and',
      left: { kind: 'booleanCast' },
      right: { kind: 'booleanCast' },
    });
  });

  it('accepts what RocketMQ accepts even where it looks odd: reversed NOT BETWEEN bounds, a literal on the left', () => {
    expect(() => parseSql92('a NOT BETWEEN 10 AND 0')).not.toThrow();
    expect(() => parseSql92("'abc' = a")).not.toThrow();
    expect(() => parseSql92('a BETWEEN -10 AND -20')).not.toThrow();
  });
});

describe('SQL92 parse errors say what and where', () => {
  const refusals: [string, RegExp][] = [
    ['', /empty/],
    ['a # 1', /unexpected character '#' at column 3/],
    ['a != 1', /unexpected character '!' at column 3: write <>/],
    ["a = 'gray", /unterminated string literal at column 5/],
    ['a = 1 /* note', /unterminated comment at column 7/],
    ['(a = 1', /unexpected end of the expression at column 7: expected '\)' to close the '\(' at column 1/],
    ['a = 1)', /unexpected '\)' at column 6: the expression should end here/],
    ['a = 1 b = 2', /unexpected 'b' at column 7: the expression should end here/],
    ['a < 10bbbbb', /unexpected 'bbbbb' at column 7/],
    ['a and between 2 and 10', /unexpected 'between' at column 7/],
    ['a =', /unexpected end of the expression at column 4/],
    ['a IS 1', /unexpected '1' at column 6: IS takes NULL or NOT NULL/],
    ['a NOT = 1', /unexpected '=' at column 7: after a value, NOT \(at column 3\)/],
    ['a BETWEEN 1 OR 2', /unexpected 'OR' at column 13: BETWEEN takes two bounds/],
    ['a IN (1, 2)', /unexpected '1' at column 7: IN takes string literals only/],
    ["a IN 'x'", /unexpected string 'x' at column 6: IN takes a list in parentheses/],
    ["a IN ('x' 'y')", /unexpected string 'y' at column 11: expected ',' or '\)'/],
    ['value contains x', /unexpected 'x' at column 16: CONTAINS takes a string literal/],
    ['value not contains 123', /unexpected '123' at column 20: CONTAINS takes a string literal/],
    ["'axb' contains ", /unexpected end of the expression at column 16/],
    ["a > 'x'", /'x' cannot be compared with > at column 5/],
    ['a > TRUE', /'TRUE' cannot be compared with > at column 5/],
    ['a <= NULL', /'NULL' cannot be compared with <= at column 6/],
    ['a > 1 > 2', /the condition 'a > 1' cannot be compared with > at column 1/],
    ["a BETWEEN 'a' AND 'b'", /'a' cannot be compared with >= at column 11/],
    [' a between 10 and 0', /BETWEEN '10' AND '0' has its bounds the wrong way round at column 12/],
    ['a BETWEEN NULL AND 5', /BETWEEN cannot take NULL as a bound at column 11/],
    ["a BETWEEN 5 AND 'x'", /the BETWEEN bounds '5' and 'x' cannot be compared at column 11/],
    ['a = NULL', /NULL cannot be compared with = at column 5: write IS NULL/],
    ['NULL <> a', /NULL cannot be compared with <> at column 1/],
    ['TRUE = 1', /'TRUE' cannot be compared with '1' at column 1/],
    ["'x' IN ('x')", /IN needs a property on its left, not 'x' at column 1/],
    ["-a IN ('x')", /IN needs a property on its left, not '-a' at column 1/],
    ["'abc'", /'abc' is not a condition at column 1/],
    ['5', /'5' is not a condition at column 1/],
    ['NOT 5', /'5' is not a condition at column 5/],
    ["a = 1 AND 'x'", /'x' is not a condition at column 11/],
    ['a > 100000000000000000000000', /the number 100000000000000000000000 is out of range at column 5/],
    ['a > 1e400', /the number 1e400 is too large at column 5/],
    ['a > 0.0', /the decimal 0.0 is refused at column 5: .*write 0/],
    ['a >\n  1 b', /unexpected 'b' at line 2, column 5/],
  ];

  it.each(refusals)('refuses %j with a message that places the problem', (expression, message) => {
    const error = syntaxError(expression);
    expect(error.message).toMatch(message);
    expect(error.name).toBe('FilterSyntaxError');
  });

  it('gives the place as numbers too', () => {
    expect(syntaxError('a = 1 b')).toMatchObject({ line: 1, column: 7 });
    expect(syntaxError('a = 1\r\n  AND )')).toMatchObject({ line: 2, column: 7 });
  });

  it('refuses a float so long that it overflows a double, as RocketMQ does', () => {
    const huge = `1${'1'.repeat(400)}.5`;
    expect(syntaxError(`a > ${huge}`).message).toMatch(/too large at column 5/);
  });

  it('refuses nesting deep enough to exhaust the stack, saying where', () => {
    expect(syntaxError(`${'('.repeat(300)}a = 1${')'.repeat(300)}`).message).toMatch(/nests too deeply at column 257/);
    expect(() => parseSql92(`${'NOT '.repeat(200)}a`)).not.toThrow();
  });
});
