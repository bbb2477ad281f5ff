// cdk-nag AWS Solutions review of the Ferry stack: every finding is fixed or acknowledged with a reason, and new ones fail.
import { Validations } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { synthFerryStack } from './ferry-app.ts';

const { app, stack } = synthFerryStack();

/** The unacknowledged findings as `rule at construct path`, so that a failure names what to fix. */
function findings(scope = stack): string[] {
  const report = new AwsSolutionsChecks().validateScope(scope);
  return report.violations.flatMap((violation) =>
    violation.violatingResources.map(
      (resource) =>
        `${violation.severity ?? 'error'} ${violation.ruleName} at ${resource.constructPath ?? resource.resourceLogicalId}`,
    ),
  );
}

describe('cdk-nag AwsSolutions', () => {
  it('reports no unacknowledged error or warning', () => {
    expect(findings()).toEqual([]);
  });

  it('lets the app synthesize with the checks registered as a validation plugin, as bin/app.ts does, without any warning', () => {
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).not.toThrow();
    expect(Annotations.fromStack(stack).findError('*', Match.anyValue())).toEqual([]);
    expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
  });

  it('acknowledges the queue prefix wildcard for a custom prefix too, yet still reports a wildcard nobody reviewed', () => {
    const { stack: custom } = synthFerryStack({ ferry: { queuePrefix: 'dev-' } }, 'FerryCustom', { bundle: false });
    expect(findings(custom)).toEqual([]);
    custom.ferry.apiFunction.addToRolePolicy(new PolicyStatement({ actions: ['sqs:SendMessage'], resources: ['*'] }));
    expect(findings(custom)).toEqual([
      expect.stringMatching(
        /^error AwsSolutions-IAM5\[Resource::\*\] at FerryCustom\/Ferry\/ApiFunctionRole\/DefaultPolicy/,
      ),
    ]);
  });
});
