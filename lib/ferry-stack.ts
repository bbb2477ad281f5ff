// The deployable Ferry stack: the Ferry construct plus the outputs a client, a smoke test and a dashboard need (API URL, region, ...).
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { Ferry, type FerryProps } from './ferry.ts';

/** Options of {@link FerryStack}. */
export interface FerryStackProps extends StackProps {
  /**
   * Options of the Ferry construct inside the stack.
   * @default - the construct's defaults
   */
  readonly ferry?: FerryProps;
}

/** One Ferry with its outputs, whose accepted cdk-nag findings the construct acknowledges itself (see `nag-suppressions.ts`). */
export class FerryStack extends Stack {
  /** The Ferry construct, for tests and for stacks that extend this one. */
  readonly ferry: Ferry;

  constructor(scope: Construct, id: string, props: FerryStackProps = {}) {
    super(scope, id, props);
    this.ferry = new Ferry(this, 'Ferry', props.ferry);

    new CfnOutput(this, 'ApiUrl', {
      value: this.ferry.url,
      description: 'Base URL of the Ferry API (requests must be SigV4-signed)',
    });
    new CfnOutput(this, 'Region', {
      value: this.region,
      description: 'Region to sign requests for (ferry smoke --region, ferry dashboard, FERRY_AWS_REGION)',
    });
    new CfnOutput(this, 'TableName', {
      value: this.ferry.table.tableName,
      description: 'DynamoDB table of messages, trace and catalog',
    });
    new CfnOutput(this, 'QueuePrefix', {
      value: this.ferry.queuePrefix,
      description: 'Prefix of every consumer-group queue',
    });
    new CfnOutput(this, 'BodyBucketName', {
      value: this.ferry.bodyBucket.bucketName,
      description: 'S3 bucket of message bodies too large for a table item (a queue message then carries bodyRef)',
    });
    new CfnOutput(this, 'StreamFailureQueueUrl', {
      value: this.ferry.streamFailureQueue.queueUrl,
      description: 'Records of stream batches the dispatcher gave up on; should stay empty',
    });
  }
}
