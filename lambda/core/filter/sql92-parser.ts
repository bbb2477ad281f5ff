// Parses an SQL92 filter expression into its syntax tree, following RocketMQ's SelectorParser.jj production by production.
import { describeOffset, FilterSyntaxError } from './errors.ts';
import type { Condition, Span, Sql92Expression, StringTestOperator } from './sql92-ast.ts';
import { stringValue, tokenize } from './sql92-lexer.ts';
import type { Token, TokenType } from './sql92-lexer.ts';
import { Sql92Rules } from './sql92-rules.ts';

const RELATIONAL_OPERATORS = ['>', '>=', '<', '<='] as const;
const STRING_TESTS: readonly StringTestOperator[] = ['CONTAINS', 'STARTSWITH', 'ENDSWITH'];
/** What may follow NOT after a value (LOOKAHEAD(2) in comparisonExpression). */
const AFTER_NOT = new Set<TokenType>(['BETWEEN', 'IN', ...STRING_TESTS]);
/** Parentheses, NOT and signs nested deeper than this are refused rather than risking the call stack; no real filter comes near it. */
const MAX_NESTING = 256;

function spanOfToken(token: Token): Span {
  return { start: token.start, end: token.start + token.text.length };
}

function describeToken(token: Token): string {
  if (token.type === 'EOF') return 'end of the expression';
  if (token.type === 'STRING') return `string ${token.text}`;
  return `'${token.text}'`;
}

function isRelational(type: TokenType): type is (typeof RELATIONAL_OPERATORS)[number] {
  return (RELATIONAL_OPERATORS as readonly TokenType[]).includes(type);
}

function isStringTest(type: TokenType): type is StringTestOperator {
  return (STRING_TESTS as readonly TokenType[]).includes(type);
}

class Sql92Parser {
  private index = 0;
  private nesting = 0;
  private readonly rules: Sql92Rules;

  constructor(
    private readonly source: string,
    private readonly tokens: Token[],
  ) {
    this.rules = new Sql92Rules(source);
  }

  private peek(ahead = 0): Token {
    return this.tokens[Math.min(this.index + ahead, this.tokens.length - 1)]!;
  }

  private next(): Token {
    const token = this.peek();
    if (token.type !== 'EOF') this.index++;
    return token;
  }

  private unexpected(token: Token, hint: string): FilterSyntaxError {
    return new FilterSyntaxError(
      `unexpected ${describeToken(token)}`,
      { source: this.source, offset: token.start },
      hint,
    );
  }

  private expect(type: TokenType, hint: string): Token {
    const token = this.peek();
    if (token.type !== type) throw this.unexpected(token, hint);
    return this.next();
  }

  /**
   * JmsSelector. RocketMQ stops at the first token that cannot continue the expression and ignores the rest, so
   * `a = 1 b = 2` would silently filter on `a = 1` alone (apache/rocketmq#602 proposed <EOF> and was not merged);
   * Ferry refuses anything left over instead.
   */
  parseSelector(): Condition {
    if (this.peek().type === 'EOF')
      throw new FilterSyntaxError(
        'the SQL92 expression is empty',
        undefined,
        "write a condition such as lane = 'gray'",
      );
    const expression = this.orExpression();
    const rest = this.peek();
    if (rest.type !== 'EOF') throw this.unexpected(rest, 'the expression should end here (is an AND or OR missing?)');
    return this.rules.asCondition(expression);
  }

  private orExpression(): Sql92Expression {
    let left = this.andExpression();
    while (this.peek().type === 'OR') {
      this.next();
      left = this.rules.logic('or', left, this.andExpression());
    }
    return left;
  }

  private andExpression(): Sql92Expression {
    let left = this.equalityExpression();
    while (this.peek().type === 'AND') {
      this.next();
      left = this.rules.logic('and', left, this.equalityExpression());
    }
    return left;
  }

  private equalityExpression(): Sql92Expression {
    let left = this.comparisonExpression();
    for (;;) {
      const type = this.peek().type;
      if (type === '=') {
        this.next();
        left = this.rules.equal(left, this.comparisonExpression(), '=');
      } else if (type === '<>') {
        this.next();
        left = this.rules.notEqual(left, this.comparisonExpression());
      } else if (type === 'IS') {
        left = this.isNullTest(left);
      } else {
        return left;
      }
    }
  }

  private isNullTest(operand: Sql92Expression): Sql92Expression {
    this.next();
    if (this.peek().type === 'NULL') return this.rules.isNull(operand, spanOfToken(this.next()));
    this.expect('NOT', 'IS takes NULL or NOT NULL');
    return this.rules.isNotNull(operand, spanOfToken(this.expect('NULL', 'IS NOT takes NULL')));
  }

  private comparisonExpression(): Sql92Expression {
    let left = this.unaryExpression();
    for (;;) {
      const type = this.peek().type;
      if (isRelational(type)) {
        this.next();
        left = this.rules.relational(type, left, this.unaryExpression());
      } else if (type === 'NOT') {
        left = this.negatedComparison(left);
      } else if (type === 'BETWEEN' || type === 'IN' || isStringTest(type)) {
        left = this.keywordComparison(left, false);
      } else {
        return left;
      }
    }
  }

  private negatedComparison(left: Sql92Expression): Sql92Expression {
    const not = this.next();
    if (!AFTER_NOT.has(this.peek().type)) {
      throw this.unexpected(
        this.peek(),
        `after a value, NOT (at ${describeOffset(this.source, not.start)}) must be followed by BETWEEN, IN, CONTAINS, STARTSWITH or ENDSWITH; write NOT (a = 1) to negate a condition`,
      );
    }
    return this.keywordComparison(left, true);
  }

  private keywordComparison(left: Sql92Expression, negated: boolean): Sql92Expression {
    const keyword = this.next();
    if (keyword.type === 'BETWEEN') return this.between(left, negated);
    if (keyword.type === 'IN') return this.inList(left, negated);
    if (!isStringTest(keyword.type))
      throw this.unexpected(keyword, 'expected BETWEEN, IN, CONTAINS, STARTSWITH or ENDSWITH');
    const literal = this.expect('STRING', `${keyword.type} takes a string literal, like ${keyword.type} 'abc'`);
    return this.rules.stringTest(keyword.type, left, stringValue(literal), negated, spanOfToken(literal));
  }

  private between(value: Sql92Expression, negated: boolean): Sql92Expression {
    const low = this.unaryExpression();
    this.expect('AND', 'BETWEEN takes two bounds: BETWEEN low AND high');
    const high = this.unaryExpression();
    return negated ? this.rules.notBetween(value, low, high) : this.rules.between(value, low, high);
  }

  private inList(left: Sql92Expression, negated: boolean): Sql92Expression {
    this.expect('(', "IN takes a list in parentheses, like IN ('a', 'b')");
    const values = [stringValue(this.expect('STRING', "IN takes string literals only, like IN ('1', '2')"))];
    while (this.peek().type === ',') {
      this.next();
      values.push(stringValue(this.expect('STRING', "IN takes string literals only, like IN ('1', '2')")));
    }
    const close = this.expect(')', "expected ',' or ')' in the IN list");
    return this.rules.inList(left, values, negated, spanOfToken(close));
  }

  /** unaryExpr: `+x` is x itself, `-x` negates, and NOT binds to the next value only: `NOT a = 1` is `(NOT a) = 1`. */
  private unaryExpression(): Sql92Expression {
    const token = this.peek();
    if (token.type !== '+' && token.type !== '-' && token.type !== 'NOT') return this.primaryExpression();
    this.next();
    const operand = this.nested(token, () => this.unaryExpression());
    if (token.type === '+') return operand;
    return token.type === '-'
      ? this.rules.negate(operand, spanOfToken(token))
      : this.rules.not(operand, spanOfToken(token));
  }

  private nested<T>(token: Token, parse: () => T): T {
    if (++this.nesting > MAX_NESTING) {
      throw new FilterSyntaxError(
        'the expression nests too deeply',
        { source: this.source, offset: token.start },
        `at most ${MAX_NESTING} levels of parentheses, NOT and signs`,
      );
    }
    try {
      return parse();
    } finally {
      this.nesting--;
    }
  }

  private primaryExpression(): Sql92Expression {
    const token = this.next();
    const span = spanOfToken(token);
    switch (token.type) {
      case 'STRING':
        return { kind: 'string', value: stringValue(token), ...span };
      case 'DECIMAL':
        return this.rules.decimalLiteral(token.text, span);
      case 'FLOAT':
        return this.rules.floatLiteral(token.text, span);
      case 'TRUE':
      case 'FALSE':
        return { kind: 'boolean', value: token.type === 'TRUE', ...span };
      case 'NULL':
        return { kind: 'null', ...span };
      case 'ID':
        return { kind: 'property', name: token.text, ...span };
      case '(':
        return this.parenthesized(token);
      default:
        throw this.unexpected(token, "expected a property name, a literal or '('");
    }
  }

  private parenthesized(open: Token): Sql92Expression {
    const inner = this.nested(open, () => this.orExpression());
    this.expect(')', `expected ')' to close the '(' at ${describeOffset(this.source, open.start)}`);
    return inner;
  }
}

/** Parses and checks an SQL92 filter expression; throws FilterSyntaxError saying what is wrong and where. */
export function parseSql92(expression: string): Condition {
  return new Sql92Parser(expression, tokenize(expression)).parseSelector();
}
