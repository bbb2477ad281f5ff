#!/usr/bin/env node
// The `ferry` command line: the local stack, sending, receiving and tracing messages, querying and steering them,
// trying filters, smoke checks.
import { Command } from 'commander';
import { registerFilterCommand } from './commands/filter-eval.ts';
import { registerLocalCommand } from './commands/local.ts';
import { registerMessageCommands } from './commands/messages.ts';
import { registerQueryCommands } from './commands/query.ts';
import { registerSmokeCommand } from './commands/smoke.ts';

const program = new Command('ferry').description('Ferry: business messaging on serverless AWS');
registerLocalCommand(program);
registerMessageCommands(program);
registerQueryCommands(program);
registerFilterCommand(program);
registerSmokeCommand(program);
await program.parseAsync();
