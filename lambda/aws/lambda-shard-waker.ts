// The tick's fan-out in AWS: each shard of the timer wheel is woken by its own invocation of the tick-shard function.
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { readConfig } from '../core/config.ts';
import type { ShardWaker, ShardWork, WakeCounts } from '../core/ports.ts';
import { endpointFor } from './clients.ts';

/** The fan-out when FERRY_TICK_SHARD_FUNCTION is set (the CDK app sets it on the tick); otherwise the tick wakes every shard itself. */
export function shardWakerFromEnv(env: Record<string, string | undefined>): { shardWaker?: ShardWaker } {
  const functionName = readConfig(env).tickShardFunction;
  return functionName === undefined
    ? {}
    : { shardWaker: new LambdaShardWaker(new LambdaClient(endpointFor(env, 'LAMBDA')), functionName) };
}

export class LambdaShardWaker implements ShardWaker {
  constructor(
    private readonly lambda: LambdaClient,
    private readonly functionName: string,
  ) {}

  /** A synchronous invocation, so that the tick knows every shard is done before it moves its cursor. */
  async wakeShard(work: ShardWork): Promise<WakeCounts> {
    const { Payload, FunctionError } = await this.lambda.send(
      new InvokeCommand({
        FunctionName: this.functionName,
        InvocationType: 'RequestResponse',
        Payload: new TextEncoder().encode(JSON.stringify(work)),
      }),
    );
    const answer = Payload === undefined ? '' : new TextDecoder().decode(Payload);
    if (FunctionError !== undefined) throw new Error(`${this.functionName} failed (${FunctionError}): ${answer}`);
    return JSON.parse(answer) as WakeCounts;
  }
}
