// The compiled closures (which stop early where the answer can no longer be a match) must answer exactly as a plain
// tree walk written from RocketMQ's expression classes does, on many generated expressions and messages.
import { describe, expect, it } from 'vitest';
import { EVALUATION_ABORT, FilterSyntaxError } from '../../../lambda/core/filter/errors.ts';
import { compileSql92 } from '../../../lambda/core/filter/index.ts';
import {
  compareDoubles,
  compareJava,
  doubleOrAbort,
  javaValueOf,
  negateJava,
} from '../../../lambda/core/filter/java-semantics.ts';
import type { JavaValue } from '../../../lambda/core/filter/java-semantics.ts';
import type { Sql92Expression } from '../../../lambda/core/filter/sql92-ast.ts';
import { parseSql92 } from '../../../lambda/core/filter/sql92-parser.ts';

type Properties = Record<string, string | number | boolean | undefined>;

/** Expression.evaluate, class by class: LogicExpression, UnaryExpression, ComparisonExpression, PropertyExpression. */
function evaluate(node: Sql92Expression, properties: Properties): JavaValue {
  switch (node.kind) {
    case 'string':
    case 'boolean':
    case 'number':
      return node.value;
    case 'null':
      return null;
    case 'property':
      return Object.hasOwn(properties, node.name) ? javaValueOf(properties[node.name]) : null;
    case 'negate':
      return negateJava(evaluate(node.operand, properties));
    case 'booleanCast': {
      const value = evaluate(node.operand, properties);
      return value === null ? null : value === true;
    }
    case 'not': {
      const value = evaluate(node.operand, properties);
      return value === null ? null : !value;
    }
    case 'and': {
      const left = evaluate(node.left, properties);
      if (left === false) return false;
      const right = evaluate(node.right, properties);
      if (right === false) return false;
      return left === null || right === null ? null : true;
    }
    case 'or': {
      const left = evaluate(node.left, properties);
      if (left === true) return true;
      const right = evaluate(node.right, properties);
      if (right === true) return true;
      return left === null || right === null ? null : false;
    }
    case 'equal': {
      const left = evaluate(node.left, properties);
      const right = evaluate(node.right, properties);
      if ((left === null) !== (right === null)) return left === null ? null : false;
      if (left === null || right === null) return true;
      return compareJava(left, right) === 0;
    }
    case 'relational': {
      const left = evaluate(node.left, properties);
      if (left === null) return null;
      const right = evaluate(node.right, properties);
      if (right === null) return null;
      const order =
        typeof left === 'string' && typeof right === 'string'
          ? compareDoubles(doubleOrAbort(left), doubleOrAbort(right))
          : compareJava(left, right);
      return { '>': order > 0, '>=': order >= 0, '<': order < 0, '<=': order <= 0 }[node.operator];
    }
    case 'in': {
      const value = evaluate(node.property, properties);
      return typeof value === 'string' ? node.values.includes(value) !== node.negated : null;
    }
    case 'stringTest': {
      if (node.search === '') return false;
      const value = evaluate(node.operand, properties);
      if (typeof value !== 'string') return false;
      const found =
        node.operator === 'CONTAINS'
          ? value.includes(node.search)
          : node.operator === 'STARTSWITH'
            ? value.startsWith(node.search)
            : value.endsWith(node.search);
      return found !== node.negated;
    }
  }
}

/** ExpressionMessageFilter: TRUE matches; FALSE, unknown and a failed evaluation do not. */
function referenceMatches(expression: string, properties: Properties): boolean {
  try {
    return evaluate(parseSql92(expression), properties) === true;
  } catch (error) {
    if (error === EVALUATION_ABORT) return false;
    throw error;
  }
}

/** A small deterministic generator (mulberry32), so that a failure can be reproduced. */
function randomSource(seed: number): (below: number) => number {
  let state = seed;
  return (below) => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * below);
  };
}

const PROPERTIES = ['a', 'b', 'c'];
const LITERALS = ['5', '-3', '2.5', "'x'", "'5'", '2147483648'];
const VALUES: (string | number | boolean | undefined)[] = [
  undefined,
  '5',
  '3',
  '-3',
  '2.5',
  'x',
  'true',
  '',
  'abc',
  '2147483649',
  5,
  true,
];

function generateLeaf(pick: (below: number) => number): string {
  const property = PROPERTIES[pick(PROPERTIES.length)]!;
  const other = PROPERTIES[pick(PROPERTIES.length)]!;
  const literal = LITERALS[pick(LITERALS.length)]!;
  const operator = ['=', '<>', '>', '>=', '<', '<='][pick(6)]!;
  const not = pick(2) === 0 ? '' : 'NOT ';
  const leaves = [
    `${property} ${operator} ${literal}`,
    `${literal} ${operator} ${property}`,
    `${property} ${operator} ${other}`,
    `${property} IS ${not}NULL`,
    `${property} ${not}IN ('5', 'x', '')`,
    `${property} ${not}CONTAINS 'x'`,
    `${property} ${not}BETWEEN -3 AND 5`,
    `${property} = TRUE`,
    property,
    ['TRUE', 'FALSE', 'NULL'][pick(3)]!,
  ];
  return leaves[pick(leaves.length)]!;
}

function generateCondition(pick: (below: number) => number, depth: number): string {
  if (depth === 0 || pick(3) === 0) return generateLeaf(pick);
  const left = generateCondition(pick, depth - 1);
  const right = generateCondition(pick, depth - 1);
  return [
    `NOT (${left})`,
    `(${left}) AND (${right})`,
    `(${left}) OR (${right})`,
    `${left} AND ${right}`,
    `${left} OR ${right}`,
  ][pick(5)]!;
}

function generateProperties(pick: (below: number) => number): Properties {
  const properties: Properties = {};
  for (const name of PROPERTIES) {
    const value = VALUES[pick(VALUES.length)];
    if (value !== undefined) properties[name] = value;
  }
  return properties;
}

describe('compiled SQL92 filters against a plain walk of RocketMQ semantics', () => {
  it('give the same answer for thousands of generated expressions and messages', () => {
    const pick = randomSource(20240611);
    let compared = 0;
    for (let round = 0; round < 3000; round++) {
      const expression = generateCondition(pick, 3);
      let predicate: ReturnType<typeof compileSql92>;
      try {
        predicate = compileSql92(expression);
      } catch (error) {
        if (error instanceof FilterSyntaxError) continue;
        throw error;
      }
      for (let sample = 0; sample < 12; sample++) {
        const properties = generateProperties(pick);
        expect(predicate(properties), `${expression} with ${JSON.stringify(properties)}`).toBe(
          referenceMatches(expression, properties),
        );
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(20_000);
  });
});
