// Structured JSON logs for the Lambda handlers and AWS adapters (Powertools Logger; the core does not log).
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'ferry' });

/** Logged by the stream redrive when a batch could not be dispatched again; the construct's alarm counts this line. */
export const STREAM_BATCH_NOT_REDRIVEN = 'stream batch not redriven, kept for a retry';
