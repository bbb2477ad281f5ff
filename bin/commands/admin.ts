// `ferry topics|groups|producer-groups|dead-letters|commit|rollback`: what mqadmin does, over the HTTP API.
import { Option, type Command } from 'commander';
import type { Subscription, TopicType } from '../../client/index.ts';
import { apiClient as client } from './api-client.ts';
import { printObject, printRows, type OutputOptions } from './output.ts';
import { UsageError, wholeNumber } from './usage-error.ts';

const collect = (value: string, previous: string[]) => [...previous, value];
const jsonOption = () => new Option('--json', 'print the API answer as JSON (for scripts)');
const TOPIC_TYPES: TopicType[] = ['NORMAL', 'FIFO', 'DELAY', 'TRANSACTION'];

/** The API answers a delete with 204 and no body: for --json, the name it deleted stands in for one. */
function printDeleted(options: OutputOptions, kind: 'topic' | 'group', name: string): void {
  if (options.json === true) printObject(options, { deleted: name });
  else console.log(`deleted ${kind} ${name}`);
}

/** `orders`, `orders:TAG:paid || shipped` or `orders:SQL92:region = 'eu'`: a topic and, optionally, its filter. */
export function parseSubscription(text: string): Subscription {
  const match = /^([^:]+)(?::(TAG|SQL92):(.+))?$/is.exec(text);
  if (match === null) throw new UsageError(`--subscribe takes topic[:TAG|SQL92:expression], got '${text}'`);
  const [, topic, type, expression] = match as unknown as [string, string, string | undefined, string | undefined];
  if (type === undefined || expression === undefined) return { topic };
  return { topic, filter: { type: type.toUpperCase() as 'TAG' | 'SQL92', expression } };
}

export function registerAdminCommands(program: Command): void {
  registerTopicCommands(program.command('topics').description('create, list, show and delete topics'));
  registerGroupCommands(program.command('groups').description('create, list (with backlog), show and delete groups'));
  registerProducerGroupCommands(
    program.command('producer-groups').description('producer groups of transaction messages and their checks'),
  );
  registerDeadLetterCommands(program.command('dead-letters').description("list and redrive a group's dead letters"));
  for (const decision of ['commit', 'rollback'] as const)
    program
      .command(`${decision} <topic> <messageId>`)
      .description(`${decision} a transaction message (half message) of a TRANSACTION topic`)
      .addOption(jsonOption())
      .action(async (topic: string, messageId: string, options: OutputOptions) => {
        const result = await client()[decision](topic, messageId);
        printObject(options, result);
      });
}

function registerTopicCommands(topics: Command): void {
  topics
    .command('list')
    .description('list the topics')
    .addOption(jsonOption())
    .action(async (options: OutputOptions) => {
      const list = await client().listTopics();
      printRows(options, { topics: list }, list, {
        TOPIC: (topic) => topic.name,
        TYPE: (topic) => topic.messageType,
        'RETENTION (h)': (topic) => topic.retentionHours,
        CREATED: (topic) => topic.createdAt,
      });
    });
  topics
    .command('create <topic>')
    .description('create a topic (or change its retention)')
    .addOption(new Option('--type <type>', 'message type').choices(TOPIC_TYPES).default('NORMAL'))
    .option('--retention-hours <hours>', 'how long messages and their trace are kept (default 72)')
    .addOption(jsonOption())
    .action(async (name: string, options: OutputOptions & { type: TopicType; retentionHours?: string }) => {
      const retention =
        options.retentionHours === undefined ? undefined : wholeNumber(options.retentionHours, '--retention-hours');
      printObject(options, await client().putTopic(name, options.type, retention));
    });
  topics
    .command('show <topic>')
    .description('show one topic')
    .addOption(jsonOption())
    .action(async (name: string, options: OutputOptions) => printObject(options, await client().getTopic(name)));
  topics
    .command('delete <topic>')
    .description(
      'delete a topic (its groups keep their subscriptions; a topic of the other queue type is not re-created under that name while they do)',
    )
    .addOption(jsonOption())
    .action(async (name: string, options: OutputOptions) => {
      await client().deleteTopic(name);
      printDeleted(options, 'topic', name);
    });
}

function registerGroupCommands(groups: Command): void {
  groups
    .command('list')
    .description('list the consumer groups with their backlog')
    .addOption(jsonOption())
    .action(async (options: OutputOptions) => {
      const list = await client().listGroups();
      printRows(options, { groups: list }, list, {
        GROUP: (group) => group.name,
        TOPICS: (group) => group.subscriptions.map((subscription) => subscription.topic).join(','),
        FIFO: (group) => (group.fifo ? 'yes' : 'no'),
        VISIBLE: (group) => group.backlog.visible,
        'IN FLIGHT': (group) => group.backlog.inFlight,
        DELAYED: (group) => group.backlog.delayed,
        'DEAD LETTERS': (group) => group.backlog.deadLetters,
      });
    });
  groups
    .command('create <group>')
    .description('create a consumer group (or change its subscriptions)')
    .requiredOption(
      '--subscribe <subscription>',
      "a topic, and optionally its filter: orders, 'orders:TAG:paid || shipped', \"orders:SQL92:region = 'eu'\" (repeatable)",
      collect,
      [],
    )
    .option('--max-delivery-attempts <n>', 'deliveries before a message goes to the dead-letter queue (default 16)')
    .addOption(jsonOption())
    .action(async (name: string, options: OutputOptions & { subscribe: string[]; maxDeliveryAttempts?: string }) => {
      const attempts =
        options.maxDeliveryAttempts === undefined
          ? undefined
          : wholeNumber(options.maxDeliveryAttempts, '--max-delivery-attempts');
      printObject(options, await client().putGroup(name, options.subscribe.map(parseSubscription), attempts));
    });
  groups
    .command('show <group>')
    .description('show one group, its subscriptions and backlog')
    .addOption(jsonOption())
    .action(async (name: string, options: OutputOptions) => printObject(options, await client().getGroup(name)));
  groups
    .command('delete <group>')
    .description('delete a group and its queues')
    .addOption(jsonOption())
    .action(async (name: string, options: OutputOptions) => {
      await client().deleteGroup(name);
      printDeleted(options, 'group', name);
    });
}

function registerProducerGroupCommands(producerGroups: Command): void {
  producerGroups
    .command('create <name>')
    .description('create a producer group (or change its check-back URL)')
    .option('--check-url <url>', 'endpoint Ferry POSTs check-backs to; without it the producer pulls its checks')
    .addOption(jsonOption())
    .action(async (name: string, options: OutputOptions & { checkUrl?: string }) => {
      const input = options.checkUrl === undefined ? {} : { checkUrl: options.checkUrl };
      printObject(options, await client().putProducerGroup(name, input));
    });
  producerGroups
    .command('checks <name>')
    .description("the producer group's undecided transactions that wait for its answer")
    .addOption(jsonOption())
    .action(async (name: string, options: OutputOptions) => {
      const checks = await client().pendingChecks(name);
      printRows(options, { checks }, checks, {
        MESSAGE: (check) => check.messageId,
        TOPIC: (check) => check.topic,
        TAG: (check) => check.tag,
        KEYS: (check) => check.keys.join(','),
        CHECKS: (check) => check.checkCount,
      });
    });
}

function registerDeadLetterCommands(deadLetters: Command): void {
  deadLetters
    .command('list <group>')
    .description("the group's dead letters (messages that used up their delivery attempts)")
    .addOption(jsonOption())
    .action(async (group: string, options: OutputOptions) => {
      const messages = await client().deadLetters(group);
      printRows(options, { messages }, messages, {
        MESSAGE: (message) => message.messageId,
        TOPIC: (message) => message.topic,
        TAG: (message) => message.tag,
        KEYS: (message) => message.keys.join(','),
        BORN: (message) => message.bornAt,
      });
    });
  deadLetters
    .command('redrive <group>')
    .description('move every dead letter back to the group for another round of attempts')
    .addOption(jsonOption())
    .action(async (group: string, options: OutputOptions) =>
      printObject(options, await client().redriveDeadLetters(group)),
    );
}
