// Alarms for what an operator must act on: given-up stream batches, failed redrives, failing ticks, undeliverable and swept messages.
import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { Function as LambdaFunction, IFunction } from 'aws-cdk-lib/aws-lambda';
import { FilterPattern, MetricFilter, type ILogGroup } from 'aws-cdk-lib/aws-logs';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { STREAM_BATCH_NOT_REDRIVEN } from '../../lambda/aws/log-messages.ts';

export interface AlarmsProps {
  readonly streamFailureQueue: Queue;
  readonly streamRedriveFunction: LambdaFunction;
  readonly tickFunction: IFunction;
  /** Where the functions log `ferry fault` lines (lambda/aws/fault-log.ts). */
  readonly faultLogGroups: ILogGroup[];
  /** The `service` field of this Ferry's log lines: each metric counts this Ferry's lines alone. */
  readonly serviceName: string;
}

export interface FerryAlarms {
  readonly streamFailures: Alarm;
  readonly streamRedriveFailures: Alarm;
  readonly tickFailures: Alarm;
  /** A message a queue refused for good (UNDELIVERABLE): it will not be delivered; its trace says why. */
  readonly undeliverable: Alarm;
  /** The sweep dispatched messages the stream and its redrive missed: delivery was late; find out why. */
  readonly swept: Alarm;
}

export function createAlarms(scope: Construct, props: AlarmsProps): FerryAlarms {
  return {
    streamFailures: alarmOnAny(
      scope,
      'StreamFailuresAlarm',
      'Ferry: the dispatcher gave up on a stream batch after its retries; the stream redrive function is dispatching it again. Look for why in the dispatcher logs.',
      props.streamFailureQueue.metricNumberOfMessagesSent({ period: Duration.minutes(5), statistic: 'Sum' }),
    ),
    streamRedriveFailures: alarmOnAny(
      scope,
      'StreamRedriveFailuresAlarm',
      'Ferry: a given-up stream batch could not be dispatched again either; its READY messages reach no queue until it is. The stream keeps it 24 h.',
      new MetricFilter(scope, 'StreamRedriveFailuresFilter', {
        logGroup: props.streamRedriveFunction.logGroup,
        filterPattern: FilterPattern.stringValue('$.message', '=', STREAM_BATCH_NOT_REDRIVEN),
        metricNamespace: 'Ferry',
        metricName: 'StreamBatchesNotRedriven',
        metricValue: '1',
        dimensions: { service: '$.service' },
      }).metric({ period: Duration.minutes(5), statistic: 'Sum', dimensionsMap: { service: props.serviceName } }),
    ),
    // One failed tick is caught up by the next; three in a row mean scheduled messages are late.
    tickFailures: alarmOnAny(
      scope,
      'TickFailuresAlarm',
      'Ferry: the tick failed three minutes in a row; scheduled messages and transaction check-backs are late.',
      props.tickFunction.metricErrors({ period: Duration.minutes(1), statistic: 'Sum' }),
      3,
    ),
    undeliverable: alarmOnAny(
      scope,
      'UndeliverableAlarm',
      'Ferry: a queue refused a message for good; it is UNDELIVERABLE and reaches no consumer of that group. GET /v1/messages/{id} shows the reason.',
      faultMetric(scope, props, 'UNDELIVERABLE', 'UndeliverableMessages'),
    ),
    swept: alarmOnAny(
      scope,
      'SweptAlarm',
      'Ferry: the sweep dispatched READY messages that the stream and its redrive had not handed on in time; they were late. Look at the dispatcher and redrive logs.',
      faultMetric(scope, props, 'SWEPT', 'SweptBatches'),
    ),
  };
}

/** Counts one kind of `ferry fault` log line over every function's log group, with this Ferry's `service` only. */
function faultMetric(
  scope: Construct,
  { faultLogGroups, serviceName }: Pick<AlarmsProps, 'faultLogGroups' | 'serviceName'>,
  fault: string,
  metricName: string,
): Metric {
  for (const [index, logGroup] of faultLogGroups.entries()) {
    new MetricFilter(scope, `${metricName}Filter${index}`, {
      logGroup,
      filterPattern: FilterPattern.stringValue('$.fault', '=', fault),
      metricNamespace: 'Ferry',
      metricName,
      metricValue: '1',
      dimensions: { service: '$.service' },
    });
  }
  return new Metric({
    namespace: 'Ferry',
    metricName,
    dimensionsMap: { service: serviceName },
    period: Duration.minutes(5),
    statistic: 'Sum',
  });
}

/** An alarm when the metric is at least 1 in each of `periods` periods in a row; no data is no alarm. */
function alarmOnAny(scope: Construct, id: string, alarmDescription: string, metric: Metric, periods = 1): Alarm {
  return new Alarm(scope, id, {
    alarmDescription,
    metric,
    threshold: 1,
    evaluationPeriods: periods,
    comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });
}
