// Starts DynamoDB Local and fauxqs once for the whole test run; each integration test file builds its own isolated stack on them.
import type { TestProject } from 'vitest/node';
import { startEngines, type Engines } from '../../lambda/local/engines.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoDbEndpoint: string;
    sqsEndpoint: string;
  }
}

let engines: Engines | undefined;

export async function setup(project: TestProject): Promise<void> {
  engines = await startEngines();
  project.provide('dynamoDbEndpoint', engines.dynamoDbEndpoint);
  project.provide('sqsEndpoint', engines.sqsEndpoint);
}

export async function teardown(): Promise<void> {
  await engines?.stop();
}
