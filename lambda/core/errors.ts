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
