#!/usr/bin/env node
// The `ferry` command line: the local stack, sending, receiving and tracing messages, trying filters, smoke checks.
import { Command } from 'commander';
import { registerDashboardCommand } from './commands/dashboard.ts';
import { registerFilterCommand } from './commands/filter-eval.ts';
import { registerLocalCommand } from './commands/local.ts';
import { registerMessageCommands } from './commands/messages.ts';
import { registerSmokeCommand } from './commands/smoke.ts';

const program = new Command('ferry').description('Ferry: business messaging on serverless AWS');
registerLocalCommand(program);
registerMessageCommands(program);
registerFilterCommand(program);
registerSmokeCommand(program);
registerDashboardCommand(program);
await program.parseAsync();
