// The `ferry` command tree, built without running it, so that tests drive the same commands users type.
import { Command } from 'commander';
import { registerAdminCommands } from './commands/admin.ts';
import { registerDashboardCommand } from './commands/dashboard.ts';
import { registerFilterCommand } from './commands/filter-eval.ts';
import { registerLocalCommand } from './commands/local.ts';
import { registerMessageCommands } from './commands/messages.ts';
import { registerQueryCommands } from './commands/query.ts';
import { registerSmokeCommand } from './commands/smoke.ts';

export function ferryProgram(): Command {
  const program = new Command('ferry')
    .description('Ferry: business messaging on serverless AWS')
    // Commander's own usage errors (a missing argument, an unknown option or command) read and exit as Ferry's do:
    // one line that says what to give, exit 2. Set before the commands are added, which inherit both.
    .configureOutput({
      outputError: (message, write) => write(`ferry: ${message.replace(/^error: /, '').trimEnd()} (see --help)\n`),
    })
    .exitOverride((error) => {
      const usage = error.exitCode === 1 && error.code !== 'commander.executeSubCommandAsync';
      process.exit(usage ? 2 : error.exitCode);
    });
  registerLocalCommand(program);
  registerAdminCommands(program);
  registerMessageCommands(program);
  registerQueryCommands(program);
  registerFilterCommand(program);
  registerSmokeCommand(program);
  registerDashboardCommand(program);
  return program;
}
