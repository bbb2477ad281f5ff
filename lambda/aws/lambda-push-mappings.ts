// Push groups in AWS: one SQS event source mapping per push group on the pusher Lambda, made, changed and removed by
// the API as groups switch between pull and push.
import {
  CreateEventSourceMappingCommand,
  DeleteEventSourceMappingCommand,
  LambdaClient,
  ListEventSourceMappingsCommand,
  ResourceNotFoundException,
  UpdateEventSourceMappingCommand,
} from '@aws-sdk/client-lambda';
import { ValidationError } from '../core/errors.ts';
import type { ConsumerGroup, PushSettings } from '../core/model.ts';
import type { PushMappings } from '../core/ports.ts';
import { pushBatchSize } from '../core/push.ts';
import { endpointFor } from './clients.ts';

/** Lambda's floor for an SQS event source mapping's MaximumConcurrency. */
export const MIN_MAPPING_CONCURRENCY = 2;

/** The pushers the mapping may run at once: the group's maxConcurrency, raised to Lambda's floor. */
export const mappingConcurrency = (settings: PushSettings) =>
  Math.max(MIN_MAPPING_CONCURRENCY, settings.maxConcurrency);

/**
 * Each pusher instance paces itself alone (instances share no memory), so each gets an equal share of the group's
 * rate: the mapping never runs more than `mappingConcurrency` of them, so together they stay at or under the rate.
 */
export const ratePerPusher = (settings: PushSettings) =>
  settings.ratePerSecond === undefined ? undefined : settings.ratePerSecond / mappingConcurrency(settings);

/** FERRY_PUSHER_FUNCTION (the construct sets it on the API): the pusher's ARN. Without it, push groups are refused. */
export function pushMappingsFromEnv(env: Record<string, string | undefined>): PushMappings {
  const functionArn = env.FERRY_PUSHER_FUNCTION;
  return functionArn === undefined || functionArn === ''
    ? noPusher
    : new LambdaPushMappings(new LambdaClient(endpointFor(env, 'LAMBDA')), functionArn);
}

/** Push groups refused: what every handler but the API has (they never change a group), and the API without a pusher. */
export const noPusher: PushMappings = {
  async sync(group) {
    if (group.push !== undefined) {
      throw new ValidationError('push is not available here: FERRY_PUSHER_FUNCTION is not set', 'PUSH_UNAVAILABLE');
    }
  },
  async remove() {},
};

export class LambdaPushMappings implements PushMappings {
  constructor(
    private readonly lambda: LambdaClient,
    private readonly functionArn: string,
  ) {}

  async sync(group: ConsumerGroup): Promise<void> {
    const queueArn = queueArnOf(group.queueUrl, this.functionArn);
    const existing = await this.mappingOf(queueArn);
    if (group.push === undefined) {
      if (existing !== undefined) await this.delete(existing);
      return;
    }
    const shape = {
      BatchSize: pushBatchSize(group.push, ratePerPusher(group.push)),
      ScalingConfig: { MaximumConcurrency: mappingConcurrency(group.push) },
      FunctionResponseTypes: ['ReportBatchItemFailures' as const],
      Enabled: true,
    };
    if (existing === undefined) {
      await this.lambda.send(
        new CreateEventSourceMappingCommand({ EventSourceArn: queueArn, FunctionName: this.functionArn, ...shape }),
      );
    } else {
      await this.lambda.send(
        new UpdateEventSourceMappingCommand({ UUID: existing, FunctionName: this.functionArn, ...shape }),
      );
    }
  }

  async remove(group: ConsumerGroup): Promise<void> {
    const existing = await this.mappingOf(queueArnOf(group.queueUrl, this.functionArn));
    if (existing !== undefined) await this.delete(existing);
  }

  private async mappingOf(queueArn: string): Promise<string | undefined> {
    const { EventSourceMappings } = await this.lambda.send(
      new ListEventSourceMappingsCommand({ EventSourceArn: queueArn, FunctionName: this.functionArn }),
    );
    return EventSourceMappings?.[0]?.UUID;
  }

  private async delete(uuid: string): Promise<void> {
    try {
      await this.lambda.send(new DeleteEventSourceMappingCommand({ UUID: uuid }));
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
    }
  }
}

/**
 * `https://sqs.<region>.amazonaws.com/<account>/<name>` (or the legacy `<region>.queue.amazonaws.com`) as an ARN, in
 * the pusher's partition: the mapping names its queue by ARN, and the URL holds every part of it.
 */
export function queueArnOf(queueUrl: string, functionArn: string): string {
  const url = new URL(queueUrl);
  const [account, name] = url.pathname.split('/').filter((part) => part !== '');
  const hostParts = url.hostname.split('.');
  const region = hostParts[0] === 'sqs' ? hostParts[1] : hostParts[0];
  const partition = functionArn.split(':')[1] ?? 'aws';
  return `arn:${partition}:sqs:${region}:${account}:${name}`;
}
