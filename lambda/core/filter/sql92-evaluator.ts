// Compiles an SQL92 syntax tree once into nested closures that evaluate it with RocketMQ's semantics: three-valued
// logic, a missing property as NULL, Java's conversions between strings and numbers, and a failed conversion as no match.
import { EVALUATION_ABORT } from './errors.ts';
import {
  compareDoubles,
  compareJava,
  compareLongs,
  doubleOrAbort,
  javaBooleanValueOf,
  javaValueOf,
  negateJava,
  parseJavaDouble,
  parseJavaInt,
  parseJavaLong,
} from './java-semantics.ts';
import type { JavaNumber, JavaValue } from './java-semantics.ts';
import type {
  Condition,
  Equality,
  InList,
  Logic,
  Relational,
  RelationalOperator,
  Sql92Expression,
  StringTest,
} from './sql92-ast.ts';

/** The properties a predicate reads: strings (as messages carry them) or, for `ferry filter eval`, typed values. */
export type PropertyBag = Readonly<Record<string, unknown>>;
/** SQL's three values: true, false, and null for unknown. */
type Truth = boolean | null;
type Evaluate = (properties: PropertyBag) => JavaValue;
type Decide = (properties: PropertyBag) => Truth;

/**
 * The same string in V8's internalized (unique) form, which object keys always have. Names and literals sliced out
 * of the expression are not internalized, and looking them up or comparing them would cost that much more each time.
 */
function internalized(text: string): string {
  return Object.keys({ [text]: true })[0] ?? text;
}

/** A property that is not a string: its typed value, or NULL when it is missing (or only inherited, like `constructor`). */
function typedProperty(properties: PropertyBag, name: string, value: unknown): JavaValue {
  if (value === undefined || value === null || !Object.hasOwn(properties, name)) return null;
  return javaValueOf(value);
}

function compileProperty(propertyName: string): Evaluate {
  const name = internalized(propertyName);
  return (properties) => {
    const value = properties[name];
    return typeof value === 'string' ? value : typedProperty(properties, name, value);
  };
}

function constantOf(node: Sql92Expression): JavaValue | undefined {
  switch (node.kind) {
    case 'string':
      return internalized(node.value);
    case 'boolean':
    case 'number':
      return node.value;
    case 'null':
      return null;
    case 'negate': {
      const operand = constantOf(node.operand);
      return operand === undefined ? undefined : negateJava(operand);
    }
    default:
      return undefined;
  }
}

function compileValue(node: Sql92Expression): Evaluate {
  const constant = constantOf(node);
  if (constant !== undefined) return () => constant;
  if (node.kind === 'property') return compileProperty(node.name);
  if (node.kind === 'negate') {
    const operand = compileValue(node.operand);
    return (properties) => negateJava(operand(properties));
  }
  // Literals were folded above, so what is left is a condition used as a value, as in `(a = 1) = TRUE`.
  return compileCondition(node as Condition);
}

/** LogicExpression.createAND: false wins, then unknown; the right side is not evaluated after a false. */
function compileAnd(node: Logic): Decide {
  const left = compileCondition(node.left);
  const right = compileCondition(node.right);
  return (properties) => {
    const l = left(properties);
    if (l === false) return false;
    const r = right(properties);
    if (r === false) return false;
    return l === null || r === null ? null : true;
  };
}

/** LogicExpression.createOR: true wins, then unknown; the right side is not evaluated after a true. */
function compileOr(node: Logic): Decide {
  const left = compileCondition(node.left);
  const right = compileCondition(node.right);
  return (properties) => {
    const l = left(properties);
    if (l === true) return true;
    const r = right(properties);
    if (r === true) return true;
    return l === null || r === null ? null : false;
  };
}

/** UnaryExpression.createNOT: NOT unknown is unknown. */
function compileNot(operand: Condition): Decide {
  const inner = compileCondition(operand);
  return (properties) => {
    const value = inner(properties);
    return value === null ? null : !value;
  };
}

/** UnaryExpression.createBooleanCast: a bare property is only true if it holds a boolean true, so the string 'true' is false. */
function compileBooleanCast(propertyName: string): Decide {
  const name = internalized(propertyName);
  return (properties) => {
    const value = properties[name];
    if (typeof value === 'string') return false;
    const typed = typedProperty(properties, name, value);
    return typed === null ? null : typed === true;
  };
}

/** ComparisonExpression.doCreateEqual: NULL = x is unknown but x = NULL is false, and NULL = NULL is true. */
function equalValues(left: JavaValue, right: JavaValue): Truth {
  if (left === null) return right === null ? true : null;
  if (right === null) return false;
  return compareJava(left, right) === 0;
}

/** `property = literal`, the common case, without building a value for a string property. */
function compilePropertyEquals(propertyName: string, literal: Exclude<JavaValue, null>): Decide {
  const name = internalized(propertyName);
  const slow = (properties: PropertyBag, value: unknown): Truth =>
    equalValues(typedProperty(properties, name, value), literal);
  if (typeof literal === 'string') {
    return (properties) => {
      const value = properties[name];
      return typeof value === 'string' ? value === literal : slow(properties, value);
    };
  }
  if (typeof literal === 'boolean') {
    return (properties) => {
      const value = properties[name];
      return typeof value === 'string' ? javaBooleanValueOf(value) === literal : slow(properties, value);
    };
  }
  const order = numericOrder(literal);
  return (properties) => {
    const value = properties[name];
    return typeof value === 'string' ? order(value) === 0 : slow(properties, value);
  };
}

function compileEquality(node: Equality): Decide {
  const literal = constantOf(node.right);
  if (node.left.kind === 'property' && literal !== undefined && literal !== null)
    return compilePropertyEquals(node.left.name, literal);
  const left = compileValue(node.left);
  const right = compileValue(node.right);
  return (properties) => equalValues(left(properties), right(properties));
}

/**
 * How a string property compares with a numeric literal: parsed into the literal's class first (Integer.valueOf
 * for an Integer literal, Long.valueOf for a Long, Double.valueOf for a Double); a string that does not parse
 * fails the evaluation, as the NumberFormatException does in ComparisonExpression.__compare.
 */
function numericOrder(literal: JavaNumber): (text: string) => number {
  const { type, value } = literal;
  if (type === 'int') {
    const bound = Number(value);
    return (text) => {
      const parsed = parseJavaInt(text);
      if (parsed === undefined) throw EVALUATION_ABORT;
      return parsed < bound ? -1 : parsed > bound ? 1 : 0;
    };
  }
  if (type === 'long') {
    return (text) => {
      const parsed = parseJavaLong(text);
      if (parsed === undefined) throw EVALUATION_ABORT;
      return compareLongs(parsed, value);
    };
  }
  const bound = Number(value);
  return (text) => {
    const parsed = parseJavaDouble(text);
    if (parsed === undefined) throw EVALUATION_ABORT;
    return compareDoubles(parsed, bound);
  };
}

const HOLDS: Record<RelationalOperator, (order: number) => boolean> = {
  '>': (order) => order > 0,
  '>=': (order) => order >= 0,
  '<': (order) => order < 0,
  '<=': (order) => order <= 0,
};

/** The operator that says the same with its operands swapped, for numbers: `5 < a` is `a > 5`. */
const MIRRORED: Record<RelationalOperator, RelationalOperator> = { '>': '<', '>=': '<=', '<': '>', '<=': '>=' };

/** ComparisonExpression.evaluate for >, >=, <, <=: two strings are both read with Double.valueOf; otherwise __compare. */
function orderValues(left: Exclude<JavaValue, null>, right: Exclude<JavaValue, null>): number {
  if (typeof left === 'string' && typeof right === 'string')
    return compareDoubles(doubleOrAbort(left), doubleOrAbort(right));
  return compareJava(left, right);
}

/**
 * `property > number` (or `number < property`): the hot path of numeric filters, specialised by operator. A string
 * property is parsed and compared as a number, where swapping the sides just mirrors the operator; a typed value
 * keeps the written order, since __compare answers "less" for a Boolean on either side.
 */
function compilePropertyOrder(
  propertyName: string,
  operator: RelationalOperator,
  literal: JavaNumber,
  literalFirst: boolean,
): Decide {
  const name = internalized(propertyName);
  const holds = HOLDS[operator];
  const slow = (properties: PropertyBag, value: unknown): Truth => {
    const typed = typedProperty(properties, name, value);
    if (typed === null) return null;
    return holds(literalFirst ? orderValues(literal, typed) : orderValues(typed, literal));
  };
  const propertyFirstOperator = literalFirst ? MIRRORED[operator] : operator;
  if (literal.type === 'int') return compileIntPropertyOrder(name, propertyFirstOperator, Number(literal.value), slow);
  const order = numericOrder(literal);
  const propertyFirstHolds = HOLDS[propertyFirstOperator];
  return (properties) => {
    const value = properties[name];
    return typeof value === 'string' ? propertyFirstHolds(order(value)) : slow(properties, value);
  };
}

type SlowPath = (properties: PropertyBag, value: unknown) => Truth;

function intOrAbort(text: string): number {
  const parsed = parseJavaInt(text);
  if (parsed === undefined) throw EVALUATION_ABORT;
  return parsed;
}

function compileIntPropertyOrder(name: string, operator: RelationalOperator, bound: number, slow: SlowPath): Decide {
  switch (operator) {
    case '>':
      return (properties) => {
        const value = properties[name];
        return typeof value === 'string' ? intOrAbort(value) > bound : slow(properties, value);
      };
    case '>=':
      return (properties) => {
        const value = properties[name];
        return typeof value === 'string' ? intOrAbort(value) >= bound : slow(properties, value);
      };
    case '<':
      return (properties) => {
        const value = properties[name];
        return typeof value === 'string' ? intOrAbort(value) < bound : slow(properties, value);
      };
    case '<=':
      return (properties) => {
        const value = properties[name];
        return typeof value === 'string' ? intOrAbort(value) <= bound : slow(properties, value);
      };
  }
}

function numericLiteral(node: Sql92Expression): JavaNumber | undefined {
  const constant = constantOf(node);
  return constant !== null && typeof constant === 'object' ? constant : undefined;
}

function compileRelational(node: Relational): Decide {
  const rightLiteral = numericLiteral(node.right);
  if (node.left.kind === 'property' && rightLiteral !== undefined)
    return compilePropertyOrder(node.left.name, node.operator, rightLiteral, false);
  const leftLiteral = numericLiteral(node.left);
  if (node.right.kind === 'property' && leftLiteral !== undefined)
    return compilePropertyOrder(node.right.name, node.operator, leftLiteral, true);
  const left = compileValue(node.left);
  const right = compileValue(node.right);
  const holds = HOLDS[node.operator];
  return (properties) => {
    const l = left(properties);
    if (l === null) return null;
    const r = right(properties);
    return r === null ? null : holds(orderValues(l, r));
  };
}

/** UnaryExpression.createInExpression: a missing or non-string value is unknown, for IN and NOT IN alike. */
function compileIn(node: InList): Decide {
  const name = internalized(node.property.name);
  const negated = node.negated;
  const values = node.values.map(internalized);
  const [first, second] = values;
  // The short lists filters usually have are compared inline; longer ones go through a Set.
  if (values.length === 1 && first !== undefined) {
    return (properties) => {
      const value = properties[name];
      return typeof value === 'string' ? (value === first) !== negated : null;
    };
  }
  if (values.length === 2 && first !== undefined && second !== undefined) {
    return (properties) => {
      const value = properties[name];
      return typeof value === 'string' ? (value === first || value === second) !== negated : null;
    };
  }
  const set = new Set(values);
  return (properties) => {
    const value = properties[name];
    return typeof value === 'string' ? set.has(value) !== negated : null;
  };
}

const STRING_TESTS: Record<StringTest['operator'], (value: string, search: string) => boolean> = {
  CONTAINS: (value, search) => value.includes(search),
  STARTSWITH: (value, search) => value.startsWith(search),
  ENDSWITH: (value, search) => value.endsWith(search),
};

/**
 * ComparisonExpression.ContainsExpression and its siblings: an empty search string, a missing value or a value
 * that is no string is false, for the NOT forms too. So `a NOT CONTAINS 'x'` is false when a is missing, while
 * `NOT (a CONTAINS 'x')` is true.
 */
function compileStringTest(node: StringTest): Decide {
  const { search, negated } = node;
  if (search === '') return () => false;
  const test = STRING_TESTS[node.operator];
  const operand = compileValue(node.operand);
  return (properties) => {
    const value = operand(properties);
    return typeof value === 'string' ? test(value, search) !== negated : false;
  };
}

function compileCondition(node: Condition): Decide {
  switch (node.kind) {
    case 'boolean': {
      const value = node.value;
      return () => value;
    }
    case 'null':
      return () => null;
    case 'booleanCast':
      return compileBooleanCast(node.operand.name);
    case 'not':
      return compileNot(node.operand);
    case 'and':
      return compileAnd(node);
    case 'or':
      return compileOr(node);
    case 'equal':
      return compileEquality(node);
    case 'relational':
      return compileRelational(node);
    case 'in':
      return compileIn(node);
    case 'stringTest':
      return compileStringTest(node);
  }
}

/** The operands of a chain of ANDs, whatever its parenthesisation: `a AND (b AND c)` gives a, b, c. */
function conjunctsOf(node: Condition): Condition[] {
  return node.kind === 'and' ? [...conjunctsOf(node.left), ...conjunctsOf(node.right)] : [node];
}

/** All of the conditions TRUE, evaluated in order and stopping at the first that is not; unrolled for the usual sizes. */
function allTrue(conditions: Decide[]): Decide {
  const [first, second, third] = conditions;
  if (conditions.length === 2 && first !== undefined && second !== undefined)
    return (properties) => first(properties) === true && second(properties) === true;
  if (conditions.length === 3 && first !== undefined && second !== undefined && third !== undefined) {
    return (properties) => first(properties) === true && second(properties) === true && third(properties) === true;
  }
  return (properties) => conditions.every((condition) => condition(properties) === true);
}

/**
 * A condition compiled for where only "is it TRUE?" matters and a failed evaluation counts as not TRUE: the top of
 * the filter, and the operands of an AND there. FALSE, unknown and failure are then the same answer, so an AND may
 * stop at its first operand that is not TRUE where RocketMQ would go on (and could only find FALSE, unknown or a
 * failure). The left operand of an OR is compiled exactly: a failure there must not be rescued by a TRUE on the right.
 */
function compileTruth(node: Condition): Decide {
  if (node.kind === 'and') return allTrue(conjunctsOf(node).map(compileTruth));
  if (node.kind === 'or') {
    const left = compileCondition(node.left);
    const right = compileTruth(node.right);
    return (properties) => left(properties) === true || right(properties) === true;
  }
  return compileCondition(node);
}

/** A compiled filter: TRUE is a match; FALSE, unknown and (by throwing EVALUATION_ABORT) a failed evaluation are not. */
export function compileSql92Decision(root: Condition): Decide {
  return compileTruth(root);
}

/**
 * What a failed evaluation means for a match: none, as RocketMQ's broker logs and skips it
 * (ExpressionMessageFilter.isMatchedByCommitLog). Any other error is a bug and goes on.
 */
export function noMatchOnAbort(error: unknown): false {
  if (error === EVALUATION_ABORT) return false;
  throw error;
}

/** The predicate of a parsed filter over a property bag: true only when the expression is TRUE. */
export function compileSql92Predicate(root: Condition): (properties: PropertyBag) => boolean {
  const decide = compileSql92Decision(root);
  return (properties) => {
    try {
      return decide(properties) === true;
    } catch (error) {
      return noMatchOnAbort(error);
    }
  };
}
