// What an operator watches per topic and group: a CloudWatch dashboard of Ferry's metrics and alarms on dead letters and old messages.
import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  MathExpression,
  TextWidget,
  TreatMissingData,
  type IMetric,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import { METRICS_NAMESPACE } from '../../lambda/aws/powertools-metrics.ts';
import { DEFAULT_QUEUE_PREFIX } from './queues.ts';

export interface MonitoringProps {
  /** Prefix of the group queues (their names: `<prefix>q-<group>`, `<prefix>d-<group>`). */
  readonly queuePrefix: string;
  /** This Ferry's `service` dimension ({@link metricsServiceName}): the queries count its figures and no other's. */
  readonly serviceName: string;
  /** The age of a group's oldest message that raises the alarm. */
  readonly oldestMessageAgeAlarm: Duration;
}

export interface GroupAlarms {
  /** A group dead-lettered a message (a nack, or a failed push, at its last attempt): look at its dead letters. */
  readonly deadLetters: Alarm;
  /**
   * Dead letters wait in a group's dead-letter queue, however they got there: also those SQS moved aside by itself
   * when a last delivery was never answered (a consumer that crashed or timed out), which `deadLetters` cannot see.
   * The tick counts each group's dead-letter queue every FERRY_DEAD_LETTER_COUNT_SECONDS (60 s). It stays in alarm
   * until they are redriven or removed: one notification per episode, where `deadLetters` notifies of each new one.
   */
  readonly deadLettersWaiting: Alarm;
  /** A group's oldest message waits longer than the threshold: its consumers are down or too slow. */
  readonly oldestMessageAge: Alarm;
}

export interface Monitoring {
  readonly dashboard: Dashboard;
  readonly alarms: GroupAlarms;
}

const PERIOD = Duration.minutes(1);

/**
 * The `service` dimension of a Ferry's metrics and the `service` field of its logs (POWERTOOLS_SERVICE_NAME): `ferry`
 * for the default queue prefix, as before there could be several, else `ferry-<prefix>`. The queue prefix is unique
 * per account and region (claimed at deploy), so two Ferries there never count into each other's alarms.
 */
export function metricsServiceName(queuePrefix: string): string {
  return queuePrefix === DEFAULT_QUEUE_PREFIX ? 'ferry' : `ferry-${queuePrefix}`;
}

/**
 * Groups and their queues are created at run time, so every figure is a Metrics Insights query that finds them as they
 * come (GROUP BY Topic or Group, or the SQS queue): nothing to redeploy when a group is added.
 */
export function createMonitoring(scope: Construct, props: MonitoringProps): Monitoring {
  const perTopic = (metric: string, fn = 'SUM') => ferryQuery(`${fn}(${metric})`, 'Topic', props.serviceName);
  const perGroup = (metric: string, fn = 'SUM') => ferryQuery(`${fn}(${metric})`, 'Group', props.serviceName);
  const oldestAge = new MathExpression({
    expression: `SELECT MAX(ApproximateAgeOfOldestMessage) FROM SCHEMA("AWS/SQS", QueueName) GROUP BY QueueName ORDER BY MAX() DESC LIMIT 10`,
    label: 'oldest message age (s)',
    period: Duration.minutes(5),
  });
  const dashboard = new Dashboard(scope, 'Dashboard', { defaultInterval: Duration.hours(3) });
  dashboard.addWidgets(
    new TextWidget({
      markdown: `## Ferry\nPer topic and per group, from the functions' embedded metrics (namespace \`${METRICS_NAMESPACE}\`) and the group queues (\`${props.queuePrefix}*\`).`,
      width: 24,
      height: 2,
    }),
  );
  dashboard.addWidgets(
    graph('Published per topic', [perTopic('published')]),
    graph('Dispatched per group', [perGroup('dispatched')]),
    graph('Filtered out per group', [perGroup('filteredOut')]),
    graph('Received per group', [perGroup('received')]),
  );
  dashboard.addWidgets(
    graph('Acknowledged per group', [perGroup('acked')]),
    graph('Negatively acknowledged per group', [perGroup('nacked')]),
    graph('Dead-lettered per group', [perGroup('deadLettered')]),
    graph('Undeliverable per group', [perGroup('undeliverable')]),
  );
  dashboard.addWidgets(
    graph('Publish to receive, ms (max per group)', [perGroup('publishToReceive', 'MAX')]),
    graph('Scheduled lateness, ms (max per topic)', [perTopic('scheduledLateness', 'MAX')]),
    graph('Transactions per topic', [perTopic('committed'), perTopic('rolledBack'), perTopic('checkedBack')]),
    graph('Oldest message age, s (worst queues)', [oldestAge]),
  );
  dashboard.addWidgets(
    graph('Pushed and failed pushes per group', [perGroup('pushed'), perGroup('pushFailed')]),
    graph("Push endpoint's latency, ms (max per group)", [perGroup('pushLatency', 'MAX')]),
    graph('Dead letters waiting per group', [perGroup('deadLetterBacklog', 'MAX')]),
  );
  return {
    dashboard,
    alarms: {
      deadLetters: anyGroupAlarm(scope, 'DeadLettersAlarm', {
        description:
          "Ferry: a consumer group dead-lettered a message (it failed its last delivery attempt). GET /v1/groups/{group}/dead-letters shows them, POST …/dead-letters/redrive sends them back; the dashboard's 'Dead-lettered per group' names the group.",
        select: 'SUM(deadLettered)',
        label: 'dead-lettered',
        serviceName: props.serviceName,
      }),
      deadLettersWaiting: anyGroupAlarm(scope, 'DeadLettersWaitingAlarm', {
        description:
          "Ferry: dead letters wait in a consumer group's dead-letter queue (counted by the tick every minute, whether a nack or SQS put them there after an unanswered last delivery). GET /v1/groups/{group}/dead-letters shows them, POST …/dead-letters/redrive sends them back; the dashboard's 'Dead letters waiting per group' names the group.",
        select: 'MAX(deadLetterBacklog)',
        label: 'dead letters waiting',
        serviceName: props.serviceName,
      }),
      oldestMessageAge: new Alarm(scope, 'OldestMessageAgeAlarm', {
        alarmDescription: `Ferry: a queue's oldest message is older than ${props.oldestMessageAgeAlarm.toSeconds()} s: the group's consumers are stopped or too slow. The group queues are named ${props.queuePrefix}q-<group>; the query watches every queue of the account and region, since Metrics Insights cannot select a name prefix.`,
        metric: new MathExpression({
          expression: `SELECT MAX(ApproximateAgeOfOldestMessage) FROM SCHEMA("AWS/SQS", QueueName) GROUP BY QueueName`,
          label: 'oldest message age (s)',
          period: Duration.minutes(5),
        }),
        threshold: props.oldestMessageAgeAlarm.toSeconds(),
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    },
  };
}

/** Fires when any group's figure (of this Ferry's service) reaches 1 within 5 minutes; no figure is no alarm. */
function anyGroupAlarm(
  scope: Construct,
  id: string,
  alarm: { description: string; select: string; label: string; serviceName: string },
): Alarm {
  return new Alarm(scope, id, {
    alarmDescription: alarm.description,
    metric: new MathExpression({
      expression: `SELECT ${alarm.select} FROM SCHEMA(${METRICS_NAMESPACE}, Group, service) WHERE service = '${alarm.serviceName}' GROUP BY Group`,
      label: alarm.label,
      period: Duration.minutes(5),
    }),
    threshold: 1,
    evaluationPeriods: 1,
    comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });
}

/** One series per topic or group of a metric in Ferry's namespace; a figure with both is written under both sets. */
function ferryQuery(select: string, by: 'Topic' | 'Group', serviceName: string): MathExpression {
  return new MathExpression({
    expression: `SELECT ${select} FROM SCHEMA(${METRICS_NAMESPACE}, ${by}, service) WHERE service = '${serviceName}' GROUP BY ${by}`,
    label: select,
    period: PERIOD,
  });
}

function graph(title: string, metrics: IMetric[]): GraphWidget {
  return new GraphWidget({ title, left: metrics, width: 6, height: 6 });
}
