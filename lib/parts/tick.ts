// The tick: a Lambda run every minute that fans out to one tick-shard invocation per timer shard (delays, check-backs)
// and sweeps up READY messages that the stream did not hand on (the outbox, and a walk of each topic by publish time).
import { Duration } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule as RuleSchedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction as LambdaTarget } from 'aws-cdk-lib/aws-events-targets';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { Schedule, ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { Construct } from 'constructs';
import { createFerryFunction, type SharedFunctionProps } from './function.ts';
import { DISPATCH_QUEUE_ACTIONS, grantGroupQueues } from './queues.ts';
import { TICK_SHARD_TABLE_USE, TICK_TABLE_USE, grantTableUse } from './table.ts';

/**
 * What runs the tick every minute. `scheduler`: an EventBridge Scheduler schedule, whose state health reports.
 * `rule`: an EventBridge rule with a schedule expression, which LocalStack runs (its Scheduler never fires).
 */
export type TickTrigger = 'scheduler' | 'rule';

export interface TickProps {
  readonly trigger: TickTrigger;
  readonly table: Table;
  /** The group queues, to which the tick's sweep dispatches what the stream did not hand on. */
  readonly queueArnPattern: string;
  readonly functions: SharedFunctionProps;
}

export interface Tick {
  readonly tickFunction: LambdaFunction;
  readonly tickShardFunction: LambdaFunction;
  /** The schedule, when the trigger is `scheduler`. */
  readonly schedule?: Schedule;
  /** The role EventBridge Scheduler assumes to invoke the tick, when the trigger is `scheduler`. */
  readonly scheduleRole?: Role;
  /** The rule, when the trigger is `rule`. */
  readonly rule?: Rule;
}

export function createTick(scope: Construct, props: TickProps): Tick {
  const tickShardFunction = createTickShardFunction(scope, props);
  const tickFunction = createFerryFunction(scope, 'TickFunction', props.functions, {
    handlerFile: 'tick',
    description:
      'Ferry tick: fans out to one tick-shard invocation per shard of the timer wheel, then moves its cursor',
    memorySize: 256,
    // Waits for its shards (45 s at most), well within the minute between two ticks; a tick cut short is caught up
    // by the next one.
    timeout: Duration.seconds(55),
  });
  grantTableUse(props.table, tickFunction, TICK_TABLE_USE);
  // GetQueueAttributes: the tick counts each group's dead letters (lambda/core/dead-letter-watch.ts).
  grantGroupQueues(tickFunction, props.queueArnPattern, [...DISPATCH_QUEUE_ACTIONS, 'sqs:GetQueueAttributes']);
  tickFunction.addEnvironment('FERRY_TICK_SHARD_FUNCTION', tickShardFunction.functionName);
  tickShardFunction.grantInvoke(tickFunction);
  if (props.trigger === 'rule') return { tickFunction, tickShardFunction, rule: createTickRule(scope, tickFunction) };
  const scheduleRole = new Role(scope, 'TickScheduleRole', {
    assumedBy: new ServicePrincipal('scheduler.amazonaws.com'),
    description: 'Lets the Ferry tick schedule invoke the tick function',
  });
  const schedule = createTickSchedule(scope, tickFunction, scheduleRole);
  return { tickFunction, tickShardFunction, schedule, scheduleRole };
}

function createTickShardFunction(scope: Construct, props: TickProps): LambdaFunction {
  // A hand-on costs about 0.5 ms of CPU (docs/benchmarks.md): one vCPU (1769 MB) per shard keeps a shard of a
  // 100,000-message bucket to seconds.
  const fn = createFerryFunction(scope, 'TickShardFunction', props.functions, {
    handlerFile: 'tick-shard',
    description:
      "Ferry tick, one shard: hands that shard's due scheduled messages on, checks back its undecided transactions",
    memorySize: 1769,
    timeout: Duration.seconds(45),
  });
  grantTableUse(props.table, fn, TICK_SHARD_TABLE_USE);
  // A burst of hand-ons may meet DynamoDB throttling while the table grows: the SDK's adaptive mode slows down and
  // retries instead of failing the shard (which the next tick would redo a minute later).
  fn.addEnvironment('AWS_RETRY_MODE', 'adaptive');
  fn.addEnvironment('AWS_MAX_ATTEMPTS', '10');
  return fn;
}

/** One recurring schedule for every timer: EventBridge Scheduler fires within its minute, the tick makes it exact. */
function createTickSchedule(scope: Construct, tickFunction: LambdaFunction, role: Role): Schedule {
  return new Schedule(scope, 'TickSchedule', {
    description: 'Ferry tick: scheduled messages and transaction check-backs',
    schedule: ScheduleExpression.rate(Duration.minutes(1)),
    // No retries: a missed tick is caught up by the next one a minute later, and two at once would only race.
    target: new LambdaInvoke(tickFunction, { retryAttempts: 0, role }),
  });
}

/** The same minute from an EventBridge rule, for where Scheduler does not run schedules (LocalStack). */
function createTickRule(scope: Construct, tickFunction: LambdaFunction): Rule {
  return new Rule(scope, 'TickRule', {
    description: 'Ferry tick: scheduled messages and transaction check-backs',
    schedule: RuleSchedule.rate(Duration.minutes(1)),
    // No retries, as for the schedule: the next tick catches up.
    targets: [new LambdaTarget(tickFunction, { retryAttempts: 0 })],
  });
}
