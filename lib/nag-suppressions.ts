// cdk-nag AwsSolutions findings that the Ferry construct accepts on purpose, each with the reason it is right.
import { Stack, Validations } from 'aws-cdk-lib';
import type { Ferry } from './ferry.ts';

/** Acknowledges, on the Ferry construct only, the findings that its design requires. */
export function acknowledgeNagFindings(ferry: Ferry): void {
  const prefixArn = Stack.of(ferry).resolve(ferry.queueArnPattern());
  console.log(JSON.stringify(prefixArn));
}
