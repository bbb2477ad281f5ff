// The CDK app (`cdk synth`, `cdk deploy`): one FerryStack, checked against cdk-nag's AWS Solutions rules at synthesis.
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ferryAppOptions } from '../lib/app-context.ts';
import { FerryStack } from '../lib/ferry-stack.ts';

const app = new App();
// -c stackName=, -c queuePrefix=, -c api=http|rest, -c tick=scheduler|rule, -c localstack=true (see lib/app-context.ts).
const { stackName, ferry } = ferryAppOptions(app.node);

new FerryStack(app, stackName, {
  stackName,
  description: 'Ferry: RocketMQ-style business messaging on serverless AWS',
  ferry,
});

// cdk-nag 3 is a policy-validation plugin (not an Aspect): any unacknowledged finding fails `cdk synth`.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
