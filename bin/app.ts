// The CDK app (`cdk synth`, `cdk deploy`): one FerryStack, checked by cdk-nag's AWS Solutions rules at synthesis.
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { FerryStack } from '../lib/ferry-stack.ts';

const app = new App();
new FerryStack(app, 'Ferry', {});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
