// Three fixes to fauxqs 2.4.1, made at run time in the emulator's own process before it starts, so that they reach
// whoever runs the local stack: this repository and the installed package alike (a patch-package patch reaches only
// this repository's node_modules). Each is written up for upstream in patches/README.md.
import { Server } from 'node:net';

interface FauxqsQueue {
  processTimers(): void;
  getAllAttributes(requested: string[]): unknown;
}

interface FauxqsPersistence {
  db: { prepare(sql: string): { run(...values: unknown[]): unknown } };
  updateMessageReady(messageId: string): void;
}

type Prototype<T> = { prototype: T };

/**
 * Applies the fixes, once, in the emulator's process (sqs-emulator-process.ts); throws when fauxqs's internals are not
 * the ones they were written for.
 */
export async function applyFauxqsFixes(listenHost: string): Promise<void> {
  // The package exports only its entry; its modules are reached by file, and are the instances the entry imports.
  const entry = import.meta.resolve('fauxqs');
  const { SqsQueue } = (await import(new URL('./sqs/sqsStore.js', entry).href)) as {
    SqsQueue?: Prototype<FauxqsQueue>;
  };
  const { PersistenceManager } = (await import(new URL('./persistence.js', entry).href)) as {
    PersistenceManager?: Prototype<FauxqsPersistence>;
  };
  if (
    typeof SqsQueue?.prototype.getAllAttributes !== 'function' ||
    typeof SqsQueue.prototype.processTimers !== 'function' ||
    typeof PersistenceManager?.prototype.updateMessageReady !== 'function'
  )
    throw new Error('the installed fauxqs is not the 2.4 series the local stack knows: install fauxqs@2.4.1');

  // A nack with 0 s on a persisted queue wrote NULL into the NOT NULL receive count, threw, and left the message in
  // neither the in-flight map nor the ready list: lost. Making it ready again leaves its count and first receive alone.
  PersistenceManager.prototype.updateMessageReady = function (messageId: string) {
    this.db
      .prepare('UPDATE sqs_messages SET receipt_handle = NULL, visibility_deadline = NULL WHERE message_id = ?')
      .run(messageId);
  };

  // Counts were taken from the in-flight map as it stood at the queue's last receive: a message whose invisible time
  // ran out, or one received with none (a peek), stayed counted in flight. SQS counts both as visible.
  const getAllAttributes = SqsQueue.prototype.getAllAttributes;
  SqsQueue.prototype.getAllAttributes = function (requested: string[]) {
    this.processTimers();
    return getAllAttributes.call(this, requested);
  };

  // fauxqs listens on every interface (0.0.0.0): in this process, which serves nothing else, listen where asked.
  const listen = Server.prototype.listen;
  Server.prototype.listen = function (this: Server, ...args: unknown[]) {
    const [options] = args;
    if (
      typeof options === 'object' &&
      options !== null &&
      ['0.0.0.0', '::'].includes(String((options as { host?: unknown }).host))
    )
      args[0] = { ...options, host: listenHost };
    return (listen as (...values: unknown[]) => Server).apply(this, args);
  } as typeof Server.prototype.listen;
}
