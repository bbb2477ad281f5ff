// `ferry local` (what `npm start` runs): starts the local stack and keeps it up until Ctrl-C.
import type { Command } from 'commander';
import { readConfig } from '../../lambda/core/config.ts';

export function registerLocalCommand(program: Command): void {
  program
    .command('local')
    .description(
      'start the local stack: DynamoDB Local, the fauxqs SQS emulator, the stream dispatcher and the HTTP API on 127.0.0.1',
    )
    .option(
      '--in-memory',
      'keep nothing: the engines hold their data in memory, gone at Ctrl-C (faster; FERRY_DATA_DIR unused)',
    )
    .action(async (options: { inMemory?: boolean }) => {
      // A bad FERRY_* setting is the user's to fix: one line and exit 2, as for a command given wrongly, and before
      // any engine starts (the stack's modules read the settings as they load, and would throw with a stack trace).
      try {
        readConfig(process.env);
      } catch (error) {
        console.error(`ferry: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(2);
      }
      // Loaded here, so that the other commands do not start the emulators' machinery.
      const { JavaMissingError } = await import('../../lambda/local/engines.ts');
      const { startLocalStack } = await import('../../lambda/local/local-stack.ts');
      const port = Number(process.env.FERRY_PORT ?? 4000);
      const dataDir = options.inMemory === true ? undefined : (process.env.FERRY_DATA_DIR ?? '.ferry');
      // Fixed engine ports: queue URLs stored with the data stay valid across restarts.
      const enginePorts = {
        dynamoDbPort: Number(process.env.FERRY_DYNAMODB_PORT ?? port + 1),
        sqsPort: Number(process.env.FERRY_SQS_PORT ?? port + 2),
      };
      let stack;
      try {
        stack = await startLocalStack({
          port,
          ...(dataDir === undefined ? {} : { dataDir }),
          enginePorts,
          separateProcesses: true,
        });
      } catch (error) {
        console.error(
          `ferry: ${error instanceof JavaMissingError || error instanceof Error ? error.message : String(error)}`,
        );
        process.exit(1);
      }
      console.log(`Ferry local stack is up (${dataDir === undefined ? 'in memory' : `data in ${dataDir}/`})`);
      console.log(`  HTTP API   ${stack.apiUrl}/v1`);
      console.log(`  health     ${stack.apiUrl}/v1/health`);
      console.log(`  OpenAPI    ${stack.apiUrl}/v1/openapi.json`);
      console.log(`  dashboard  ${stack.apiUrl}/dashboard`);
      console.log(`  DynamoDB   ${stack.dynamoDbEndpoint}  (table ${stack.tableName})`);
      console.log(`  SQS        ${stack.sqsEndpoint}`);
      console.log(`  S3         ${stack.sqsEndpoint}  (bucket ${stack.services.config.bodyBucket}, large bodies)`);
      console.log('Press Ctrl-C to stop.');
      let stopping = false;
      const stop = async () => {
        if (stopping) return;
        stopping = true;
        console.log('\nferry: stopping');
        await stack.stop();
        process.exit(0);
      };
      process.on('SIGINT', () => void stop());
      process.on('SIGTERM', () => void stop());
    });
}
