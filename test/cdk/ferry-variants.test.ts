// Template tests of the front door and tick options: a REST API and an EventBridge rule (LocalStack's free plan), and the context that picks them.
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { ferryAppOptions } from '../../lib/app-context.ts';
import { actionsOf, identityStatements, newFerryStack } from './ferry-app.ts';

const { stack } = newFerryStack({ ferry: { api: 'rest', tick: 'rule' } }, 'FerryLocalStack', { bundle: false });
const ferry = stack.ferry;
const template = Template.fromStack(stack);
const logicalId = (construct: { node: { defaultChild?: unknown } }) =>
  stack.getLogicalId(construct.node.defaultChild as never);
const apiFunctionId = logicalId(ferry.apiFunction);
const tickId = logicalId(ferry.tickFunction);

describe('the REST API front door', () => {
  it('replaces the HTTP API: one regional REST API and no HTTP API', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Api', 0);
    template.resourceCountIs('AWS::ApiGateway::RestApi', 1);
    template.hasResourceProperties('AWS::ApiGateway::RestApi', { EndpointConfiguration: { Types: ['REGIONAL'] } });
  });

  it('requires IAM (SigV4) authorisation on every method, and has only ANY on / and on the proxy', () => {
    const methods = Object.values(template.findResources('AWS::ApiGateway::Method')) as Array<{
      Properties: { HttpMethod: string; AuthorizationType: string; ResourceId: unknown };
    }>;
    expect(methods).toHaveLength(2);
    for (const method of methods)
      expect(method.Properties).toMatchObject({ HttpMethod: 'ANY', AuthorizationType: 'AWS_IAM' });
    template.resourceCountIs('AWS::ApiGateway::Resource', 1);
    template.hasResourceProperties('AWS::ApiGateway::Resource', { PathPart: '{proxy+}' });
  });

  it('proxies every method to the same API function', () => {
    template.allResourcesProperties('AWS::ApiGateway::Method', {
      Integration: Match.objectLike({
        Type: 'AWS_PROXY',
        IntegrationHttpMethod: 'POST',
        Uri: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([{ 'Fn::GetAtt': [apiFunctionId, 'Arn'] }])] }),
      }),
    });
    const permissions = Object.values(
      template.findResources('AWS::Lambda::Permission', {
        Properties: { FunctionName: { 'Fn::GetAtt': [apiFunctionId, 'Arn'] } },
      }),
    );
    // One per method, none for the console's test-invoke.
    expect(permissions).toHaveLength(2);
  });

  it('has one throttled stage with JSON access logs, and no account-wide CloudWatch role', () => {
    template.resourceCountIs('AWS::ApiGateway::Stage', 1);
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'prod',
      MethodSettings: [Match.objectLike({ ThrottlingRateLimit: 1000, ThrottlingBurstLimit: 2000 })],
      AccessLogSetting: {
        DestinationArn: { 'Fn::Join': ['', Match.arrayWith([{ Ref: Match.stringLikeRegexp('ApiAccessLogs') }])] },
        Format: Match.stringLikeRegexp('"requestId":"\\$context.requestId"'),
      },
    });
    template.resourceCountIs('AWS::ApiGateway::Account', 0);
  });

  it('gives its URL, with the stage, and the region as outputs', () => {
    const stageId = stack.getLogicalId(ferry.restApi!.deploymentStage.node.defaultChild as never);
    template.hasOutput('ApiUrl', { Value: { 'Fn::Join': ['', Match.arrayWith(['/', { Ref: stageId }, '/'])] } });
    template.hasOutput('Region', { Value: { Ref: 'AWS::Region' } });
  });
});

describe('the tick on an EventBridge rule', () => {
  it('runs the tick function every minute from a rule, without retries, and creates no Scheduler schedule', () => {
    template.resourceCountIs('AWS::Scheduler::Schedule', 0);
    template.resourceCountIs('AWS::Events::Rule', 1);
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      State: 'ENABLED',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [tickId, 'Arn'] }, RetryPolicy: { MaximumRetryAttempts: 0 } })],
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      FunctionName: { 'Fn::GetAtt': [tickId, 'Arn'] },
      Principal: 'events.amazonaws.com',
    });
    expect(ferry.tickSchedule).toBeUndefined();
    expect(ferry.tickScheduleRole).toBeUndefined();
  });

  it('leaves the health check of a schedule out: no schedule name for the API, no scheduler permission for anyone', () => {
    const resources = template.toJSON().Resources as Record<
      string,
      { Properties: { Environment?: { Variables: Record<string, unknown> } } }
    >;
    expect(resources[apiFunctionId]!.Properties.Environment!.Variables).not.toHaveProperty('FERRY_TICK_SCHEDULE_NAME');
    expect(
      identityStatements(template)
        .flatMap(({ statement }) => actionsOf(statement))
        .filter((action) => action.startsWith('scheduler:')),
    ).toEqual([]);
  });

  it('still alarms when the tick fails three minutes in a row', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Dimensions: [
        {
          Name: 'FunctionName',
          Value: { Ref: logicalId(ferry.tickFunction as unknown as { node: { defaultChild: CfnFunction } }) },
        },
      ],
      EvaluationPeriods: 3,
    });
  });
});

describe('cdk-nag AwsSolutions on every combination', () => {
  it.each([
    { api: 'rest', tick: 'rule' },
    { api: 'rest', tick: 'scheduler' },
    { api: 'http', tick: 'rule' },
    {
      api: 'http',
      tick: 'scheduler',
      capacity: { mode: 'provisioned', writeUnits: { min: 5, max: 500 }, readUnits: { min: 5, max: 500 } },
    },
  ] as const)('reports no unacknowledged finding for %j', (options) => {
    const variant =
      options.api === 'rest' && options.tick === 'rule'
        ? stack
        : newFerryStack(
            { ferry: options },
            `Nag${options.api}${options.tick}${'capacity' in options ? 'Provisioned' : ''}`,
            {
              bundle: false,
            },
          ).stack;
    const report = new AwsSolutionsChecks().validateScope(variant);
    expect(
      report.violations.flatMap((violation) =>
        violation.violatingResources.map((resource) => `${violation.ruleName} at ${resource.constructPath}`),
      ),
    ).toEqual([]);
  });
});

describe('the app context', () => {
  const optionsFor = (context: Record<string, unknown>) => ferryAppOptions(new App({ context }).node);

  it('deploys an HTTP API and a Scheduler tick by default', () => {
    expect(optionsFor({})).toEqual({ stackName: 'Ferry', ferry: { api: 'http', tick: 'scheduler' } });
  });

  it('chooses the REST API and the rule for -c localstack=true, from the command line or cdk.json', () => {
    expect(optionsFor({ localstack: 'true' }).ferry).toEqual({ api: 'rest', tick: 'rule' });
    expect(optionsFor({ localstack: true }).ferry).toEqual({ api: 'rest', tick: 'rule' });
  });

  it('takes -c api and -c tick one at a time, over localstack', () => {
    expect(optionsFor({ api: 'rest' }).ferry).toEqual({ api: 'rest', tick: 'scheduler' });
    expect(optionsFor({ tick: 'rule' }).ferry).toEqual({ api: 'http', tick: 'rule' });
    expect(optionsFor({ localstack: 'true', api: 'http' }).ferry).toEqual({ api: 'http', tick: 'rule' });
  });

  it('refuses a value it does not know, naming the ones it does', () => {
    expect(() => optionsFor({ api: 'graphql' })).toThrow(/'api' must be one of http, rest/);
    expect(() => optionsFor({ tick: 'cron' })).toThrow(/'tick' must be one of scheduler, rule/);
    expect(() => optionsFor({ localstack: 'yes' })).toThrow(/'localstack' must be true or false/);
  });

  it('provisions the table for -c writeUnits and -c readUnits, given together as least-most', () => {
    expect(optionsFor({ writeUnits: '10-1000', readUnits: '5-200' }).ferry).toEqual({
      api: 'http',
      tick: 'scheduler',
      capacity: { mode: 'provisioned', writeUnits: { min: 10, max: 1000 }, readUnits: { min: 5, max: 200 } },
    });
    expect(() => optionsFor({ writeUnits: '10-1000' })).toThrow(/'writeUnits' and 'readUnits' go together/);
    expect(() => optionsFor({ writeUnits: '1000', readUnits: '5-200' })).toThrow(
      /'writeUnits' must be least-most units, such as 10-1000, got '1000'/,
    );
  });
});
