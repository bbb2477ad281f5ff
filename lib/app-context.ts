// Reads the CDK app's context (`-c name=value` or cdk.json) into the Ferry stack's options: stack name, queue prefix, API and tick.
import type { Node } from 'constructs';
import type { CapacityRange, FerryProps } from './ferry.ts';

/** What `bin/app.ts` builds from context. */
export interface FerryAppOptions {
  readonly stackName: string;
  readonly ferry: FerryProps;
}

/**
 * `-c stackName=`, `-c queuePrefix=` (so that two Ferry stacks can share an account and region), `-c api=http|rest`,
 * `-c tick=scheduler|rule`, and `-c localstack=true`, which means `rest` and `rule`: LocalStack's free plan has REST
 * APIs but no HTTP APIs, and runs rules but not Scheduler schedules (docs/localstack.md). An explicit `api` or `tick`
 * wins over `localstack`. `-c writeUnits=10-1000 -c readUnits=10-1000` (both, least-most) provision the table's
 * capacity with auto scaling instead of on demand.
 */
export function ferryAppOptions(node: Node): FerryAppOptions {
  const localstack = contextFlag(node, 'localstack');
  const queuePrefix = contextString(node, 'queuePrefix');
  const writeUnits = contextRange(node, 'writeUnits');
  const readUnits = contextRange(node, 'readUnits');
  if ((writeUnits === undefined) !== (readUnits === undefined))
    throw new Error(`context 'writeUnits' and 'readUnits' go together: give both to provision the table, or neither`);
  return {
    stackName: contextString(node, 'stackName') ?? 'Ferry',
    ferry: {
      api: contextChoice(node, 'api', ['http', 'rest'] as const) ?? (localstack ? 'rest' : 'http'),
      tick: contextChoice(node, 'tick', ['scheduler', 'rule'] as const) ?? (localstack ? 'rule' : 'scheduler'),
      ...(queuePrefix === undefined ? {} : { queuePrefix }),
      ...(writeUnits === undefined || readUnits === undefined
        ? {}
        : { capacity: { mode: 'provisioned' as const, writeUnits, readUnits } }),
    },
  };
}

/** `least-most`, such as `10-1000`; the construct checks the figures. */
function contextRange(node: Node, name: string): CapacityRange | undefined {
  const value = contextString(node, name);
  if (value === undefined) return undefined;
  const match = /^(\d+)-(\d+)$/.exec(value);
  if (match === null) throw new Error(`context '${name}' must be least-most units, such as 10-1000, got '${value}'`);
  return { min: Number(match[1]), max: Number(match[2]) };
}

function contextString(node: Node, name: string): string | undefined {
  const value: unknown = node.tryGetContext(name);
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') throw new Error(`context '${name}' must be a non-empty string`);
  return value;
}

function contextChoice<T extends string>(node: Node, name: string, allowed: readonly T[]): T | undefined {
  const value = contextString(node, name);
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value))
    throw new Error(`context '${name}' must be one of ${allowed.join(', ')}, got '${value}'`);
  return value as T;
}

/** `true` from cdk.json, or the string `true` from `-c name=true`. */
function contextFlag(node: Node, name: string): boolean {
  const value: unknown = node.tryGetContext(name);
  if (value === undefined || value === false || value === 'false') return false;
  if (value === true || value === 'true') return true;
  throw new Error(`context '${name}' must be true or false, got '${String(value)}'`);
}
