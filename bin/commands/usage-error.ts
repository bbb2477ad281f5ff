// A command given wrongly: `ferry` says what to give, in one line, and exits 2 (as commander does for its own checks).
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
