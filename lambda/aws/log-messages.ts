// Log lines the construct's alarms count (lib/parts/alarms.ts): one definition for the handler that logs each and the
// metric filter that finds it, without loading a logger at synth.

/** Logged by the stream redrive when a batch could not be dispatched again. */
export const STREAM_BATCH_NOT_REDRIVEN = 'stream batch not redriven, kept for a retry';
