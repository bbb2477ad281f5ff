// The public API of Ferry's message filters: tag and SQL92 expressions with RocketMQ's grammar and semantics.
export { cachedFilter, compileFilter, compileSql92 } from './compile-filter.ts';
export type { FilterSpec, FilterTarget, MessagePredicate } from './compile-filter.ts';
export { FilterSyntaxError } from './errors.ts';
