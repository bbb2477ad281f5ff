// `ferry messages`, `ferry scheduled`, `ferry transactions`, `ferry reschedule`, `ferry cancel` and `ferry replay`:
// finding messages by key or time, and steering scheduled work and replays, from a shell.
import type { Command } from 'commander';
import type { ByKeyResult, DeliveryTime, ListedMessage, MessageList, Replay } from '../../client/index.ts';
import { apiClient as client } from './api-client.ts';
import { printRows, type Columns, type OutputOptions } from './output.ts';
import { UsageError, wholeNumber } from './usage-error.ts';

const messageColumns: Columns<ListedMessage> = {
  'MESSAGE ID': (message) => message.messageId,
  STATE: (message) => message.state,
  BORN: (message) => message.bornAt,
  'DELIVER AT': (message) => message.deliverAt,
  TAG: (message) => message.tag,
  KEYS: (message) => message.keys.join(','),
  BODY: (message) => bodyCell(message.body, message.bodyRef?.bytes),
};

/** An undecided transaction: its topic, and how often Ferry has asked the producer so far. */
const transactionColumns: Columns<ListedMessage> = {
  'MESSAGE ID': (message) => message.messageId,
  TOPIC: (message) => message.topic,
  BORN: (message) => message.bornAt,
  CHECKS: (message) => message.checkCount ?? 0,
  TAG: (message) => message.tag,
  KEYS: (message) => message.keys.join(','),
  BODY: (message) => bodyCell(message.body, message.bodyRef?.bytes),
};

/** The body's first characters, or the size of a large body kept aside (`ferry trace` shows it whole). */
function bodyCell(body: string | undefined, bytes: number | undefined): string {
  if (body === undefined) return `(${bytes ?? 0} bytes, stored aside)`;
  return body.length > 40 ? `${body.slice(0, 39)}…` : body;
}

/** A page of messages, and the cursor of the next page for people to pass back. */
function printList(options: OutputOptions, list: MessageList, columns = messageColumns): void {
  printRows(options, list, list.messages, columns);
  if (options.json !== true && list.next !== undefined) console.log(`more: --cursor ${list.next}`);
}

const printByKey = (options: OutputOptions, answer: ByKeyResult) =>
  printRows(options, answer, answer.results, {
    'MESSAGE ID': (result) => result.messageId,
    STATE: (result) => result.state,
    'DELIVER AT': (result) => result.deliverAt,
    'NOT CHANGED BECAUSE': (result) => result.error?.message,
  });

const printReplay = (options: OutputOptions, replay: Replay) =>
  printRows(options, replay, [replay], {
    'REPLAY ID': (job) => job.replayId,
    GROUP: (job) => job.group,
    TOPIC: (job) => job.topic,
    FROM: (job) => job.from,
    TO: (job) => job.to,
    STATE: (job) => job.state,
    SENT: (job) => job.sent,
    SKIPPED: (job) => job.skipped,
    REASON: (job) => job.reason,
  });

/** `--at` (ISO 8601 or epoch ms) or `--in` seconds from now. */
/** `--in` counts on Ferry's clock, not this machine's. */
function deliveryTime(options: { at?: string; in?: string }): DeliveryTime {
  if ((options.at === undefined) === (options.in === undefined))
    throw new UsageError('give --at <time> or --in <seconds>');
  if (options.in !== undefined) return { delaySeconds: wholeNumber(options.in, '--in') };
  return /^\d+$/.test(options.at!) ? Number(options.at) : options.at!;
}

interface PageOptions {
  limit?: string;
  cursor?: string;
  json?: boolean;
}
const page = (options: PageOptions) => ({
  ...(options.limit === undefined ? {} : { limit: wholeNumber(options.limit, '--limit') }),
  ...(options.cursor === undefined ? {} : { cursor: options.cursor }),
});

const pageOptions = (command: Command) =>
  command
    .option('--limit <n>', 'at most this many (1-100)', '20')
    .option('--cursor <cursor>', 'the next page: the cursor a previous page printed')
    .option('--json', 'print the API answer as JSON');

export function registerQueryCommands(program: Command): void {
  pageOptions(
    program
      .command('messages <topic>')
      .description("find a topic's messages by key (newest first) or by publish time (oldest first), with their state")
      .option('--key <key>', 'messages with this key')
      .option('--from <time>', 'published at or after (ISO 8601 or epoch ms)')
      .option('--to <time>', 'published at or before (default: now)'),
  ).action(async (topic: string, options: PageOptions & { key?: string; from?: string; to?: string }) => {
    const query =
      options.key !== undefined
        ? { key: options.key }
        : { from: options.from ?? '', to: options.to ?? new Date().toISOString() };
    if (options.key === undefined && options.from === undefined)
      throw new UsageError('give --key <key>, or --from <time>');
    printList(options, await client().queryMessages(topic, { ...query, ...page(options) }));
  });

  pageOptions(
    program.command('scheduled <topic>').description("a DELAY topic's messages not yet handed on, soonest first"),
  ).action(async (topic: string, options: PageOptions) => {
    printList(options, await client().scheduledMessages(topic, page(options)));
  });

  pageOptions(
    program
      .command('transactions <producerGroup>')
      .description("a producer group's prepared messages without a decision, oldest first"),
  ).action(async (producerGroup: string, options: PageOptions) => {
    printList(options, await client().undecidedTransactions(producerGroup, page(options)), transactionColumns);
  });

  program
    .command('reschedule <topic> [messageId]')
    .description('move a scheduled message (or every one with --key) to another delivery time, earlier or later')
    .option('--key <key>', 'every scheduled message of the topic with this key')
    .option('--at <time>', 'the new delivery time (ISO 8601 or epoch ms)')
    .option('--in <seconds>', 'the new delivery time, in seconds from now')
    .option('--json', 'print the API answer as JSON')
    .action(
      async (
        topic: string,
        messageId: string | undefined,
        options: { key?: string; at?: string; in?: string; json?: boolean },
      ) => {
        const at = deliveryTime(options);
        if (options.key !== undefined)
          return printByKey(options, await client().rescheduleByKey(topic, options.key, at));
        if (messageId === undefined) throw new UsageError('give a message id, or --key <key>');
        const answer = await client().reschedule(topic, messageId, at);
        printRows(options, answer, [answer], {
          'MESSAGE ID': (row) => row.messageId,
          STATE: (row) => row.state,
          'DELIVER AT': (row) => row.deliverAt,
        });
      },
    );

  program
    .command('cancel <topic> [messageId]')
    .description('cancel a scheduled message (or every one with --key) that has not been handed on yet')
    .option('--key <key>', 'every scheduled message of the topic with this key')
    .option('--json', 'print the API answer as JSON')
    .action(async (topic: string, messageId: string | undefined, options: { key?: string; json?: boolean }) => {
      if (options.key !== undefined) return printByKey(options, await client().cancelByKey(topic, options.key));
      if (messageId === undefined) throw new UsageError('give a message id, or --key <key>');
      const answer = await client().cancel(topic, messageId);
      printByKey(options, { results: [answer] });
    });

  program
    .command('replay <group> [topic]')
    .description("send a topic's messages of a time range to one group again (through its filter), or show a replay")
    .option('--from <time>', 'published at or after (ISO 8601 or epoch ms)')
    .option('--to <time>', 'published at or before (default: now)')
    .option('--id <replayId>', 'show this replay of the group instead of starting one')
    .option('--wait', 'wait until the replay has finished')
    .option('--json', 'print the API answer as JSON')
    .action(
      async (
        group: string,
        topic: string | undefined,
        options: { from?: string; to?: string; id?: string; wait?: boolean; json?: boolean },
      ) => {
        let replay: Replay;
        if (options.id !== undefined) replay = await client().getReplay(group, options.id);
        else {
          if (topic === undefined || options.from === undefined) throw new UsageError('give a topic and --from <time>');
          replay = await client().replay(group, { topic, from: options.from, to: options.to ?? Date.now() });
        }
        while (options.wait && replay.state === 'RUNNING') {
          await new Promise((resolve) => setTimeout(resolve, 1000));
          replay = await client().getReplay(group, replay.replayId);
        }
        printReplay(options, replay);
      },
    );
}
