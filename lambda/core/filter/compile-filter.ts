// The filter core's entry points: a subscription's filter (tag or SQL92) compiled once into a predicate over a message.
import { FilterSyntaxError } from './errors.ts';
import { readsProperty } from './sql92-ast.ts';
import { compileSql92Decision, compileSql92Predicate, noMatchOnAbort } from './sql92-evaluator.ts';
import { parseSql92 } from './sql92-parser.ts';
import { compileTagFilter } from './tag-filter.ts';

/** A subscription's filter; undefined matches every message. */
export type FilterSpec = { type: 'TAG' | 'SQL92'; expression: string } | undefined;

/** What a filter sees of a message: its tag and its user properties (strings, as in RocketMQ). */
export interface FilterTarget {
  tag?: string;
  properties: Record<string, string>;
}

export type MessagePredicate = (message: FilterTarget) => boolean;

const MATCH_ALL: MessagePredicate = () => true;

/** RocketMQ keeps a message's tag in its TAGS property, so SQL92 filters can name it: `TAGS IN ('a', 'b')`. */
const TAGS_PROPERTY = 'TAGS';

/** The properties with the message's tag as TAGS, only built for the filters that read it. */
function propertiesWithTag(message: FilterTarget): Record<string, string> {
  return message.tag === undefined ? message.properties : { ...message.properties, [TAGS_PROPERTY]: message.tag };
}

function compileSql92Filter(expression: string): MessagePredicate {
  const syntax = parseSql92(expression);
  const decide = compileSql92Decision(syntax);
  if (readsProperty(syntax, TAGS_PROPERTY)) {
    return (message) => {
      try {
        return decide(propertiesWithTag(message)) === true;
      } catch (error) {
        return noMatchOnAbort(error);
      }
    };
  }
  return (message) => {
    try {
      return decide(message.properties) === true;
    } catch (error) {
      return noMatchOnAbort(error);
    }
  };
}

/** Parses and compiles; throws FilterSyntaxError (with a message saying what and where) on a bad expression. */
export function compileFilter(spec: FilterSpec): MessagePredicate {
  if (spec === undefined) return MATCH_ALL;
  if (spec.type === 'TAG') return compileTagFilter(spec.expression);
  if (spec.type === 'SQL92') return compileSql92Filter(spec.expression);
  throw new FilterSyntaxError(
    `unknown filter type '${String((spec as { type: unknown }).type)}'`,
    undefined,
    'TAG or SQL92',
  );
}

/** How many compiled filters `cachedFilter` keeps; the least recently used one goes first. */
const CACHE_LIMIT = 1000;
const cache = new Map<string, MessagePredicate>();

/** Same as compileFilter but memoised by type and expression, so that each subscription compiles once. */
export function cachedFilter(spec: FilterSpec): MessagePredicate {
  if (spec === undefined) return MATCH_ALL;
  const key = `${spec.type}\u0000${spec.expression}`;
  const cached = cache.get(key);
  if (cached !== undefined) {
    cache.delete(key);
    cache.set(key, cached);
    return cached;
  }
  const compiled = compileFilter(spec);
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  cache.set(key, compiled);
  return compiled;
}

/** For `ferry filter eval` and tests: evaluate SQL92 with typed values (string | number | boolean), as RocketMQ's own tests do. */
export function compileSql92(
  expression: string,
): (properties: Record<string, string | number | boolean | null | undefined>) => boolean {
  return compileSql92Predicate(parseSql92(expression));
}
