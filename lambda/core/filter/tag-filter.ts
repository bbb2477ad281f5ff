// RocketMQ's tag filter: `*` for every message, or `TagA || TagB` for messages whose tag is exactly one of those.
import { FilterSyntaxError } from './errors.ts';

/** A message as the tag filter sees it: its one optional tag. */
export interface Tagged {
  tag?: string;
}

const MATCH_EVERY_MESSAGE = (): boolean => true;

/**
 * The tags an expression names, as FilterAPI.buildSubscriptionData reads it: split on `||`, each part trimmed,
 * blank parts dropped (`TagA ||` is TagA). Undefined means every message: `*`, empty, or (unlike RocketMQ, which
 * would subscribe to no tag at all) blank or `*` with spaces around it.
 */
export function parseTagExpression(expression: string): ReadonlySet<string> | undefined {
  const trimmed = expression.trim();
  if (trimmed === '' || trimmed === '*') return undefined;
  const tags = expression
    .split('||')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  // RocketMQ throws "subString split error" for `||` alone; Ferry refuses any expression that names no tag.
  if (tags.length === 0)
    throw new FilterSyntaxError(
      `the tag expression '${expression}' names no tag`,
      { source: expression, offset: 0 },
      'write TagA || TagB, or * for every message',
    );
  return new Set(tags);
}

/**
 * A predicate over a message's tag. The tags are compared exactly (case matters), a `*` among other tags is a tag
 * named `*` as in RocketMQ, and a message without a tag matches only `*`.
 */
export function compileTagFilter(expression: string): (message: Tagged) => boolean {
  const tags = parseTagExpression(expression);
  if (tags === undefined) return MATCH_EVERY_MESSAGE;
  if (tags.size === 1) {
    const [only] = tags;
    return (message) => message.tag === only;
  }
  return (message) => message.tag !== undefined && tags.has(message.tag);
}
