// Starts the local engines once for the whole test run: one pair in memory, and one pair persisting to a data folder
// as `npm start` does (fauxqs's SQLite store and DynamoDB Local's file store behave differently from memory).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEngines, type Engines } from '../../lambda/local/engines.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoDbEndpoint: string;
    sqsEndpoint: string;
    persistentDynamoDbEndpoint: string;
    persistentSqsEndpoint: string;
  }
}

let engines: Engines | undefined;
let persistent: Engines | undefined;
let dataDir: string | undefined;

export async function setup(project: TestProject): Promise<void> {
  dataDir = mkdtempSync(join(tmpdir(), 'ferry-test-data-'));
  [engines, persistent] = await Promise.all([startEngines(), startEngines({ dataDir })]);
  project.provide('dynamoDbEndpoint', engines.dynamoDbEndpoint);
  project.provide('sqsEndpoint', engines.sqsEndpoint);
  project.provide('persistentDynamoDbEndpoint', persistent.dynamoDbEndpoint);
  project.provide('persistentSqsEndpoint', persistent.sqsEndpoint);
}

export async function teardown(): Promise<void> {
  await Promise.all([engines?.stop(), persistent?.stop()]);
  if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
}
