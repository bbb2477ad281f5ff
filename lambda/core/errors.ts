// Named domain errors, each mapping to one HTTP status and error code of the API contract.

export abstract class FerryError extends Error {
  abstract readonly status: 400 | 404 | 409 | 413 | 503;
  abstract readonly code: string;
}

/** The request is malformed or breaks a rule of the contract: fix the request. */
export class ValidationError extends FerryError {
  readonly status = 400;
  constructor(
    message: string,
    readonly code: string = 'INVALID_REQUEST',
  ) {
    super(message);
  }
}

/** A topic, group, producer group or message that does not exist. */
export class NotFoundError extends FerryError {
  readonly status = 404;
  readonly code: string;
  constructor(kind: 'TOPIC' | 'GROUP' | 'PRODUCER_GROUP' | 'MESSAGE' | 'REPLAY', name: string) {
    super(`${kind.toLowerCase().replace('_', ' ')} '${name}' does not exist`);
    this.code = `${kind}_NOT_FOUND`;
  }
}

/**
 * A group's queue that no longer exists: the group was deleted after this instance read it (a group is cached for
 * FERRY_CATALOG_CACHE_SECONDS), or its queue was deleted outside Ferry. Thrown by the queues, answered as the group's 404.
 */
export class GroupQueueGoneError extends FerryError {
  readonly status = 404;
  readonly code = 'GROUP_NOT_FOUND';
  constructor(queueUrl: string) {
    super(
      `the group's queue ${queueUrl.slice(queueUrl.lastIndexOf('/') + 1)} does not exist: the group was deleted (or its queue was, outside Ferry)`,
    );
  }
}

/** The request contradicts the current state (a topic re-created with another type, a decided transaction). */
export class ConflictError extends FerryError {
  readonly status = 409;
  constructor(
    message: string,
    readonly code: string = 'CONFLICT',
  ) {
    super(message);
  }
}

/** A body or request larger than the limit. */
export class PayloadTooLargeError extends FerryError {
  readonly status = 413;
  readonly code = 'PAYLOAD_TOO_LARGE';
}
