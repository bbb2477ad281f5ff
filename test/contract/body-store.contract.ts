// The BodyStore contract: large bodies written once and read back whole, run against every implementation.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newMessageId } from '../../lambda/core/ids.ts';
import type { BodyStore } from '../../lambda/core/ports.ts';

export interface BodyAdapters {
  bodies: BodyStore;
  /** The bucket the store was made for. */
  bucket: string;
  close(): Promise<void>;
}

const DAY_MS = 86_400_000;

/** What the publisher asks a reference for. */
function aBody(bytes: number, keepDays = 29) {
  const bornAt = Date.now();
  return { messageId: newMessageId(bornAt), bornAt, keepUntil: bornAt + keepDays * DAY_MS, bytes };
}

export function bodyStoreContract(name: string, make: () => Promise<BodyAdapters>): void {
  describe(`BodyStore contract: ${name}`, () => {
    let adapters: BodyAdapters;
    beforeEach(async () => {
      adapters = await make();
    });
    afterEach(async () => {
      await adapters.close();
    });

    it('reads back a 4 MiB body exactly as written: multi-byte, astral, control and JSON-special characters', async () => {
      const text = `"quoted" \\ back\u0000slash\n✓ é 😀 \u{10FFFF} `;
      const body = text.repeat(Math.floor((4 * 1024 * 1024) / Buffer.byteLength(text, 'utf8')));
      const ref = adapters.bodies.refFor(aBody(Buffer.byteLength(body, 'utf8')));
      await adapters.bodies.put(ref, body);
      expect(await adapters.bodies.get(ref)).toBe(body);
    });

    it('names its bucket and the body’s UTF-8 bytes in the reference, a key of the message’s own, and writes nothing for it', async () => {
      const first = aBody(1234);
      const ref = adapters.bodies.refFor(first);
      expect(ref).toMatchObject({ bucket: adapters.bucket, bytes: 1234 });
      expect(ref.key).toContain(first.messageId);
      expect(adapters.bodies.refFor(aBody(1234)).key).not.toBe(ref.key);
      expect(await adapters.bodies.get(ref)).toBeUndefined();
    });

    it('answers undefined, not an error, for a body it does not hold', async () => {
      expect(
        await adapters.bodies.get({ bucket: adapters.bucket, key: 'bodies/never-written', bytes: 1 }),
      ).toBeUndefined();
    });

    it('reads back at once a body to be kept for years', async () => {
      const ref = adapters.bodies.refFor(aBody(5, 800));
      await adapters.bodies.put(ref, 'years');
      expect(await adapters.bodies.get(ref)).toBe('years');
    });
  });
}
