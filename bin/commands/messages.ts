// `ferry send`, `ferry receive`, `ferry consume` and `ferry trace`: the HTTP API from a shell (FERRY_URL, default the local stack).
import type { Command } from 'commander';
import { apiClient as client } from './api-client.ts';
import { UsageError, wholeNumber } from './usage-error.ts';

const collect = (value: string, previous: string[]) => [...previous, value];

function parseProperties(pairs: string[]): Record<string, string> {
  return Object.fromEntries(
    pairs.map((pair) => {
      const at = pair.indexOf('=');
      if (at <= 0) throw new UsageError(`--property takes key=value, got '${pair}'`);
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
  );
}

export function registerMessageCommands(program: Command): void {
  program
    .command('send <topic> <body>')
    .description('publish one message')
    .option('--tag <tag>')
    .option('--key <key>', 'a lookup key (repeatable)', collect, [])
    .option('--property <key=value>', 'a user property (repeatable)', collect, [])
    .option('--group <messageGroup>', 'message group (FIFO topics)')
    .option('--delay <seconds>', 'delay in seconds (DELAY topics)')
    .option('--producer-group <name>', 'producer group (TRANSACTION topics)')
    .action(
      async (
        topic: string,
        body: string,
        options: {
          tag?: string;
          key: string[];
          property: string[];
          group?: string;
          delay?: string;
          producerGroup?: string;
        },
      ) => {
        const result = await client().publish(topic, {
          body,
          ...(options.tag === undefined ? {} : { tag: options.tag }),
          ...(options.key.length === 0 ? {} : { keys: options.key }),
          ...(options.property.length === 0 ? {} : { properties: parseProperties(options.property) }),
          ...(options.group === undefined ? {} : { messageGroup: options.group }),
          ...(options.delay === undefined ? {} : { delaySeconds: wholeNumber(options.delay, '--delay') }),
          ...(options.producerGroup === undefined ? {} : { producerGroup: options.producerGroup }),
        });
        console.log(JSON.stringify(result));
      },
    );

  program
    .command('receive <group>')
    .description('receive messages of a consumer group, print them as JSON lines, and acknowledge them unless --no-ack')
    .option('--max <n>', 'at most this many (1-32)', '10')
    .option('--wait <seconds>', 'long-poll this long (0-20)', '5')
    .option('--no-ack', 'leave them unacknowledged (they come back after their invisible time)')
    .action(async (group: string, options: { max: string; wait: string; ack: boolean }) => {
      const messages = await client().receive(group, {
        maxMessages: wholeNumber(options.max, '--max'),
        waitSeconds: wholeNumber(options.wait, '--wait'),
      });
      for (const message of messages) console.log(JSON.stringify(message));
      if (options.ack && messages.length > 0)
        await client().ack(
          group,
          messages.map((message) => message.receiptHandle),
        );
    });

  program
    .command('consume <group>')
    .description('consume a group until Ctrl-C: print each message as a JSON line and acknowledge it')
    .option('--concurrency <n>', 'messages handled at once', '1')
    .action(async (group: string, options: { concurrency: string }) => {
      const consumer = client().consume(group, (message) => void console.log(JSON.stringify(message)), {
        concurrency: wholeNumber(options.concurrency, '--concurrency'),
        onError: (error) => console.error(`ferry: ${error instanceof Error ? error.message : String(error)}`),
      });
      // Ctrl-C finishes the messages in hand (and acknowledges them) before the process ends.
      process.once('SIGINT', () => void consumer.stop());
      process.once('SIGTERM', () => void consumer.stop());
      await consumer.stopped;
    });

  program
    .command('trace <messageId>')
    .description('show a message, its state and its trace events')
    .action(async (messageId: string) => {
      console.log(JSON.stringify(await client().getMessage(messageId), null, 2));
    });
}
