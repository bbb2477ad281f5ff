// A health check's finding, written for whoever reads /v1/health: it names no ARN, account, URL or stack trace.

/** Thrown by a health check for what it found itself; any other error is reported only as "did not answer". */
export class HealthProblem extends Error {}
