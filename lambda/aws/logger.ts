// Structured JSON logs for the Lambda handlers and AWS adapters (Powertools Logger; the core does not log).
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'ferry' });
