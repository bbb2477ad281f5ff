// Java's value rules as RocketMQ's SQL92 filter applies them: strings parsed as Integer/Long/Double.valueOf parse
// them, and mixed types compared the way ComparisonExpression.__compare converts them.
import { EVALUATION_ABORT } from './errors.ts';

/** The Java number classes a filter value can have: literals are Integer, Long or Double (ConstantExpression). */
export type JavaNumberType = 'int' | 'long' | 'double';

/** A Java Integer, Long or Double. A long outside ±2^53 keeps its exact value as a bigint. */
export interface JavaNumber {
  readonly type: JavaNumberType;
  readonly value: number | bigint;
}

/** Every value an SQL92 filter expression can produce; null is SQL's NULL (a missing property, or unknown). */
export type JavaValue = null | string | boolean | JavaNumber;

const INT_LIMIT = 2147483648; // 2^31
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

/** A long as a number when that is exact, otherwise as a bigint. */
export function longValue(value: bigint): number | bigint {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}

/** Whether a bigint fits in a Java long. */
export function fitsLong(value: bigint): boolean {
  return value >= LONG_MIN && value <= LONG_MAX;
}

const UNICODE_DECIMAL_DIGIT = /\p{Nd}/u;

function isUnicodeDigit(code: number): boolean {
  return UNICODE_DECIMAL_DIGIT.test(String.fromCharCode(code));
}

/**
 * Character.digit(c, 10), which Integer.parseInt and Long.parseLong use: ASCII digits and every other Unicode
 * decimal digit ('٣' is 3). Unicode encodes each script's digits as a run of ten starting at zero.
 */
function decimalDigit(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code < 128 || (code >= 0xd800 && code <= 0xdfff) || !isUnicodeDigit(code)) return -1;
  let runStart = code;
  while (isUnicodeDigit(runStart - 1)) runStart--;
  return (code - runStart) % 10;
}

/** Where the digits of a Java integer literal start (after an optional + or -), or -1 where Java rejects it outright. */
function digitsStart(text: string): number {
  if (text.length === 0) return -1;
  const first = text.charCodeAt(0);
  if (first !== 45 && first !== 43) return 0;
  return text.length === 1 ? -1 : 1;
}

/** Integer.valueOf(String): an optional sign and decimal digits, no spaces, within 32 bits; undefined where Java throws. */
export function parseJavaInt(text: string): number | undefined {
  let index = digitsStart(text);
  if (index < 0) return undefined;
  const length = text.length;
  const negative = text.charCodeAt(0) === 45;
  const limit = negative ? INT_LIMIT : INT_LIMIT - 1;
  let result = 0;
  for (; index < length; index++) {
    const digit = decimalDigit(text.charCodeAt(index));
    if (digit < 0) return undefined;
    result = result * 10 + digit;
    if (result > limit) return undefined;
  }
  return negative ? 0 - result : result;
}

/** Long.valueOf(String), the same rules within 64 bits: a number when exact, a bigint beyond ±2^53. */
export function parseJavaLong(text: string): number | bigint | undefined {
  const start = digitsStart(text);
  if (start < 0) return undefined;
  const length = text.length;
  const negative = text.charCodeAt(0) === 45;
  let index = start;
  let result = 0;
  for (; index < length; index++) {
    const digit = decimalDigit(text.charCodeAt(index));
    if (digit < 0) return undefined;
    result = result * 10 + digit;
    if (result > Number.MAX_SAFE_INTEGER) return parseLongExactly(text, start, negative);
  }
  return negative ? 0 - result : result;
}

function parseLongExactly(text: string, start: number, negative: boolean): number | bigint | undefined {
  let digits = '';
  for (let index = start; index < text.length; index++) {
    const digit = decimalDigit(text.charCodeAt(index));
    if (digit < 0) return undefined;
    digits += String(digit);
  }
  const value = negative ? -BigInt(digits) : BigInt(digits);
  return fitsLong(value) ? longValue(value) : undefined;
}

/** String.trim(): Java strips every character up to U+0020, JavaScript strips Unicode white space instead. */
function javaTrim(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && text.charCodeAt(start) <= 32) start++;
  while (end > start && text.charCodeAt(end - 1) <= 32) end--;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

/** The decimal syntax FloatingDecimal.readJavaFormatString accepts (after trimming): ASCII digits, f/F/d/D suffix. */
const JAVA_DECIMAL_FLOAT = /^[+-]?(?:NaN|Infinity|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[fFdD]?)$/;
/** Java's hexadecimal floating-point syntax, e.g. 0x1.8p3 (= 12.0). */
const JAVA_HEX_FLOAT = /^([+-]?)0[xX](?:([0-9a-fA-F]+)\.?|([0-9a-fA-F]*)\.([0-9a-fA-F]+))[pP]([+-]?\d+)[fFdD]?$/;

/** Double.valueOf(String): trims, accepts NaN, Infinity, exponents, a type suffix and hex floats; undefined where Java throws. */
export function parseJavaDouble(text: string): number | undefined {
  const trimmed = javaTrim(text);
  if (JAVA_DECIMAL_FLOAT.test(trimmed)) {
    const last = trimmed.charCodeAt(trimmed.length - 1);
    const hasSuffix = last === 102 || last === 70 || last === 100 || last === 68; // f F d D
    return Number(hasSuffix ? trimmed.slice(0, -1) : trimmed);
  }
  const hex = JAVA_HEX_FLOAT.exec(trimmed);
  return hex === null ? undefined : hexFloatValue(hex);
}

function hexFloatValue([, sign, wholeOnly, whole, fraction, exponent]: RegExpExecArray): number {
  const fractionDigits = fraction ?? '';
  let mantissa = BigInt(`0x${(wholeOnly ?? whole ?? '') + fractionDigits || '0'}`);
  let scale = Number(exponent) - 4 * fractionDigits.length;
  // Keep the mantissa within a double's range before scaling; the bits dropped are far below its precision.
  const excessBits = mantissa.toString(2).length - 1000;
  if (excessBits > 0) {
    mantissa >>= BigInt(excessBits);
    scale += excessBits;
  }
  const magnitude = mantissa === 0n ? 0 : scaleByPowerOfTwo(Number(mantissa), scale);
  return sign === '-' ? -magnitude : magnitude;
}

/** Math.scalb: multiplies in steps so that no intermediate power of two overflows or underflows. */
function scaleByPowerOfTwo(value: number, exponent: number): number {
  let result = value;
  let remaining = exponent;
  while (remaining > 1000) {
    result *= 2 ** 1000;
    remaining -= 1000;
  }
  while (remaining < -1000) {
    result *= 2 ** -1000;
    remaining += 1000;
  }
  return result * 2 ** remaining;
}

/** Boolean.valueOf(String): true for "true" in any case, false for anything else; it never throws. */
export function javaBooleanValueOf(text: string): boolean {
  return text.length === 4 && text.toLowerCase() === 'true';
}

/** Double.compare: a total order in which -0.0 < 0.0 and NaN equals itself and is above +Infinity. */
export function compareDoubles(left: number, right: number): number {
  if (left < right) return -1;
  if (left > right) return 1;
  if (left === right) {
    if (left !== 0) return 0;
    const leftNegative = Object.is(left, -0);
    return leftNegative === Object.is(right, -0) ? 0 : leftNegative ? -1 : 1;
  }
  const leftNaN = Number.isNaN(left);
  return leftNaN === Number.isNaN(right) ? 0 : leftNaN ? 1 : -1;
}

/** Long.compare, exact even beyond ±2^53. */
export function compareLongs(left: number | bigint, right: number | bigint): number {
  if (typeof left === 'number' && typeof right === 'number') return left < right ? -1 : left > right ? 1 : 0;
  const leftBig = BigInt(left);
  const rightBig = BigInt(right);
  return leftBig < rightBig ? -1 : leftBig > rightBig ? 1 : 0;
}

function compareBooleans(left: boolean, right: boolean): number {
  return left === right ? 0 : left ? 1 : -1;
}

/** Two numbers of any Java class: a Double on either side makes it a double comparison, else a long one. */
function compareNumbers(left: JavaNumber, right: JavaNumber): number {
  if (left.type === 'double' || right.type === 'double') return compareDoubles(Number(left.value), Number(right.value));
  return compareLongs(left.value, right.value);
}

/** A string converted to the class of the number it is compared with; a string that does not parse fails the evaluation. */
function parseAs(type: JavaNumberType, text: string): JavaNumber {
  const value = type === 'int' ? parseJavaInt(text) : type === 'long' ? parseJavaLong(text) : parseJavaDouble(text);
  if (value === undefined) throw EVALUATION_ABORT;
  return { type, value };
}

/** Double.valueOf for a filter evaluation: a string that does not parse fails the evaluation. */
export function doubleOrAbort(text: string): number {
  const value = parseJavaDouble(text);
  if (value === undefined) throw EVALUATION_ABORT;
  return value;
}

function compareStringWith(left: string, right: string | boolean | JavaNumber): number {
  if (typeof right === 'string') return left < right ? -1 : left > right ? 1 : 0;
  if (typeof right === 'boolean') return compareBooleans(javaBooleanValueOf(left), right);
  return compareNumbers(parseAs(right.type, left), right);
}

function compareBooleanWith(left: boolean, right: string | boolean | JavaNumber): number {
  if (typeof right === 'boolean') return compareBooleans(left, right);
  // ComparisonExpression.__compare casts the Boolean itself to String here: a ClassCastException, the evaluation fails.
  if (typeof right === 'string') throw EVALUATION_ABORT;
  // ComparisonExpression.__compare: a Boolean against a number is simply "less", whatever the operator.
  return -1;
}

function compareNumberWith(left: JavaNumber, right: string | boolean | JavaNumber): number {
  if (typeof right === 'string') return compareNumbers(left, parseAs(left.type, right));
  // ComparisonExpression.__compare: a number against a Boolean is simply "less", whatever the operator.
  if (typeof right === 'boolean') return -1;
  return compareNumbers(left, right);
}

/**
 * ComparisonExpression.__compare with string conversion on (as SelectorParser always sets it): the sign of
 * left - right. A string meets a number by being parsed into that number's class (Integer.valueOf for an Integer,
 * so '3.5' against 3 fails while '3.5' against 3.0 works) and a Boolean by Boolean.valueOf; a failed parse fails
 * the whole evaluation.
 */
export function compareJava(left: string | boolean | JavaNumber, right: string | boolean | JavaNumber): number {
  if (typeof left === 'string') return compareStringWith(left, right);
  if (typeof left === 'boolean') return compareBooleanWith(left, right);
  return compareNumberWith(left, right);
}

/** A JavaScript number as the Java value RocketMQ's own tests would pass: Integer, else Long, else Double. */
function javaNumberOf(value: number): JavaNumber {
  if (Number.isInteger(value)) {
    if (value >= -INT_LIMIT && value < INT_LIMIT) return { type: 'int', value: value + 0 };
    if (value >= -(2 ** 63) && value < 2 ** 63)
      return { type: 'long', value: Number.isSafeInteger(value) ? value : BigInt(value) };
  }
  return { type: 'double', value };
}

/** A property value given with a type (for `ferry filter eval`); anything else than string, number or boolean is NULL. */
export function javaValueOf(value: unknown): JavaValue {
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return javaNumberOf(value);
  return null;
}

/** UnaryExpression.createNegate: numbers keep their class (and overflow as Java does); anything else is NULL. */
export function negateJava(value: JavaValue): JavaValue {
  if (value === null || typeof value !== 'object') return null;
  if (value.type === 'int') return { type: 'int', value: (0 - Number(value.value)) | 0 };
  if (value.type === 'double') return { type: 'double', value: -Number(value.value) };
  return { type: 'long', value: longValue(BigInt.asIntN(64, -BigInt(value.value))) };
}
