// Shared pieces of route declarations: JSON request bodies and the error responses each route can give.
import type { ZodType } from 'zod';
import { ErrorBody } from '../schemas.ts';

const descriptions: Record<number, string> = {
  400: 'Invalid request: the message says what to fix',
  404: 'Unknown topic, group or message',
  409: 'Conflicts with the current state',
  413: 'Too large',
  503: 'Not ready',
};

export function errors<S extends 400 | 404 | 409 | 413 | 503>(...statuses: S[]): Record<S, { description: string; content: { 'application/json': { schema: typeof ErrorBody } } }> {
  return Object.fromEntries(statuses.map((status) => [status, { description: descriptions[status]!, content: { 'application/json': { schema: ErrorBody } } }])) as Record<
    S,
    { description: string; content: { 'application/json': { schema: typeof ErrorBody } } }
  >;
}

export function json<T extends ZodType>(schema: T) {
  return { content: { 'application/json': { schema } }, required: true };
}
