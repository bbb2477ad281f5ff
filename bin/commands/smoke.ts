// `ferry smoke`: checks a running Ferry (the local stack or a deployed one) from outside, one line per check.
import type { Command } from 'commander';
import { runSmoke, type CheckResult } from '../smoke/smoke-checks.ts';
import { apiClient, apiUrl } from './api-client.ts';
import { UsageError } from './usage-error.ts';

/** A minute past SQS's 900 s, the default FERRY_DIRECT_DELAY_LIMIT_SECONDS: the tick's path. */
const DEFAULT_LONG_DELAY_SECONDS = '960';

interface SmokeCommandOptions {
  url?: string;
  region?: string;
  quick?: boolean;
  longDelaySeconds: string;
  timeoutSeconds: string;
}

function line({ name, ok, ms, detail }: CheckResult): string {
  return `${ok ? 'ok  ' : 'FAIL'}  ${name.padEnd(42)} ${String(ms).padStart(7)} ms${detail ? `  ${detail}` : ''}`;
}

function wholeSeconds(value: string, option: string): number {
  const seconds = Number(value);
  if (!Number.isInteger(seconds) || seconds < 1) throw new UsageError(`${option} takes whole seconds, got '${value}'`);
  return seconds;
}

async function smoke(options: SmokeCommandOptions): Promise<void> {
  // The API every other command talks to, unless --url names another.
  const url = apiUrl(options.url);
  const client = apiClient({ url, ...(options.region === undefined ? {} : { region: options.region }) });
  const settings = {
    quick: options.quick === true,
    longDelaySeconds: wholeSeconds(options.longDelaySeconds, '--long-delay-seconds'),
    arrivalTimeoutSeconds: wholeSeconds(options.timeoutSeconds, '--timeout-seconds'),
  };
  const mode = settings.quick ? 'quick' : `the scheduled check waits ${settings.longDelaySeconds} s`;
  console.log(`ferry smoke: ${url} (${mode})`);
  const results = await runSmoke(client, settings, (result) => console.log(line(result)));
  const failed = results.filter((result) => !result.ok).length;
  console.log(failed === 0 ? `all ${results.length} checks passed` : `${failed} of ${results.length} checks failed`);
  process.exitCode = failed === 0 ? 0 : 1;
}

export function registerSmokeCommand(program: Command): void {
  program
    .command('smoke')
    .description('check a running Ferry end to end on temporary topics and groups, then delete them')
    .option('--url <api>', "the API's base URL (the ApiUrl output); default FERRY_URL or the local stack")
    .option('--region <region>', 'sign requests with SigV4 for a deployed API in this region')
    .option('--quick', 'schedule only within the direct-delay limit (seconds), not past it (minutes)')
    .option('--long-delay-seconds <n>', 'the scheduled check delay, past the direct limit', DEFAULT_LONG_DELAY_SECONDS)
    .option('--timeout-seconds <n>', 'how long each check waits for a message, on top of its delay', '60')
    .action(smoke);
}
