#!/usr/bin/env node
// The `ferry` command line: the local stack, sending, receiving and tracing messages, and trying filters.
import { Command } from 'commander';
import { registerFilterCommand } from './commands/filter-eval.ts';
import { registerLocalCommand } from './commands/local.ts';
import { registerMessageCommands } from './commands/messages.ts';

const program = new Command('ferry').description('Ferry: business messaging on serverless AWS');
registerLocalCommand(program);
registerMessageCommands(program);
registerFilterCommand(program);
await program.parseAsync();
