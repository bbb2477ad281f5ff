import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { evaluateFilter, evaluateFilterLine, runFilterEval } from '../../../bin/commands/filter-eval.ts';

/** Runs the command on in-memory streams and collects what it writes. */
async function run(expression: string | undefined, options: { properties?: string; stdin?: boolean }, input = '') {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const chunks = { out: '', err: '' };
  stdout.on('data', (chunk: Buffer) => (chunks.out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (chunks.err += chunk.toString()));
  const status = await runFilterEval(expression, options, { stdin: Readable.from([input]), stdout, stderr });
  return { status, ...chunks };
}

describe('ferry filter eval, one line of --stdin', () => {
  it('answers true or false for an expression and typed properties', () => {
    expect(evaluateFilterLine('{"expression": "a > 5", "properties": {"a": 7}}')).toBe('true');
    expect(evaluateFilterLine('{"expression": "a > 5", "properties": {"a": "3"}}')).toBe('false');
    expect(evaluateFilterLine('{"expression": "flag AND n = 2", "properties": {"flag": true, "n": 2}}')).toBe('true');
    expect(evaluateFilterLine('{"expression": "a IS NULL"}')).toBe('true');
  });

  it('reports a filter that does not parse as error: with the parse message', () => {
    expect(evaluateFilterLine('{"expression": "a >", "properties": {}}')).toBe(
      "error: unexpected end of the expression at column 4: expected a property name, a literal or '('",
    );
  });

  it('reports a malformed line as error: and goes on', () => {
    expect(evaluateFilterLine('not json')).toMatch(/^error: the line is not valid JSON/);
    expect(evaluateFilterLine('')).toMatch(/^error: the line is not valid JSON/);
    expect(evaluateFilterLine('[1]')).toMatch(/^error: each line must be a JSON object/);
    expect(evaluateFilterLine('{"properties": {}}')).toBe('error: the line has no "expression" string');
    expect(evaluateFilterLine('{"expression": "a = 1", "properties": [1]}')).toMatch(
      /^error: properties must be a JSON object/,
    );
    expect(evaluateFilterLine('{"expression": "a = 1", "properties": {"a": {"b": 1}}}')).toBe(
      "error: property 'a' must be a string, number, boolean or null, not object",
    );
  });

  it('gives parse errors as outcomes rather than exceptions', () => {
    expect(evaluateFilter("lane = 'gray'", { lane: 'gray' })).toEqual({ matches: true });
    expect(evaluateFilter("lane = 'gray", {})).toEqual({
      error: "unterminated string literal at column 8: close it with ' (write '' for a quote inside a string)",
    });
  });
});

describe('ferry filter eval, the command', () => {
  it('prints true or false and exits 0', async () => {
    expect(await run("lane = 'gray'", { properties: '{"lane": "gray"}' })).toEqual({
      status: 0,
      out: 'true\n',
      err: '',
    });
    expect(await run("lane = 'gray'", {})).toEqual({ status: 0, out: 'false\n', err: '' });
  });

  it('prints the parse error and exits 2', async () => {
    const result = await run("a > 'x'", {});
    expect(result.status).toBe(2);
    expect(result.out).toBe('');
    expect(result.err).toMatch(/'x' cannot be compared with > at column 5/);
  });

  it('refuses invalid --properties JSON with exit 2', async () => {
    const result = await run('a = 1', { properties: '{bad' });
    expect(result.status).toBe(2);
    expect(result.err).toMatch(/--properties is not valid JSON/);
  });

  it('asks for an expression when there is none, and refuses one next to --stdin', async () => {
    expect((await run(undefined, {})).status).toBe(2);
    expect((await run('a = 1', { stdin: true })).status).toBe(2);
  });

  it('with --stdin writes one line per input line, in order, and exits 0', async () => {
    const input = [
      '{"expression": "a > 5", "properties": {"a": 7}}',
      'nope',
      '{"expression": "a >"}',
      '{"expression": "b = TRUE", "properties": {"b": true}}',
    ].join('\n');
    const result = await run(undefined, { stdin: true }, `${input}\n`);
    expect(result.status).toBe(0);
    const lines = result.out.trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe('true');
    expect(lines[1]).toMatch(/^error: /);
    expect(lines[2]).toMatch(/^error: unexpected end of the expression/);
    expect(lines[3]).toBe('true');
  });
});
