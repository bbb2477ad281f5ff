// The MessageStore contract: what the core relies on from any message store, run against every implementation.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Message, MessageId, TraceEvent } from '../../lambda/core/model.ts';
import { checkedAgainLater, commit, due, reschedule, rollback } from '../../lambda/core/state-machine.ts';
import { ulid } from 'ulid';
import type { MessagePage } from '../../lambda/core/pages.ts';
import type { ReplayJob } from '../../lambda/core/ports.ts';
import { aMessage, collect, EVENTUALLY, type Adapters, type AdaptersFactory } from './adapters.ts';

const byTime = (events: TraceEvent[]) => [...events].sort((a, b) => a.at - b.at || a.type.localeCompare(b.type));

export function messageStoreContract(name: string, make: AdaptersFactory): void {
  describe(`MessageStore contract: ${name}`, () => {
    let adapters: Adapters;
    beforeEach(async () => {
      adapters = await make();
    });
    afterEach(async () => {
      await adapters.close();
    });

    /** A message waiting in the due-time index until `wakeAt`, in the wheel's slot for it. */
    function waiting(state: 'SCHEDULED' | 'PREPARED', wakeAt: number, overrides: Partial<Message> = {}): Message {
      const now = adapters.now();
      const extra: Partial<Message> =
        state === 'SCHEDULED'
          ? { topicType: 'DELAY', deliverAt: wakeAt + 180_000 }
          : { topicType: 'TRANSACTION', producerGroup: 'checkout', checkCount: 0 };
      return aMessage(now, { state, wakeAt, ...extra, ...overrides });
    }

    const slotOf = (message: Message) => adapters.wheel.slotOf(message.messageId, message.wakeAt!);
    const wakingIds = async (message: Message, until: number) =>
      (await collect(adapters.store.waking(slotOf(message), until))).flat().map((found) => found.messageId);

    it('gives back a message exactly as it was written, with no events yet', async () => {
      const now = adapters.now();
      const plain = aMessage(now);
      const full = aMessage(now, {
        tag: 'created',
        keys: ['order-42', 'customer-7'],
        properties: { lane: 'gray', amount: '30' },
        bodyBase64: true,
        body: 'AAEC',
      });
      const fifo = aMessage(now, { topicType: 'FIFO', messageGroup: 'order-42' });
      await adapters.store.insert([plain, full, fifo]);
      expect(await adapters.store.get(plain.messageId)).toEqual({ message: plain, events: [] });
      expect(await adapters.store.get(full.messageId)).toEqual({ message: full, events: [] });
      expect(await adapters.store.get(fifo.messageId)).toEqual({ message: fifo, events: [] });
    });

    it('gives back bodies of every size and kind exactly, written one by one and in a batch', async () => {
      const now = adapters.now();
      const order = JSON.stringify({
        orderId: 'ord-42',
        customer: 'Zoé',
        lines: Array(30).fill({ sku: 'SKU-1', qty: 2 }),
      });
      const bodies = [order, 'x'.repeat(600), '🚚 colis expédié '.repeat(200), 'AAEC'.repeat(500)];
      const single = aMessage(now, { body: order });
      const batch = bodies.map((body) => aMessage(now, { body }));
      const fifo = aMessage(now, { topicType: 'FIFO', messageGroup: 'order-42', body: order });
      await adapters.store.insert([single]);
      await adapters.store.insert([...batch, fifo]);
      for (const message of [single, ...batch, fifo])
        expect(await adapters.store.get(message.messageId)).toEqual({ message, events: [] });
      expect(
        await adapters.store.getMany([single, ...batch].map(({ messageId, topic }) => ({ messageId, topic }))),
      ).toEqual(expect.arrayContaining([single, ...batch]));
    });

    it('knows nothing of an id it never stored', async () => {
      expect(await adapters.store.get(aMessage(adapters.now()).messageId)).toBeUndefined();
    });

    it('never overwrites a message: inserting its id again leaves the first as it was', async () => {
      const first = aMessage(adapters.now());
      await adapters.store.insert([first]);
      // The DynamoDB store takes a taken id for its own earlier attempt (the SDK retried a put whose answer was lost)
      // and answers success; the memory store refuses. Either way the first message stays.
      await adapters.store.insert([{ ...first, body: 'another body' }]).catch(() => undefined);
      expect((await adapters.store.get(first.messageId))?.message.body).toBe(first.body);
    });

    it('returns every trace event appended to a message, the consumer-side ones of each group it was dispatched to included', async () => {
      const now = adapters.now();
      const message = aMessage(now, { topicType: 'FIFO', messageGroup: 'order-7' });
      await adapters.store.insert([message]);
      const ref = { messageId: message.messageId, topic: message.topic, messageGroup: 'order-7' };
      const dispatched: TraceEvent = { type: 'DISPATCHED', at: now + 1, groups: ['billing', 'audit'] };
      const received: TraceEvent = {
        type: 'RECEIVED',
        at: now + 2,
        groups: ['billing'],
        detail: { deliveryAttempt: 1 },
      };
      const acked: TraceEvent = { type: 'ACKED', at: now + 3, groups: ['billing'], detail: { deliveryAttempt: 1 } };
      await adapters.store.appendTrace([{ message: ref, event: dispatched, expiresAt: message.expiresAt }]);
      await adapters.store.appendTrace([{ message: ref, event: received }]);
      await adapters.store.appendTrace([{ message: ref, event: acked }]);
      const found = await adapters.store.get(message.messageId);
      expect(byTime(found?.events ?? [])).toEqual([dispatched, received, acked]);
    });

    it("finds each message's own groups when the dispatch trace of a whole batch is appended at once", async () => {
      const now = adapters.now();
      const messages = Array.from({ length: 30 }, () => aMessage(now));
      await adapters.store.insert(messages);
      const groupsOf = (index: number) => (index % 3 === 0 ? ['billing', 'audit'] : ['billing']);
      await adapters.store.appendTrace(
        messages.map((message, index) => ({
          message: { messageId: message.messageId, topic: message.topic },
          event: { type: 'DISPATCHED', at: now + 1, groups: groupsOf(index) },
          expiresAt: message.expiresAt,
        })),
      );
      for (const index of [0, 1, 29]) {
        const found = await adapters.store.get(messages[index]!.messageId);
        expect(found?.events).toEqual([{ type: 'DISPATCHED', at: now + 1, groups: groupsOf(index) }]);
      }
    });

    it('applies a transition only from its state, records its event, and tells a loser the current message', async () => {
      const message = waiting('PREPARED', adapters.now() + 6_000);
      await adapters.store.insert([message]);
      const committed = commit(adapters.now(), 'PRODUCER');
      expect(await adapters.store.transition(message.messageId, committed)).toEqual({ applied: true });
      const again = await adapters.store.transition(message.messageId, rollback(adapters.now(), 'PRODUCER'));
      expect(again.applied).toBe(false);
      const current = again.applied ? undefined : again.current;
      expect(current?.state).toBe('READY');
      expect(current?.transitions).toEqual([committed.event]);
      expect(current?.wakeAt).toBeUndefined();
    });

    it('lets exactly one of racing transitions win', async () => {
      const message = waiting('PREPARED', adapters.now() + 6_000);
      await adapters.store.insert([message]);
      const now = adapters.now();
      const results = await Promise.all([
        adapters.store.transition(message.messageId, commit(now, 'PRODUCER')),
        adapters.store.transition(message.messageId, rollback(now, 'PRODUCER')),
        adapters.store.transition(message.messageId, commit(now, 'CHECK')),
        adapters.store.transition(message.messageId, rollback(now, 'CHECK')),
      ]);
      expect(results.filter((result) => result.applied)).toHaveLength(1);
      expect((await adapters.store.get(message.messageId))?.message.transitions).toHaveLength(1);
    });

    it('finds nothing to transition for an unknown id, or for a FIFO message (its partition does not follow from its id)', async () => {
      const fifo = aMessage(adapters.now(), { topicType: 'FIFO', messageGroup: 'order-1' });
      await adapters.store.insert([fifo]);
      expect(await adapters.store.transition(aMessage(adapters.now()).messageId, due(adapters.now()))).toEqual({
        applied: false,
        current: undefined,
      });
      expect(await adapters.store.transition(fifo.messageId, due(adapters.now()))).toEqual({
        applied: false,
        current: undefined,
      });
    });

    it('wakes the messages of a slot whose time has come, in time order, and none later or of another slot', async () => {
      const base = adapters.wheel.bucketEnd(adapters.wheel.bucketOf(adapters.now())) + 60_000;
      const candidates = Array.from({ length: 40 }, (_, i) => waiting('SCHEDULED', base + 1_000 * (39 - i)));
      const shard = slotOf(candidates[0]!).shard;
      const sameSlot = candidates.filter(
        (message) => slotOf(message).shard === shard && slotOf(message).bucket === slotOf(candidates[0]!).bucket,
      );
      await adapters.store.insert(candidates);
      const until = base + 20_000;
      const expected = sameSlot
        .filter((message) => message.wakeAt! <= until)
        .sort((a, b) => a.wakeAt! - b.wakeAt!)
        .map((message) => message.messageId);
      expect(expected.length).toBeGreaterThan(0);
      await expect.poll(() => wakingIds(candidates[0]!, until), EVENTUALLY).toEqual(expected);
    });

    it('keeps a message in the index as long as a transition gives it a wake time, and drops it when one does not', async () => {
      const now = adapters.now();
      const message = waiting('PREPARED', now + 6_000);
      await adapters.store.insert([message]);
      await expect.poll(() => adapters.store.slotHasMessages(slotOf(message)), EVENTUALLY).toBe(true);

      const later = now + 3_600_000;
      expect(await adapters.store.transition(message.messageId, checkedAgainLater(now, 'UNKNOWN', 1, later))).toEqual({
        applied: true,
      });
      const moved = { ...message, wakeAt: later };
      await expect.poll(() => wakingIds(moved, later), EVENTUALLY).toEqual([message.messageId]);
      await expect
        .poll(() => adapters.store.slotHasMessages(slotOf(message)), EVENTUALLY)
        .toBe(slotOf(message).bucket === slotOf(moved).bucket);
      const stored = (await adapters.store.get(message.messageId))?.message;
      expect(stored).toMatchObject({ state: 'PREPARED', wakeAt: later, checkCount: 1 });

      expect(await adapters.store.transition(message.messageId, commit(now, 'PRODUCER'))).toEqual({ applied: true });
      await expect.poll(() => adapters.store.slotHasMessages(slotOf(moved)), EVENTUALLY).toBe(false);
      expect(await wakingIds(moved, later)).toEqual([]);
    });

    it('keeps the tick state it is given, replacing the previous one', async () => {
      expect(await adapters.store.tickState()).toEqual({});
      await adapters.store.saveTickState({ cursor: 42, lastTickAt: 1_000, bucketSeconds: 60, timerShards: 8 });
      expect(await adapters.store.tickState()).toEqual({
        cursor: 42,
        lastTickAt: 1_000,
        bucketSeconds: 60,
        timerShards: 8,
      });
      await adapters.store.saveTickState({ cursor: 43 });
      expect(await adapters.store.tickState()).toEqual({ cursor: 43 });
    });

    it('lists the pull checks of a producer group with each message as it is now, until they are removed', async () => {
      const now = adapters.now();
      const first = waiting('PREPARED', now + 6_000);
      const second = waiting('PREPARED', now + 6_000);
      const elsewhere = waiting('PREPARED', now + 6_000, { producerGroup: 'other' });
      await adapters.store.insert([first, second, elsewhere]);
      for (const message of [first, second, first]) await adapters.store.addPullCheck('checkout', message.messageId);
      await adapters.store.addPullCheck('other', elsewhere.messageId);
      await adapters.store.transition(second.messageId, commit(now, 'PRODUCER'));

      const ids = (messages: Message[]) => messages.map((message) => message.messageId).sort();
      const listed = await adapters.store.pullChecks('checkout');
      expect(ids(listed)).toEqual([first.messageId, second.messageId].sort() as MessageId[]);
      expect(listed.find((message) => message.messageId === second.messageId)?.state).toBe('READY');

      await adapters.store.removePullChecks('checkout', [second.messageId]);
      expect(ids(await adapters.store.pullChecks('checkout'))).toEqual([first.messageId]);
      expect(ids(await adapters.store.pullChecks('other'))).toEqual([elsewhere.messageId]);
      expect(await adapters.store.pullChecks('nobody')).toEqual([]);
    });
    const idsOf = (page: MessagePage) => page.messages.map((message) => message.messageId);

    it('finds a message by each of its keys, newest first, on every topic type, and only on its topic', async () => {
      const now = adapters.now();
      const older = aMessage(now, { keys: ['order-42'] });
      const fifo = aMessage(now + 1, { topicType: 'FIFO', messageGroup: 'g1', keys: ['customer-7', 'order-42'] });
      const scheduled = waiting('SCHEDULED', now + 600_000, { keys: ['order-42'] });
      const prepared = waiting('PREPARED', now + 6_000, { keys: ['x', 'y', 'order-42'] });
      const elsewhere = aMessage(now, { topic: 'refunds', keys: ['order-42'] });
      await adapters.store.insert([older, fifo, scheduled, prepared, elsewhere]);
      const expected = [older, fifo, scheduled, prepared]
        .map((message) => message.messageId)
        .sort()
        .reverse();
      await expect
        .poll(async () => idsOf(await adapters.store.messagesByKey('orders', 'order-42', { limit: 10 })), EVENTUALLY)
        .toEqual(expected);
      const found = await adapters.store.messagesByKey('orders', 'order-42', { limit: 10 });
      expect(found.messages.find((message) => message.messageId === prepared.messageId)?.state).toBe('PREPARED');
      expect(idsOf(await adapters.store.messagesByKey('orders', 'customer-7', { limit: 10 }))).toEqual([
        fifo.messageId,
      ]);
      expect(idsOf(await adapters.store.messagesByKey('orders', 'nobody', { limit: 10 }))).toEqual([]);
      const firstPage = await adapters.store.messagesByKey('orders', 'order-42', { limit: 3 });
      const secondPage = await adapters.store.messagesByKey('orders', 'order-42', { limit: 3, after: firstPage.next! });
      expect([...idsOf(firstPage), ...idsOf(secondPage)]).toEqual(expected);
    });

    it('pages through a time range in publish order, each message of the topic in it exactly once', async () => {
      const start = adapters.now() - 60_000;
      // Published at a given time: the id carries it (the monotonic id factory would not go back in time).
      const bornAt = (at: number, overrides: Partial<Message> = {}) =>
        aMessage(at, { messageId: ulid(at) as MessageId, ...overrides });
      const inRange = Array.from({ length: 23 }, (_, i) =>
        bornAt(start + i * 1000, i % 3 === 0 ? { topicType: 'FIFO', messageGroup: `g${i % 2}` } : {}),
      );
      const before = bornAt(start - 5_000);
      const after = bornAt(start + 40_000);
      await adapters.store.insert([...inRange, before, after, bornAt(start + 1000, { topic: 'refunds' })]);
      const range = { from: start, to: start + 22_000 };
      const readAll = async () => {
        const seen: string[] = [];
        let page: MessagePage = await adapters.store.messagesByTime('orders', range, { limit: 5 });
        seen.push(...idsOf(page));
        while (page.next !== undefined) {
          page = await adapters.store.messagesByTime('orders', range, { limit: 5, after: page.next });
          seen.push(...idsOf(page));
        }
        return seen;
      };
      await expect.poll(readAll, EVENTUALLY).toEqual(inRange.map((message) => message.messageId).sort());
    });

    describe('what the sweep finds undispatched', () => {
      const found = async (before: number, topics = ['orders', 'refunds']) =>
        (await adapters.store.undispatched(before, 50, topics)).map((entry) => entry.messageId);
      const published = (at: number, overrides: Partial<Message> = {}) =>
        aMessage(at, { messageId: ulid(at) as MessageId, ...overrides });
      const asDispatched = (message: Message, outboxed = false) => ({
        messageId: message.messageId,
        topic: message.topic,
        ...(message.messageGroup === undefined ? {} : { messageGroup: message.messageGroup }),
        outboxed,
      });

      it('a message published READY, once its time is behind the horizon, until it is marked dispatched', async () => {
        const now = adapters.now();
        const plain = published(now - 20_000);
        const fifo = published(now - 19_000, { topic: 'refunds', topicType: 'FIFO', messageGroup: 'order-42' });
        const later = published(now - 5_000);
        await adapters.store.insert([plain]);
        await adapters.store.insert([fifo, later]);
        await expect.poll(() => found(now - 10_000), EVENTUALLY).toEqual([plain.messageId, fifo.messageId]);
        const [, fifoEntry] = await adapters.store.undispatched(now - 10_000, 50, ['orders', 'refunds']);
        // The entry names the message fully: the sweep reads it back by it (a FIFO message's partition names its group).
        expect(fifoEntry).toMatchObject({ topic: 'refunds', messageGroup: 'order-42', outboxed: false });
        expect(await adapters.store.getMany([fifoEntry!])).toEqual([fifo]);
        await adapters.store.markDispatched([asDispatched(plain)]);
        expect(await found(now - 10_000)).toEqual([fifo.messageId]);
        await adapters.store.markDispatched([asDispatched(fifo)]);
        expect(await found(now - 10_000)).toEqual([]);
        // The walk moved on past what was recorded, and still finds what was published after it.
        expect(await found(now)).toEqual([later.messageId]);
        expect(await found(now, ['refunds'])).toEqual([]);
      });

      it('a message the stream missed holds back only itself: later ones, and other topics, are still found', async () => {
        const now = adapters.now();
        const missed = published(now - 30_000);
        const dispatched = Array.from({ length: 5 }, (_, i) => published(now - 29_000 + i * 1000));
        const other = published(now - 20_000, { topic: 'refunds' });
        const after = published(now - 2_000);
        await adapters.store.insert([missed, ...dispatched, other]);
        await adapters.store.markDispatched(dispatched.map((message) => asDispatched(message)));
        await expect.poll(() => found(now - 10_000), EVENTUALLY).toEqual([missed.messageId, other.messageId]);
        await adapters.store.markDispatched([asDispatched(other)]);
        expect(await found(now - 10_000)).toEqual([missed.messageId]);
        await adapters.store.insert([after]);
        expect(await found(now)).toEqual([missed.messageId, after.messageId]);
        await adapters.store.markDispatched([asDispatched(missed), asDispatched(after)]);
        expect(await found(now)).toEqual([]);
      });

      it('a message not READY is not found; made READY by a step, it is (from the outbox) until marked', async () => {
        const now = adapters.now();
        const prepared = waiting('PREPARED', now + 60_000, {
          messageId: ulid(now - 20_000) as MessageId,
          bornAt: now - 20_000,
        });
        await adapters.store.insert([prepared]);
        expect(await found(now - 10_000, ['orders'])).toEqual([]);
        expect(await adapters.store.transition(prepared.messageId, commit(now - 8_000, 'PRODUCER'))).toEqual({
          applied: true,
        });
        const [entry] = await adapters.store.undispatched(now, 50, ['orders']);
        expect(entry).toMatchObject({ messageId: prepared.messageId, outboxed: true });
        await adapters.store.markDispatched([{ ...entry!, outboxed: true }]);
        expect(await found(now, ['orders'])).toEqual([]);
      });

      it('finds nothing of a topic it is not asked about', async () => {
        const now = adapters.now();
        await adapters.store.insert([published(now - 20_000, { topic: 'refunds' })]);
        expect(await found(now, ['orders'])).toEqual([]);
      });
    });

    it('lists a topic scheduled messages by delivery time, with a reschedule, until they are handed on or cancelled', async () => {
      const now = adapters.now();
      const late = waiting('SCHEDULED', now + 900_000);
      const soon = waiting('SCHEDULED', now + 300_000);
      const cancelled = waiting('SCHEDULED', now + 400_000);
      await adapters.store.insert([
        late,
        soon,
        cancelled,
        aMessage(now, { topicType: 'DELAY', deliverAt: now + 5_000 }),
      ]);
      const listed = async () => idsOf(await adapters.store.scheduledMessages('orders', { limit: 10 }));
      await expect.poll(listed, EVENTUALLY).toEqual([soon, cancelled, late].map((message) => message.messageId));

      const earlier = now + 100_000;
      const moved = reschedule(now, late.deliverAt!, {
        deliverAt: earlier + 180_000,
        wakeAt: earlier,
        expiresAt: late.expiresAt,
      });
      expect(await adapters.store.transition({ messageId: late.messageId, topic: 'orders' }, moved)).toEqual({
        applied: true,
      });
      expect(
        await adapters.store.transition(cancelled.messageId, {
          from: 'SCHEDULED',
          to: 'CANCELLED',
          event: { type: 'CANCELLED', at: now },
        }),
      ).toEqual({ applied: true });
      await expect.poll(listed, EVENTUALLY).toEqual([late.messageId, soon.messageId]);
      const stored = (await adapters.store.get(late.messageId))?.message;
      expect(stored).toMatchObject({ state: 'SCHEDULED', deliverAt: earlier + 180_000, wakeAt: earlier });
      await expect.poll(() => wakingIds({ ...late, wakeAt: earlier }, earlier), EVENTUALLY).toContain(late.messageId);

      expect(await adapters.store.transition(soon.messageId, due(now))).toEqual({ applied: true });
      await expect.poll(listed, EVENTUALLY).toEqual([late.messageId]);
    });

    it('lists a producer group undecided transactions, oldest first, until each is decided', async () => {
      const now = adapters.now();
      const first = waiting('PREPARED', now + 6_000);
      const second = waiting('PREPARED', now + 6_000);
      await adapters.store.insert([first, second, waiting('PREPARED', now + 6_000, { producerGroup: 'other' })]);
      const listed = async () => idsOf(await adapters.store.undecidedTransactions('checkout', { limit: 10 }));
      await expect.poll(listed, EVENTUALLY).toEqual([first.messageId, second.messageId]);
      await adapters.store.transition(first.messageId, checkedAgainLater(now, 'UNKNOWN', 1, now + 60_000));
      expect(await listed()).toEqual([first.messageId, second.messageId]);
      await adapters.store.transition(first.messageId, commit(now, 'PRODUCER'));
      await expect.poll(listed, EVENTUALLY).toEqual([second.messageId]);
    });

    it('keeps a replay job and saves its progress only from the version last read', async () => {
      const now = adapters.now();
      const job: ReplayJob = {
        replayId: aMessage(now).messageId,
        group: 'billing',
        topic: 'orders',
        from: now - 60_000,
        to: now,
        state: 'RUNNING',
        sent: 0,
        skipped: 0,
        createdAt: now,
        updatedAt: now,
        version: 0,
        expiresAt: Math.ceil(now / 1000) + 3600,
      };
      await adapters.store.createReplay(job);
      expect(await adapters.store.getReplay(job.replayId)).toEqual(job);
      expect((await adapters.store.runningReplays()).map((found) => found.replayId)).toEqual([job.replayId]);
      const progressed = { ...job, after: job.replayId, sent: 5, version: 1 };
      expect(await adapters.store.saveReplay(progressed, 0)).toBe(true);
      expect(await adapters.store.saveReplay({ ...job, sent: 9, version: 1 }, 0)).toBe(false);
      const done = { ...progressed, state: 'DONE' as const, finishedAt: now, version: 2 };
      expect(await adapters.store.saveReplay(done, 1)).toBe(true);
      expect(await adapters.store.getReplay(job.replayId)).toEqual(done);
      expect(await adapters.store.runningReplays()).toEqual([]);
    });
  });
}
