// Shared pieces of route declarations: JSON request bodies, answers, and the error responses each route can give.
import type { ZodType } from 'zod';
import { ErrorBody } from '../schemas.ts';

const descriptions: Record<number, string> = {
  400: 'Invalid request: the message says what to fix',
  404: 'Unknown topic, group or message',
  409: 'Conflicts with the current state',
  413: 'Too large',
  503: 'Not ready',
};

type JsonContent<T extends ZodType> = { 'application/json': { schema: T } };
type ErrorResponse = { description: string; content: JsonContent<typeof ErrorBody> };

export function errors<S extends 400 | 404 | 409 | 413 | 503>(...statuses: S[]): Record<S, ErrorResponse> {
  const entries = statuses.map((status) => [
    status,
    { description: descriptions[status]!, content: jsonContent(ErrorBody) },
  ]);
  return Object.fromEntries(entries) as Record<S, ErrorResponse>;
}

export function json<T extends ZodType>(schema: T) {
  return { content: jsonContent(schema), required: true };
}

/** A 200 answer with a JSON body. */
export function ok<T extends ZodType>(description: string, schema: T) {
  return { 200: { description, content: jsonContent(schema) } };
}

function jsonContent<T extends ZodType>(schema: T): JsonContent<T> {
  return { 'application/json': { schema } };
}
