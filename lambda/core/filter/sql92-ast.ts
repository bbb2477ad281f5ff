// The syntax tree of an SQL92 filter, in the shape RocketMQ's SelectorParser builds it: <> is NOT(=), BETWEEN is
// AND(>=, <=), NOT BETWEEN is OR(<, >), IS NULL is "= NULL" and IS NOT NULL is NOT of that.
import type { JavaNumber } from './java-semantics.ts';

/** Where a node's source text starts and ends (offsets into the expression), for error messages. */
export interface Span {
  start: number;
  end: number;
}

export interface StringLiteral extends Span {
  kind: 'string';
  value: string;
}

/** A DECIMAL_LITERAL (Integer when it fits 32 bits, else Long) or FLOATING_POINT_LITERAL (Double). */
export interface NumberLiteral extends Span {
  kind: 'number';
  value: JavaNumber;
}

/** TRUE or FALSE: a BooleanConstantExpression, so both a constant and a condition. */
export interface BooleanLiteral extends Span {
  kind: 'boolean';
  value: boolean;
}

/** NULL: also a BooleanConstantExpression, a condition that is always unknown. */
export interface NullLiteral extends Span {
  kind: 'null';
}

export interface PropertyReference extends Span {
  kind: 'property';
  name: string;
}

/** Unary minus (UnaryExpression.createNegate): numbers are negated, anything else becomes NULL. */
export interface Negation extends Span {
  kind: 'negate';
  operand: Sql92Expression;
}

/** A bare property used as a condition (UnaryExpression.createBooleanCast). */
export interface BooleanCast extends Span {
  kind: 'booleanCast';
  operand: PropertyReference;
}

export interface Not extends Span {
  kind: 'not';
  operand: Condition;
}

export interface Logic extends Span {
  kind: 'and' | 'or';
  left: Condition;
  right: Condition;
}

/** `=` and IS NULL (ComparisonExpression.doCreateEqual). */
export interface Equality extends Span {
  kind: 'equal';
  left: Sql92Expression;
  right: Sql92Expression;
}

export type RelationalOperator = '>' | '>=' | '<' | '<=';

export interface Relational extends Span {
  kind: 'relational';
  operator: RelationalOperator;
  left: Sql92Expression;
  right: Sql92Expression;
}

/** IN and NOT IN: only a property on the left, only string literals in the list (UnaryExpression.createInExpression). */
export interface InList extends Span {
  kind: 'in';
  property: PropertyReference;
  values: string[];
  negated: boolean;
}

export type StringTestOperator = 'CONTAINS' | 'STARTSWITH' | 'ENDSWITH';

/** CONTAINS, STARTSWITH, ENDSWITH and their NOT forms, always against a string literal. */
export interface StringTest extends Span {
  kind: 'stringTest';
  operator: StringTestOperator;
  negated: boolean;
  operand: Sql92Expression;
  search: string;
}

export type Constant = StringLiteral | NumberLiteral | BooleanLiteral | NullLiteral;

/** The nodes RocketMQ types as BooleanExpression: they can stand where a condition is expected. */
export type Condition =
  BooleanLiteral | NullLiteral | BooleanCast | Not | Logic | Equality | Relational | InList | StringTest;

export type Sql92Expression = Constant | PropertyReference | Negation | Condition;

const CONSTANT_KINDS: ReadonlySet<Sql92Expression['kind']> = new Set(['string', 'number', 'boolean', 'null']);
const CONDITION_KINDS: ReadonlySet<Sql92Expression['kind']> = new Set([
  'boolean',
  'null',
  'booleanCast',
  'not',
  'and',
  'or',
  'equal',
  'relational',
  'in',
  'stringTest',
]);

/** RocketMQ's ConstantExpression: a literal. */
export function isConstant(node: Sql92Expression): node is Constant {
  return CONSTANT_KINDS.has(node.kind);
}

/** RocketMQ's BooleanExpression. */
export function isCondition(node: Sql92Expression): node is Condition {
  return CONDITION_KINDS.has(node.kind);
}

function childrenOf(node: Sql92Expression): Sql92Expression[] {
  switch (node.kind) {
    case 'negate':
    case 'booleanCast':
    case 'not':
    case 'stringTest':
      return [node.operand];
    case 'and':
    case 'or':
    case 'equal':
    case 'relational':
      return [node.left, node.right];
    case 'in':
      return [node.property];
    default:
      return [];
  }
}

/** Whether the expression reads the property `name` anywhere. */
export function readsProperty(node: Sql92Expression, name: string): boolean {
  return (
    (node.kind === 'property' && node.name === name) || childrenOf(node).some((child) => readsProperty(child, name))
  );
}
