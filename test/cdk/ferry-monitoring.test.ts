// Template tests of what an operator watches: the CloudWatch dashboard of Ferry's metrics and the alarms per group.
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { Duration } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { METRICS_NAMESPACE } from '../../lambda/aws/powertools-metrics.ts';
import { COUNT_METRICS, DURATION_METRICS, LEVEL_METRICS } from '../../lambda/core/metrics.ts';
import { synthFerryStack } from './ferry-app.ts';

const { stack, template } = synthFerryStack({ ferry: { oldestMessageAgeAlarm: Duration.minutes(30) } }, 'Monitored', {
  bundle: false,
});

/** The alarm whose description starts so, as CloudFormation gets it. */
function alarmStarting(text: string): { Properties: Record<string, unknown> } {
  const alarms = template.findResources('AWS::CloudWatch::Alarm', {
    Properties: { AlarmDescription: Match.stringLikeRegexp(`^${text}`) },
  });
  const found = Object.values(alarms);
  expect(found).toHaveLength(1);
  return found[0] as { Properties: Record<string, unknown> };
}

describe('monitoring', () => {
  it('alarms when any group dead-letters a message, one contributor per group, from Ferry’s own metric', () => {
    const { Properties } = alarmStarting('Ferry: a consumer group dead-lettered');
    expect(Properties).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    expect(JSON.stringify(Properties.Metrics)).toContain(
      `SELECT SUM(deadLettered) FROM SCHEMA(${METRICS_NAMESPACE}, Group, service) WHERE service = 'ferry' GROUP BY Group`,
    );
  });

  it("alarms while dead letters wait in any group's dead-letter queue, from the tick's count (SQS's own moves included)", () => {
    const { Properties } = alarmStarting('Ferry: dead letters wait');
    expect(Properties).toMatchObject({
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
    expect(JSON.stringify(Properties.Metrics)).toContain(
      `SELECT MAX(deadLetterBacklog) FROM SCHEMA(${METRICS_NAMESPACE}, Group, service) WHERE service = 'ferry' GROUP BY Group`,
    );
  });

  it("alarms when a queue's oldest message is older than the construct's threshold (SQS ApproximateAgeOfOldestMessage)", () => {
    const { Properties } = alarmStarting("Ferry: a queue's oldest message");
    expect(Properties).toMatchObject({ Threshold: 1800, ComparisonOperator: 'GreaterThanThreshold' });
    expect(JSON.stringify(Properties.Metrics)).toContain('MAX(ApproximateAgeOfOldestMessage)');
  });

  it('has one dashboard that graphs every metric the core records, per topic or per group', () => {
    const dashboards = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
    expect(dashboards).toHaveLength(1);
    const rendered = JSON.stringify(dashboards[0]);
    for (const metric of [...COUNT_METRICS, ...DURATION_METRICS, ...LEVEL_METRICS])
      expect(rendered, metric).toMatch(new RegExp(`\\(${metric}\\)`));
    expect(rendered).toContain('ApproximateAgeOfOldestMessage');
  });

  it('synthesizes without warnings about the Metrics Insights expressions', () => {
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('[Mm]ath expression'));
    expect(warnings).toEqual([]);
  });
});
