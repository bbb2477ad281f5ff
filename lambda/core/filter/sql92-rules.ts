// Builds SQL92 syntax-tree nodes under the rules RocketMQ checks when it creates them (ConstantExpression,
// ComparisonExpression.create*, SelectorParser.asBooleanExpression): what RocketMQ refuses there, Ferry refuses too.
import { EvaluationAbort, FilterSyntaxError } from './errors.ts';
import { compareJava, fitsLong, longValue } from './java-semantics.ts';
import { isCondition, isConstant } from './sql92-ast.ts';
import type {
  Condition,
  Constant,
  Equality,
  InList,
  Logic,
  Negation,
  NumberLiteral,
  RelationalOperator,
  Span,
  Sql92Expression,
  StringTest,
  StringTestOperator,
} from './sql92-ast.ts';

const INT_MIN = -(2n ** 31n);
const INT_MAX = 2n ** 31n - 1n;

function spanOf(first: Span, last: Span): Span {
  return { start: first.start, end: last.end };
}

export class Sql92Rules {
  constructor(private readonly source: string) {}

  private refuse(what: string, at: Span, hint?: string): never {
    throw new FilterSyntaxError(what, { source: this.source, offset: at.start }, hint);
  }

  /** The node's source text in quotes; a string literal already has its own. */
  private quote(node: Span): string {
    const text = this.source.slice(node.start, node.end);
    return text.startsWith("'") ? text : `'${text}'`;
  }

  /** ConstantExpression.createFromDecimal: an Integer when it fits 32 bits, else a Long; beyond a long it is refused. */
  decimalLiteral(text: string, at: Span): NumberLiteral {
    const digits = /[lL]$/.test(text) ? text.slice(0, -1) : text;
    const value = BigInt(digits);
    if (!fitsLong(value))
      this.refuse(`the number ${text} is out of range`, at, 'integers go up to 9223372036854775807 (a Java long)');
    const isInt = value >= INT_MIN && value <= INT_MAX;
    return {
      kind: 'number',
      value: isInt ? { type: 'int', value: Number(value) } : { type: 'long', value: longValue(value) },
      ...at,
    };
  }

  /**
   * ConstantExpression.createFloat refuses a value above Double.MAX_VALUE and one below Double.MIN_VALUE. MIN_VALUE
   * is the smallest positive double, so RocketMQ refuses 0.0 (and any literal that rounds to zero): write 0.
   */
  floatLiteral(text: string, at: Span): NumberLiteral {
    const value = Number(text);
    if (value > Number.MAX_VALUE)
      this.refuse(`the number ${text} is too large`, at, 'decimals go up to 1.7976931348623157E308 (a Java double)');
    if (value < Number.MIN_VALUE)
      this.refuse(
        `the decimal ${text} is refused`,
        at,
        'RocketMQ takes no decimal literal below 4.9E-324, not even 0.0: write 0',
      );
    return { kind: 'number', value: { type: 'double', value }, ...at };
  }

  /** SelectorParser.asBooleanExpression: a condition stays, a bare property is read as a boolean, anything else is refused. */
  asCondition(node: Sql92Expression): Condition {
    if (isCondition(node)) return node;
    if (node.kind === 'property') return { kind: 'booleanCast', operand: node, start: node.start, end: node.end };
    return this.refuse(
      `${this.quote(node)} is not a condition`,
      node,
      'a filter needs a comparison such as a = 1, or a boolean',
    );
  }

  logic(kind: Logic['kind'], left: Sql92Expression, right: Sql92Expression): Logic {
    return { kind, left: this.asCondition(left), right: this.asCondition(right), ...spanOf(left, right) };
  }

  not(operand: Sql92Expression, at: Span): Condition {
    return { kind: 'not', operand: this.asCondition(operand), ...spanOf(at, operand) };
  }

  negate(operand: Sql92Expression, at: Span): Negation {
    return { kind: 'negate', operand, ...spanOf(at, operand) };
  }

  /** ComparisonExpression.checkEqualOperand: NULL cannot stand beside = or <>. */
  private checkEqualOperand(operand: Sql92Expression, operator: string): void {
    if (operand.kind === 'null')
      this.refuse(`NULL cannot be compared with ${operator}`, operand, 'write IS NULL or IS NOT NULL');
  }

  /** ComparisonExpression.checkEqualOperandCompatability: TRUE or FALSE on the left of a literal that is no boolean. */
  private checkEqualCompatibility(left: Sql92Expression, right: Sql92Expression): void {
    if (left.kind === 'boolean' && isConstant(right) && right.kind !== 'boolean') {
      this.refuse(`${this.quote(left)} cannot be compared with ${this.quote(right)}`, left);
    }
  }

  equal(left: Sql92Expression, right: Sql92Expression, operator: '=' | '<>'): Equality {
    this.checkEqualOperand(left, operator);
    this.checkEqualOperand(right, operator);
    this.checkEqualCompatibility(left, right);
    return { kind: 'equal', left, right, ...spanOf(left, right) };
  }

  notEqual(left: Sql92Expression, right: Sql92Expression): Condition {
    const equality = this.equal(left, right, '<>');
    return { kind: 'not', operand: equality, ...spanOf(left, right) };
  }

  /** IS NULL is "= NULL" built without the checks of = (ComparisonExpression.createIsNull). */
  isNull(operand: Sql92Expression, end: Span): Equality {
    const nullLiteral: Constant = { kind: 'null', ...end };
    return { kind: 'equal', left: operand, right: nullLiteral, ...spanOf(operand, end) };
  }

  isNotNull(operand: Sql92Expression, end: Span): Condition {
    return { kind: 'not', operand: this.isNull(operand, end), ...spanOf(operand, end) };
  }

  /** ComparisonExpression.checkLessThanOperand: >, >=, <, <= take no string, boolean or NULL literal and no condition. */
  private checkOrderedOperand(operand: Sql92Expression, operator: RelationalOperator): void {
    if (operand.kind === 'number') return;
    if (isConstant(operand)) {
      this.refuse(
        `${this.quote(operand)} cannot be compared with ${operator}`,
        operand,
        '>, >=, <, <= and BETWEEN compare numbers; compare strings with =, <> or IN',
      );
    }
    if (isCondition(operand))
      this.refuse(
        `the condition ${this.quote(operand)} cannot be compared with ${operator}`,
        operand,
        'it is not a number',
      );
  }

  relational(operator: RelationalOperator, left: Sql92Expression, right: Sql92Expression): Condition {
    this.checkOrderedOperand(left, operator);
    this.checkOrderedOperand(right, operator);
    return { kind: 'relational', operator, left, right, ...spanOf(left, right) };
  }

  /** ComparisonExpression.createBetween: two literal bounds must not be NULL and must be in order. */
  private checkBetweenBounds(low: Sql92Expression, high: Sql92Expression): void {
    if (!isConstant(low) || !isConstant(high)) return;
    if (low.kind === 'null' || high.kind === 'null')
      this.refuse('BETWEEN cannot take NULL as a bound', low.kind === 'null' ? low : high);
    let order: number;
    try {
      order = compareJava(high.value, low.value);
    } catch (error) {
      if (!(error instanceof EvaluationAbort)) throw error;
      return this.refuse(`the BETWEEN bounds ${this.quote(low)} and ${this.quote(high)} cannot be compared`, low);
    }
    if (order < 0)
      this.refuse(
        `BETWEEN ${this.quote(low)} AND ${this.quote(high)} has its bounds the wrong way round`,
        low,
        'the lower bound comes first',
      );
  }

  between(value: Sql92Expression, low: Sql92Expression, high: Sql92Expression): Logic {
    this.checkBetweenBounds(low, high);
    const span = spanOf(value, high);
    return { kind: 'and', left: this.relational('>=', value, low), right: this.relational('<=', value, high), ...span };
  }

  /** ComparisonExpression.createNotBetween checks no bounds: `a NOT BETWEEN 10 AND 0` is accepted (and true for any number). */
  notBetween(value: Sql92Expression, low: Sql92Expression, high: Sql92Expression): Logic {
    const span = spanOf(value, high);
    return { kind: 'or', left: this.relational('<', value, low), right: this.relational('>', value, high), ...span };
  }

  /** ComparisonExpression.createInFilter: only a property can be looked up in a list. */
  inList(left: Sql92Expression, values: string[], negated: boolean, end: Span): InList {
    if (left.kind !== 'property') this.refuse(`IN needs a property on its left, not ${this.quote(left)}`, left);
    return { kind: 'in', property: left, values, negated, ...spanOf(left, end) };
  }

  stringTest(
    operator: StringTestOperator,
    operand: Sql92Expression,
    search: string,
    negated: boolean,
    end: Span,
  ): StringTest {
    return { kind: 'stringTest', operator, negated, operand, search, ...spanOf(operand, end) };
  }
}
