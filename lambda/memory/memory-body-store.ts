// Large message bodies in memory, for unit tests: the body store port with S3's semantics (write once, read back, gone after its time).
import type { BodyRef, MessageId } from '../core/model.ts';
import type { BodyStore, Clock } from '../core/ports.ts';

export class MemoryBodyStore implements BodyStore {
  private readonly bodies = new Map<string, { body: string; keepUntil: number }>();
  /** When each reference handed out may go; the store forgets a body once the clock passes it. */
  private readonly keepUntil = new Map<string, number>();

  constructor(
    private readonly clock: Clock,
    private readonly bucket = 'memory',
  ) {}

  refFor(message: { messageId: MessageId; bornAt: number; keepUntil: number; bytes: number }): BodyRef {
    const key = `bodies/${message.messageId}`;
    this.keepUntil.set(key, message.keepUntil);
    return { bucket: this.bucket, key, bytes: message.bytes };
  }

  async put(ref: BodyRef, body: string): Promise<void> {
    this.bodies.set(ref.key, { body, keepUntil: this.keepUntil.get(ref.key) ?? Infinity });
  }

  async get(ref: BodyRef): Promise<string | undefined> {
    const stored = ref.bucket === this.bucket ? this.bodies.get(ref.key) : undefined;
    if (stored === undefined || stored.keepUntil < this.clock.now()) return undefined;
    return stored.body;
  }

  /** Tests: how many bodies are held. */
  get size(): number {
    return this.bodies.size;
  }
}
