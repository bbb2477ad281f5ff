// Lambda entry on the table's stream: the dispatcher (lambda/handlers/dispatch-stream-batch.ts) wired to AWS.
import { createAwsDispatcher } from '../aws/core-ports.ts';
import { createDispatchHandler } from './dispatch-stream-batch.ts';
import { flushingMetrics } from '../aws/powertools-metrics.ts';

export const handler = flushingMetrics(createDispatchHandler(createAwsDispatcher()));
