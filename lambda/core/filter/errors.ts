// Errors of the filter core: a filter expression that is refused, and the internal signal of an evaluation that fails.

/** Where an error sits in the expression: 1-based line and column, counted in UTF-16 characters. */
export interface SourcePlace {
  line: number;
  column: number;
}

/** The 1-based line and column of `offset` in `source` (a `\r\n` counts as one line break). */
export function placeOf(source: string, offset: number): SourcePlace {
  let line = 1;
  let lineStart = 0;
  for (let index = 0; index < offset && index < source.length; index++) {
    const code = source.charCodeAt(index);
    const isBreak = code === 10 || (code === 13 && source.charCodeAt(index + 1) !== 10);
    if (isBreak) {
      line++;
      lineStart = index + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** "column 7", or "line 2, column 7" when the expression has several lines. */
export function describeOffset(source: string, offset: number): string {
  const place = placeOf(source, offset);
  return /[\r\n]/.test(source) ? `line ${place.line}, column ${place.column}` : `column ${place.column}`;
}

/**
 * A tag or SQL92 filter expression that Ferry refuses. The message says what is wrong, where (column, and line
 * when the expression has several) and, when it helps, what would be right.
 */
export class FilterSyntaxError extends Error {
  override readonly name = 'FilterSyntaxError';
  /** 1-based line of the offending token or character; undefined when the error is about the whole expression. */
  readonly line: number | undefined;
  /** 1-based column of the offending token or character; undefined when the error is about the whole expression. */
  readonly column: number | undefined;

  constructor(what: string, where?: { source: string; offset: number }, hint?: string) {
    const place = where === undefined ? undefined : placeOf(where.source, where.offset);
    const at = where === undefined ? '' : ` at ${describeOffset(where.source, where.offset)}`;
    super(`${what}${at}${hint === undefined ? '' : `: ${hint}`}`);
    this.line = place?.line;
    this.column = place?.column;
  }
}

/**
 * Thrown inside a compiled SQL92 predicate where RocketMQ's evaluation throws (a NumberFormatException or
 * ClassCastException in ComparisonExpression). RocketMQ's broker catches it and does not deliver the message
 * (ExpressionMessageFilter.isMatchedByCommitLog), so the predicate catches it at the top and answers false.
 */
export class EvaluationAbort extends Error {
  override readonly name = 'EvaluationAbort';
}

/** One shared instance: a failed evaluation is an expected outcome, so it must not cost a stack trace each time. */
export const EVALUATION_ABORT = new EvaluationAbort('the SQL92 filter could not be evaluated for this message');
