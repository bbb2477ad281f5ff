// Turns every failure into the contract's JSON error: domain errors keep their status, anything else is a 500 (a bug).
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ZodError } from 'zod';
import { FerryError } from '../core/errors.ts';
import { logger } from '../aws/logger.ts';

export function errorResponse(c: Context, status: number, code: string, message: string): Response {
  return c.json({ error: { code, message } }, status as 400);
}

export function describeZodError(error: ZodError, where: string): string {
  return error.issues
    .map((issue) => {
      const path = [where, ...issue.path.map(String)].filter((part) => part !== '').join('.');
      return `${path}: ${issue.message}`;
    })
    .join('; ');
}

export function handleError(error: unknown, c: Context): Response {
  if (error instanceof FerryError) return errorResponse(c, error.status, error.code, error.message);
  if (error instanceof HTTPException) {
    if (error.status === 413)
      return errorResponse(c, 413, 'PAYLOAD_TOO_LARGE', 'the request body is larger than Ferry accepts');
    if (error.status === 400) return errorResponse(c, 400, 'MALFORMED_JSON', 'the request body is not valid JSON');
    if (error.status === 415)
      return errorResponse(
        c,
        415,
        'UNSUPPORTED_MEDIA_TYPE',
        'send the request body as JSON, with the header content-type: application/json',
      );
    return errorResponse(c, error.status, 'HTTP_ERROR', error.message);
  }
  if (isPassingAwsFault(error)) {
    logger.info('AWS call failed after the SDK retries', error instanceof Error ? error : String(error));
    return errorResponse(
      c,
      503,
      'SERVICE_UNAVAILABLE',
      'Ferry could not reach its storage or queues just now: try again (a publish retried with its dedupKey is stored once)',
    );
  }
  logger.error('unhandled error', error instanceof Error ? error : String(error));
  return errorResponse(c, 500, 'INTERNAL', 'Ferry failed on this request; it is logged and is a bug');
}

/**
 * Throttling, a service's 5xx, a timeout or a dropped connection that outlasted the SDK's own retries: the caller's
 * retry is the remedy (a publish retried with its dedupKey is stored once), so it is a 503, not a bug.
 */
function isPassingAwsFault(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const fault = error as Error & { $fault?: string; $retryable?: unknown; code?: string };
  if (fault.$fault === 'server' || fault.$retryable !== undefined) return true;
  if (
    /Throttl|TimeoutError|RequestTimeout|ProvisionedThroughputExceeded|ServiceUnavailable|InternalServerError|InternalFailure/.test(
      fault.name,
    )
  )
    return true;
  return ['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE'].includes(fault.code ?? '');
}
