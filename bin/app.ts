// The CDK app (`cdk synth`, `cdk deploy`): one FerryStack, checked against cdk-nag's AWS Solutions rules at synthesis.
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { FerryStack } from '../lib/ferry-stack.ts';

const app = new App();

/** A string from `-c name=value` or cdk.json, so that two Ferry stacks can share an account and region. */
function contextString(name: string): string | undefined {
  const value: unknown = app.node.tryGetContext(name);
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') throw new Error(`context '${name}' must be a non-empty string`);
  return value;
}

const stackName = contextString('stackName') ?? 'Ferry';
const queuePrefix = contextString('queuePrefix');

new FerryStack(app, stackName, {
  stackName,
  description: 'Ferry: RocketMQ-style business messaging on serverless AWS',
  ferry: queuePrefix === undefined ? {} : { queuePrefix },
});

// cdk-nag 3 is a policy-validation plugin (not an Aspect): any unacknowledged finding fails `cdk synth`.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
