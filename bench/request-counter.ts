// The benchmark's request and capacity counters: a middleware it adds to the local stack's SDK clients (never in a Lambda bundle).
import type { InstrumentClient } from '../lambda/aws/clients.ts';

/** AWS requests made by this process, by `Service.Operation`; read by the benchmark. */
export const requestCounts = new Map<string, number>();
/** DynamoDB items written by this process (each is billed as at least one write unit); read by the benchmark. */
export const itemWriteCounts = new Map<string, number>();

/**
 * DynamoDB capacity units consumed by this process, as DynamoDB reports them (`ReturnConsumedCapacity: TOTAL`, indexes
 * included): on demand, each write unit is billed as a write request unit and each read unit as a read request unit.
 */
export const capacityUnits = { read: 0, write: 0 };

interface CommandArgs {
  input?: { RequestItems?: Record<string, unknown[]>; TransactItems?: unknown[]; ReturnConsumedCapacity?: string };
}

interface Consumed {
  CapacityUnits?: number;
  ReadCapacityUnits?: number;
  WriteCapacityUnits?: number;
}

const READS = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan', 'TransactGetItems']);
const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);

function addConsumed(operation: string, output: unknown): void {
  const reported = (output as { ConsumedCapacity?: Consumed | Consumed[] } | undefined)?.ConsumedCapacity;
  for (const consumed of reported === undefined ? [] : [reported].flat()) {
    const units = consumed.CapacityUnits ?? (consumed.ReadCapacityUnits ?? 0) + (consumed.WriteCapacityUnits ?? 0);
    if (READS.has(operation)) capacityUnits.read += units;
    else capacityUnits.write += units;
  }
}

interface MiddlewareStackLike {
  add(
    middleware: (
      next: (args: CommandArgs) => Promise<unknown>,
      context: { commandName?: string },
    ) => (args: CommandArgs) => Promise<unknown>,
    options: { step: 'initialize'; name: string },
  ): void;
}

function itemsWritten(operation: string, args: CommandArgs): number {
  if (operation === 'PutItem' || operation === 'UpdateItem' || operation === 'DeleteItem') return 1;
  if (operation === 'BatchWriteItem')
    return Object.values(args.input?.RequestItems ?? {}).reduce((sum, items) => sum + items.length, 0);
  if (operation === 'TransactWriteItems') return args.input?.TransactItems?.length ?? 0;
  return 0;
}

/** Counts every request (and DynamoDB item written) of one client. */
export const countRequests: InstrumentClient = (service, middlewareStack) => {
  const stack = middlewareStack as unknown as MiddlewareStackLike;
  stack.add(
    (next, context) => async (args) => {
      const operation = (context.commandName ?? 'Unknown').replace(/Command$/, '');
      const key = `${service}.${operation}`;
      requestCounts.set(key, (requestCounts.get(key) ?? 0) + 1);
      const written = itemsWritten(operation, args);
      if (written > 0) itemWriteCounts.set(key, (itemWriteCounts.get(key) ?? 0) + written);
      const metered = service === 'DynamoDB' && (READS.has(operation) || WRITES.has(operation));
      if (metered && args.input !== undefined) args.input.ReturnConsumedCapacity ??= 'TOTAL';
      const result = (await next(args)) as { output?: unknown };
      if (metered) addConsumed(operation, result.output);
      return result;
    },
    { step: 'initialize', name: 'ferryRequestCounter' },
  );
};
