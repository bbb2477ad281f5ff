// The benchmark's request counters: a middleware it adds to the local stack's SDK clients (never in a Lambda bundle).
import type { InstrumentClient } from '../lambda/aws/clients.ts';

/** AWS requests made by this process, by `Service.Operation`; read by the benchmark. */
export const requestCounts = new Map<string, number>();
/** DynamoDB items written by this process (each is billed as at least one write unit); read by the benchmark. */
export const itemWriteCounts = new Map<string, number>();

interface CommandArgs {
  input?: { RequestItems?: Record<string, unknown[]>; TransactItems?: unknown[] };
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
      return next(args);
    },
    { step: 'initialize', name: 'ferryRequestCounter' },
  );
};
