// `ferry filter eval`: tries an SQL92 filter expression against message properties, once or for each JSON line on stdin.
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { Command } from 'commander';
import { compileSql92, FilterSyntaxError } from '../../lambda/core/filter/index.ts';

/** Property values as JSON gives them; numbers and booleans reach the evaluator typed, as in RocketMQ's own tests. */
export type PropertyValues = Record<string, string | number | boolean | null>;

/** The answer of one evaluation, or why there is none (a filter that does not parse, or input that is not usable). */
export type EvaluationOutcome = { matches: boolean } | { error: string };

/** The streams a run reads and writes, so that tests can run the command without a process. */
export interface CommandIo {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
}

/** Exit statuses: 0 an answer (true or false), 2 a usage error, a filter that does not parse or unusable properties. */
const EXIT_ANSWERED = 0;
const EXIT_REFUSED = 2;

class InputError extends Error {}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks that properties are a JSON object of strings, numbers, booleans or nulls; throws an InputError saying which is not. */
function checkProperties(value: unknown): PropertyValues {
  if (value === undefined) return {};
  if (!isPlainObject(value))
    throw new InputError('properties must be a JSON object, like {"lane": "gray", "amount": 25}');
  for (const [name, property] of Object.entries(value)) {
    const type = typeof property;
    if (property !== null && type !== 'string' && type !== 'number' && type !== 'boolean') {
      throw new InputError(
        `property '${name}' must be a string, number, boolean or null, not ${Array.isArray(property) ? 'an array' : type}`,
      );
    }
  }
  return value as PropertyValues;
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new InputError(`${what} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Evaluates an SQL92 expression against typed properties; a parse error is an outcome, not an exception. */
export function evaluateFilter(expression: string, properties: PropertyValues): EvaluationOutcome {
  try {
    return { matches: compileSql92(expression)(properties) };
  } catch (error) {
    if (error instanceof FilterSyntaxError) return { error: error.message };
    throw error;
  }
}

function outcomeOfLine(line: string): EvaluationOutcome {
  const input = parseJson(line, 'the line');
  if (!isPlainObject(input))
    throw new InputError('each line must be a JSON object {"expression": "...", "properties": {...}}');
  if (typeof input.expression !== 'string') throw new InputError('the line has no "expression" string');
  return evaluateFilter(input.expression, checkProperties(input.properties));
}

/** One line of `--stdin`: `{"expression": "...", "properties": {...}}` in; `true`, `false` or `error: <message>` out. */
export function evaluateFilterLine(line: string): string {
  let outcome: EvaluationOutcome;
  try {
    outcome = outcomeOfLine(line);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    outcome = { error: error.message };
  }
  return 'error' in outcome ? `error: ${outcome.error}` : String(outcome.matches);
}

async function writeLine(output: Writable, line: string): Promise<void> {
  if (!output.write(`${line}\n`)) await once(output, 'drain');
}

/** `--stdin`: one output line per input line, in order; always exit status 0, errors are reported in their line. */
export async function evaluateLines(io: CommandIo): Promise<number> {
  const lines = createInterface({ input: io.stdin, crlfDelay: Infinity });
  for await (const line of lines) await writeLine(io.stdout, evaluateFilterLine(line));
  return EXIT_ANSWERED;
}

export interface FilterEvalOptions {
  properties?: string;
  stdin?: boolean;
}

/** `ferry filter eval` itself: prints true or false (status 0), or the reason there is no answer (status 2). */
export async function runFilterEval(
  expression: string | undefined,
  options: FilterEvalOptions,
  io: CommandIo,
): Promise<number> {
  const refuse = async (message: string) => {
    await writeLine(io.stderr, `ferry filter eval: ${message}`);
    return EXIT_REFUSED;
  };
  if (options.stdin === true) {
    if (expression !== undefined || options.properties !== undefined)
      return refuse('with --stdin, expressions and properties come from the JSON lines on stdin');
    return evaluateLines(io);
  }
  if (expression === undefined)
    return refuse('give an expression, like ferry filter eval "lane = \'gray\'" --properties \'{"lane":"gray"}\'');
  let properties: PropertyValues;
  try {
    properties = checkProperties(parseJson(options.properties ?? '{}', '--properties'));
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    return refuse(error.message);
  }
  const outcome = evaluateFilter(expression, properties);
  if ('error' in outcome) return refuse(outcome.error);
  await writeLine(io.stdout, String(outcome.matches));
  return EXIT_ANSWERED;
}

export function registerFilterCommand(program: Command): void {
  const filter = program.command('filter').description('try message filters');
  filter
    .command('eval [expression]')
    .description(
      'evaluate an SQL92 filter expression against message properties, with RocketMQ semantics; prints true or false',
    )
    .option(
      '--properties <json>',
      'the properties as a JSON object; JSON numbers and booleans are passed typed (integers as Integer or Long, others as Double)',
    )
    .option(
      '--stdin',
      'read JSON lines {"expression": "...", "properties": {...}} from stdin and write true, false or error: <message> for each',
    )
    .action(async (expression: string | undefined, options: FilterEvalOptions) => {
      process.exitCode = await runFilterEval(expression, options, {
        stdin: process.stdin,
        stdout: process.stdout,
        stderr: process.stderr,
      });
    });
}
