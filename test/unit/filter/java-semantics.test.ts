import { describe, expect, it } from 'vitest';
import { EVALUATION_ABORT } from '../../../lambda/core/filter/errors.ts';
import {
  compareDoubles,
  compareJava,
  javaBooleanValueOf,
  negateJava,
  parseJavaDouble,
  parseJavaInt,
  parseJavaLong,
} from '../../../lambda/core/filter/java-semantics.ts';

describe('Java parsing, as Integer/Long/Double.valueOf', () => {
  it('parses integers with an optional sign and nothing else, within 32 bits', () => {
    expect(parseJavaInt('42')).toBe(42);
    expect(parseJavaInt('+42')).toBe(42);
    expect(parseJavaInt('-2147483648')).toBe(-2147483648);
    expect(Object.is(parseJavaInt('-0'), 0)).toBe(true);
    for (const text of ['', '+', '-', ' 42', '42 ', '4.2', '1e3', '2147483648', '0x10', '١٢x'])
      expect(parseJavaInt(text), text).toBeUndefined();
  });

  it('accepts the Unicode decimal digits Character.digit accepts', () => {
    expect(parseJavaInt('١٢')).toBe(12);
    expect(parseJavaInt('１２')).toBe(12);
    expect(parseJavaInt('۹')).toBe(9);
  });

  it('parses longs exactly, as a bigint beyond 2^53, and refuses beyond 64 bits', () => {
    expect(parseJavaLong('9007199254740991')).toBe(9007199254740991);
    expect(parseJavaLong('9223372036854775807')).toBe(9223372036854775807n);
    expect(parseJavaLong('-9223372036854775808')).toBe(-9223372036854775808n);
    expect(parseJavaLong('9223372036854775808')).toBeUndefined();
  });

  it('parses doubles after trimming, with exponents, type suffixes, NaN, Infinity and hex floats', () => {
    expect(parseJavaDouble(' 3.5 ')).toBe(3.5);
    expect(parseJavaDouble('1.')).toBe(1);
    expect(parseJavaDouble('.5')).toBe(0.5);
    expect(parseJavaDouble('1e3')).toBe(1000);
    expect(parseJavaDouble('2f')).toBe(2);
    expect(parseJavaDouble('-Infinity')).toBe(-Infinity);
    expect(parseJavaDouble('NaN')).toBeNaN();
    expect(parseJavaDouble('0x1.8p1')).toBe(3);
    expect(parseJavaDouble('-0x.8p0')).toBe(-0.5);
    for (const text of ['', '.', 'e3', '1e', '1_000', 'NaNf', '0x10', 'infinity', '1,5', '\u00a01'])
      expect(parseJavaDouble(text), text).toBeUndefined();
  });

  it('reads only "true", in any case, as Boolean.valueOf true', () => {
    expect(javaBooleanValueOf('TrUe')).toBe(true);
    expect(javaBooleanValueOf('yes')).toBe(false);
    expect(javaBooleanValueOf(' true')).toBe(false);
  });
});

describe('Java comparison, as ComparisonExpression.__compare', () => {
  const int = (value: number) => ({ type: 'int', value }) as const;
  const double = (value: number) => ({ type: 'double', value }) as const;

  it('orders doubles totally: -0.0 below 0.0, NaN above everything and equal to itself', () => {
    expect(compareDoubles(-0, 0)).toBe(-1);
    expect(compareDoubles(Number.NaN, Infinity)).toBe(1);
    expect(compareDoubles(Number.NaN, Number.NaN)).toBe(0);
  });

  it('converts a string to the class of the number it meets, and fails when it does not parse', () => {
    expect(compareJava('3', int(3))).toBe(0);
    expect(compareJava(int(3), '4')).toBe(-1);
    expect(compareJava('3.5', double(3))).toBe(1);
    expect(() => compareJava('3.5', int(3))).toThrow(EVALUATION_ABORT);
  });

  it('compares Integer, Long and Double with each other numerically', () => {
    expect(compareJava(int(3), { type: 'long', value: 2n ** 40n })).toBe(-1);
    expect(compareJava(int(3), double(2.5))).toBe(1);
    expect(compareJava({ type: 'long', value: 2n ** 60n + 1n }, { type: 'long', value: 2n ** 60n })).toBe(1);
  });

  it('answers -1 for a Boolean against a number either way, and fails for a Boolean against a string', () => {
    expect(compareJava(true, int(1))).toBe(-1);
    expect(compareJava(int(1), true)).toBe(-1);
    expect(() => compareJava(true, 'true')).toThrow(EVALUATION_ABORT);
    expect(compareJava('TRUE', true)).toBe(0);
  });

  it('negates numbers keeping their class and Java overflow; anything else becomes NULL', () => {
    expect(negateJava(int(-2147483648))).toEqual(int(-2147483648));
    expect(negateJava({ type: 'long', value: -(2n ** 63n) })).toEqual({ type: 'long', value: -(2n ** 63n) });
    expect(negateJava(double(1.5))).toEqual(double(-1.5));
    expect(negateJava('5')).toBeNull();
    expect(negateJava(true)).toBeNull();
  });
});
