// Splits an SQL92 filter expression into tokens, with the token rules of RocketMQ's SelectorParser.jj.
import { FilterSyntaxError } from './errors.ts';

/** Reserved words, matched in any case (TOKEN [IGNORE_CASE]); a property cannot have one of these names. */
export const KEYWORDS = [
  'NOT',
  'AND',
  'OR',
  'BETWEEN',
  'IN',
  'TRUE',
  'FALSE',
  'NULL',
  'IS',
  'CONTAINS',
  'STARTSWITH',
  'ENDSWITH',
] as const;
export type Keyword = (typeof KEYWORDS)[number];

const OPERATORS = ['<>', '>=', '<=', '=', '>', '<', '(', ')', ',', '+', '-'] as const;
export type Operator = (typeof OPERATORS)[number];

export type TokenType = Keyword | Operator | 'DECIMAL' | 'FLOAT' | 'STRING' | 'ID' | 'EOF';

export interface Token {
  type: TokenType;
  /** The source text of the token (for STRING, with its quotes and doubled quotes). */
  text: string;
  /** Offset of the token's first character in the expression. */
  start: number;
}

const KEYWORD_SET: ReadonlySet<string> = new Set(KEYWORDS);
const WHITESPACE = /[ \t\n\r\f]+/y;
/** A line comment needs its line break: without one, `--5` is two minus signs and a 5, as in JavaCC's longest match. */
const LINE_COMMENT = /--[^\n\r]*(?:\r\n|\n|\r)/y;
const BLOCK_COMMENT = /\/\*[^*]*\*+(?:[^*/][^*]*\*+)*\//y;
const DECIMAL_LITERAL = /0|[1-9][0-9]*[lL]?/y;
const FLOATING_POINT_LITERAL = /[0-9]+\.[0-9]*(?:[eE][+-]?[0-9]+)?|\.[0-9]+(?:[eE][+-]?[0-9]+)?|[0-9]+[eE][+-]?[0-9]+/y;
const STRING_LITERAL = /'(?:''|[^'])*'/y;
/** Identifiers are ASCII only: [a-z_$][a-z0-9_$]* in any case. */
const IDENTIFIER = /[a-zA-Z_$][a-zA-Z0-9_$]*/y;

function matchAt(pattern: RegExp, source: string, offset: number): string | undefined {
  pattern.lastIndex = offset;
  return pattern.exec(source)?.[0];
}

/** Length of what the skipped patterns (white space, comments) match at `offset`, 0 when none does. */
function skippedLength(source: string, offset: number): number {
  return (
    matchAt(WHITESPACE, source, offset) ??
    matchAt(LINE_COMMENT, source, offset) ??
    matchAt(BLOCK_COMMENT, source, offset) ??
    ''
  ).length;
}

/** A number: JavaCC takes the longest of DECIMAL_LITERAL and FLOATING_POINT_LITERAL, so `1.5` is one token and `007` three. */
function numberToken(source: string, offset: number): Token | undefined {
  const decimal = matchAt(DECIMAL_LITERAL, source, offset) ?? '';
  const floating = matchAt(FLOATING_POINT_LITERAL, source, offset) ?? '';
  if (decimal === '' && floating === '') return undefined;
  return floating.length > decimal.length
    ? { type: 'FLOAT', text: floating, start: offset }
    : { type: 'DECIMAL', text: decimal, start: offset };
}

function wordToken(source: string, offset: number): Token | undefined {
  const word = matchAt(IDENTIFIER, source, offset);
  if (word === undefined) return undefined;
  const upper = word.toUpperCase();
  return { type: KEYWORD_SET.has(upper) ? (upper as Keyword) : 'ID', text: word, start: offset };
}

function stringToken(source: string, offset: number): Token {
  const literal = matchAt(STRING_LITERAL, source, offset);
  if (literal === undefined) {
    throw new FilterSyntaxError(
      'unterminated string literal',
      { source, offset },
      "close it with ' (write '' for a quote inside a string)",
    );
  }
  return { type: 'STRING', text: literal, start: offset };
}

function operatorToken(source: string, offset: number): Token | undefined {
  const operator = OPERATORS.find((candidate) => source.startsWith(candidate, offset));
  return operator === undefined ? undefined : { type: operator, text: operator, start: offset };
}

function unexpectedCharacter(source: string, offset: number): FilterSyntaxError {
  const character = String.fromCodePoint(source.codePointAt(offset) ?? 0);
  if (source.startsWith('/*', offset))
    return new FilterSyntaxError('unterminated comment', { source, offset }, 'close it with */');
  const hints: Record<string, string> = {
    '!': 'write <> for "not equal" and NOT for negation',
    '"': "string literals take single quotes, like 'gray'",
    '&': 'write AND',
    '|': 'write OR',
  };
  return new FilterSyntaxError(`unexpected character '${character}'`, { source, offset }, hints[character]);
}

function tokenAt(source: string, offset: number): Token {
  const first = source.charCodeAt(offset);
  const token =
    first === 39 // '
      ? stringToken(source, offset)
      : (numberToken(source, offset) ?? wordToken(source, offset) ?? operatorToken(source, offset));
  if (token === undefined) throw unexpectedCharacter(source, offset);
  return token;
}

/** The tokens of an expression, ending with EOF; throws FilterSyntaxError at the first character no token rule takes. */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let offset = 0;
  while (offset < source.length) {
    const skipped = skippedLength(source, offset);
    if (skipped > 0) {
      offset += skipped;
      continue;
    }
    const token = tokenAt(source, offset);
    tokens.push(token);
    offset += token.text.length;
  }
  tokens.push({ type: 'EOF', text: '', start: source.length });
  return tokens;
}

/** The value of a STRING token: the quotes removed and each '' made one quote (SelectorParser.stringLitteral). */
export function stringValue(token: Token): string {
  return token.text.slice(1, -1).replaceAll("''", "'");
}
