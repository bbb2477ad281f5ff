// The benchmarks' consumers: several client consumer loops on one group, as several consumer processes would run.
import type { FerryClient, ReceivedMessage } from '../client/index.ts';

/** Runs `consumers` loops on `group` until `count` messages were handled or `timeoutMs` passed, then stops them. */
export async function consumeCount(
  client: FerryClient,
  group: string,
  { count, consumers = 4, timeoutMs }: { count: number; consumers?: number; timeoutMs: number },
  onMessage: (message: ReceivedMessage) => void,
): Promise<number> {
  let handled = 0;
  const loops = Array.from({ length: consumers }, () =>
    client.consume(
      group,
      (message) => {
        onMessage(message);
        if (++handled >= count) for (const loop of loops) void loop.stop();
      },
      { concurrency: 32, waitSeconds: 1 },
    ),
  );
  const timer = setTimeout(() => loops.forEach((loop) => void loop.stop()), timeoutMs);
  await Promise.all(loops.map((loop) => loop.stopped));
  clearTimeout(timer);
  return handled;
}
