// The filter playground: which of a topic's messages a TAG or SQL92 expression would let through, before it is saved.
import { ValidationError } from './errors.ts';
import { compileFilter, FilterSyntaxError } from './filter/index.ts';
import type { FilterExpression } from './model.ts';

export interface PreviewedMessage {
  messageId: string;
  tag?: string;
  properties: Record<string, string>;
}

export interface FilterPreview {
  matched: number;
  total: number;
  results: Array<PreviewedMessage & { matches: boolean }>;
}

/** The same compiler and semantics as the dispatcher's, so that what matches here is what a group would receive. */
export function previewFilter(filter: FilterExpression, messages: PreviewedMessage[]): FilterPreview {
  let predicate;
  try {
    predicate = compileFilter(filter);
  } catch (error) {
    if (error instanceof FilterSyntaxError)
      throw new ValidationError(`filter (${filter.type}) does not parse: ${error.message}`, 'INVALID_FILTER');
    throw error;
  }
  const results = messages.map((message) => ({
    ...message,
    matches: predicate(
      message.tag === undefined
        ? { properties: message.properties }
        : { tag: message.tag, properties: message.properties },
    ),
  }));
  return { matched: results.filter((result) => result.matches).length, total: results.length, results };
}
