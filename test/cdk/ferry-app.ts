// Builds the Ferry stack as `cdk synth` does (the same feature flags, read from cdk.json), for the CDK template tests.
import { readFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { FerryStack, type FerryStackProps } from '../../lib/ferry-stack.ts';

interface CdkJson {
  context?: Record<string, unknown>;
}

const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as CdkJson;

export interface SynthesizedFerry {
  app: App;
  stack: FerryStack;
  template: Template;
}

/** One FerryStack in a fresh app; bundles every Lambda with esbuild unless told not to, so bundle once per test file. */
export function synthFerryStack(
  props: FerryStackProps = {},
  id = 'Ferry',
  options: { bundle?: boolean } = {},
): SynthesizedFerry {
  const { app, stack } = newFerryStack(props, id, options);
  return { app, stack, template: Template.fromStack(stack) };
}

/**
 * A FerryStack not yet synthesized, so that a test can add to it (roles, grants) first. With `bundle: false` the
 * functions are not bundled (CDK's own switch for stacks not being deployed): for tests of anything but the code.
 */
export function newFerryStack(
  props: FerryStackProps = {},
  id = 'Ferry',
  options: { bundle?: boolean } = {},
): { app: App; stack: FerryStack } {
  const bundling = options.bundle === false ? { 'aws:cdk:bundling-stacks': [] } : {};
  const app = new App({ context: { ...cdkJson.context, ...bundling } });
  return { app, stack: new FerryStack(app, id, props) };
}

/** An IAM policy statement as it appears in a synthesized template. */
export interface Statement {
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

/** Every statement of every identity policy (AWS::IAM::Policy) in the template, by the policy's logical id. */
export function identityStatements(template: Template): Array<{ policy: string; statement: Statement }> {
  const policies = template.findResources('AWS::IAM::Policy') as Record<
    string,
    { Properties: { PolicyDocument: { Statement: Statement[] } } }
  >;
  return Object.entries(policies).flatMap(([policy, resource]) =>
    resource.Properties.PolicyDocument.Statement.map((statement) => ({ policy, statement })),
  );
}

export function actionsOf(statement: Statement): string[] {
  return Array.isArray(statement.Action) ? statement.Action : [statement.Action];
}
