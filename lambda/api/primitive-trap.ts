// zod 4.6.7 runs a length (or size) check even on a value whose type check failed, when that value has a `length`
// (`size`). So `{"length":{"toString":""}}` where a list or a string is expected makes zod compare an object whose own
// `toString` is not a function with a number, which throws inside zod, and the API answered 500 (found by the fuzz;
// the upstream report is in patches/README.md). JSON can spell such an object and nothing in Ferry's contract is one,
// so it is refused here, before any validator sees it. This guard runs wherever Ferry's API runs; a patch of zod
// would reach only this repository's node_modules, not an installed package's local stack.
// The same walk refuses a key named `__proto__`: zod leaves it out of what it parses, so a message property of that
// name was accepted and dropped unseen.
import type { MiddlewareHandler } from 'hono';
import { errorResponse } from './errors.ts';

/** The media types Hono's validator parses as JSON. */
const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/i;

interface Visit {
  value: unknown;
  key?: string;
  parent?: Visit;
}

/**
 * The path to the first object whose own `length` or `size` is an object with its own `toString`, or to the first key
 * named `__proto__`, if there is one.
 * Walked with a stack of its own, each entry pointing to its parent (JSON may nest deeper than the call stack goes,
 * and a path copied at every level would cost the square of the depth).
 */
export function primitiveTrapIn(value: unknown): string[] | undefined {
  const stack: Visit[] = [{ value }];
  while (stack.length > 0) {
    const visit = stack.pop()!;
    const current = visit.value;
    if (typeof current !== 'object' || current === null) continue;
    for (const [key, child] of Object.entries(current)) {
      if (key === '__proto__' && !Array.isArray(current)) return pathOf({ value: child, key, parent: visit });
      if (
        (key === 'length' || key === 'size') &&
        !Array.isArray(current) &&
        typeof child === 'object' &&
        child !== null &&
        Object.hasOwn(child, 'toString')
      )
        return pathOf({ value: child, key, parent: visit });
      stack.push({ value: child, key, parent: visit });
    }
  }
  return undefined;
}

function pathOf(visit: Visit): string[] {
  const path: string[] = [];
  for (let at: Visit | undefined = visit; at?.key !== undefined; at = at.parent) path.push(at.key);
  return path.reverse();
}

/** Refuses, with the contract's 400, a JSON body that holds such an object; anything else goes on as it came. */
export const refusePrimitiveTraps: MiddlewareHandler = async (c, next) => {
  const mediaType = (c.req.header('content-type') ?? '').split(';')[0]!.trim();
  if (!JSON_MEDIA_TYPE.test(mediaType)) return next();
  let body: unknown;
  try {
    // Hono keeps the parsed body: the route's validator reads it again without parsing.
    body = await c.req.json();
  } catch {
    // Not JSON: the validator meets the same failure and answers MALFORMED_JSON (bodyLimit has read the body already).
    return next();
  }
  const path = primitiveTrapIn(body);
  if (path === undefined) return next();
  // However deep the trap, the message names its first and last steps only.
  const shown = path.length > 8 ? [...path.slice(0, 4), '…', ...path.slice(-3)] : path;
  return errorResponse(
    c,
    400,
    'INVALID_REQUEST',
    path.at(-1) === '__proto__'
      ? `body.${shown.join('.')}: no field or property of a request can be named __proto__`
      : `body.${shown.join('.')}: an object with its own toString; no field of the request is one`,
  );
};
