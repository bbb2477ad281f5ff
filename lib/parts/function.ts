// One Ferry Lambda function: the bundling, runtime, logging and role that every Ferry handler shares.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Code, Function as LambdaFunction, LoggingFormat, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { handlerBundling, REQUIRE_BANNER, type HandlerFile } from './bundling.ts';

/** What every Ferry function shares: how long its logs live, what happens to them, and its environment. */
export interface SharedFunctionProps {
  readonly logRetention: RetentionDays;
  readonly removalPolicy: RemovalPolicy;
  /** Copied into each function, so that one function's own variables stay its own. */
  readonly environment: Readonly<Record<string, string>>;
}

/** How one Ferry function differs from the others. */
export interface FunctionOptions {
  /** File name under `lambda/handlers/`, without `.ts`; the file exports `handler`. */
  readonly handlerFile: HandlerFile;
  readonly description: string;
  readonly memorySize: number;
  readonly timeout: Duration;
}

/** The repository root: `lambda/` sits beside `lib/`, and `package-lock.json` pins what esbuild bundles. */
const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * In the installed package, `npm run build` has bundled each handler into `dist/bundles/<handler>/` (from this
 * repository's node_modules, with its patches, which npm never applies in a user's install); in the repository there
 * is no such folder, and the construct bundles from the sources.
 */
const prebuiltBundleOf = (handler: HandlerFile) => fileURLToPath(new URL(`../../bundles/${handler}/`, import.meta.url));

/**
 * One Ferry function from `lambda/handlers/<handlerFile>.ts`, with the shared runtime, bundling, environment and
 * logging, and its own role that may write only to its own log group. A new handler is one call.
 */
export function createFerryFunction(
  scope: Construct,
  id: string,
  shared: SharedFunctionProps,
  options: FunctionOptions,
): LambdaFunction {
  const logGroup = new LogGroup(scope, `${id}Logs`, {
    retention: shared.logRetention,
    removalPolicy: shared.removalPolicy,
  });
  // An own role instead of AWSLambdaBasicExecutionRole: that managed policy may write to every log group in the account.
  const role = new Role(scope, `${id}Role`, {
    assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
    description: `Runs ${scope.node.path}/${id}`,
  });
  logGroup.grantWrite(role);
  const runtime = {
    runtime: Runtime.NODEJS_22_X,
    architecture: Architecture.ARM_64,
    description: options.description,
    memorySize: options.memorySize,
    timeout: options.timeout,
    role,
    logGroup,
    loggingFormat: LoggingFormat.JSON,
    environment: { ...shared.environment },
  };
  const prebuilt = prebuiltBundleOf(options.handlerFile);
  if (existsSync(`${prebuilt}index.mjs`))
    return new LambdaFunction(scope, id, { ...runtime, code: Code.fromAsset(prebuilt), handler: 'index.handler' });
  // The same options as scripts/handler-bundles.ts, which writes the package's bundles.
  const { alias, define } = handlerBundling(options.handlerFile);
  return new NodejsFunction(scope, id, {
    ...runtime,
    entry: fileURLToPath(new URL(`../../lambda/handlers/${options.handlerFile}.ts`, import.meta.url)),
    handler: 'handler',
    projectRoot: PROJECT_ROOT,
    depsLockFilePath: fileURLToPath(new URL('../../package-lock.json', import.meta.url)),
    bundling: {
      format: OutputFormat.ESM,
      target: 'node22',
      mainFields: ['module', 'main'],
      banner: REQUIRE_BANNER,
      minify: true,
      sourceMap: true,
      sourceMapMode: SourceMapMode.DEFAULT,
      // Stack traces need line mappings only; embedded sources would make every cold start parse the whole SDK twice.
      sourcesContent: false,
      // Bundle the AWS SDK too: the versions tested (package-lock.json) are the versions that run, whatever the
      // runtime happens to ship.
      externalModules: [],
      define: { ...define },
      esbuildArgs: Object.fromEntries(Object.entries(alias).map(([name, file]) => [`--alias:${name}`, file])),
      forceDockerBundling: false,
    },
  });
}
