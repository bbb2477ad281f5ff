#!/usr/bin/env node
// The `ferry` command line: the local stack, topics and groups, sending, receiving and tracing, filters, smoke checks.
import { FerryApiError } from '../client/index.ts';
import { UsageError } from './commands/usage-error.ts';
import { ferryProgram } from './program.ts';

try {
  await ferryProgram().parseAsync();
} catch (error) {
  // An API refusal or an unreachable API is the user's to fix: say what, without a stack trace.
  const cause = error instanceof Error ? (error.cause as { code?: string } | undefined) : undefined;
  if (error instanceof UsageError) {
    console.error(`ferry: ${error.message} (see --help)`);
    process.exit(2);
  }
  if (error instanceof FerryApiError) console.error(`ferry: ${error.message}`);
  else if (cause?.code === 'ECONNREFUSED')
    console.error(
      `ferry: no Ferry API answers at ${process.env.FERRY_URL ?? 'the local stack'} (is \`npm start\` running? set FERRY_URL)`,
    );
  else throw error;
  process.exitCode = 1;
}
