// The tick on the memory adapters: hands scheduled messages on at their lead, catches up missed ticks, keeps its cursor
// on a bucket a failed shard still holds, and rolls back a transaction nobody decides.
import { describe, expect, it } from 'vitest';
import type { MessageId } from '../../../lambda/core/model.ts';
import type { CheckClient, ShardWaker } from '../../../lambda/core/ports.ts';
import { Tick } from '../../../lambda/core/tick.ts';
import { TICK_SAFETY_MARGIN_MS, TimerWheel } from '../../../lambda/core/timers.ts';
import { memoryFerry } from './memory-ferry.ts';

const MINUTE = 60_000;

async function delayTopic(checkClient?: CheckClient) {
  const ferry = memoryFerry({
    env: {
      FERRY_TIMER_LEAD_SECONDS: '180',
      FERRY_TIMER_BUCKET_SECONDS: '60',
      FERRY_TIMER_SHARDS: '2',
      FERRY_TXN_CHECK_FIRST_SECONDS: '6',
      FERRY_TXN_CHECK_INTERVAL_SECONDS: '60',
      FERRY_TXN_CHECK_MAX: '3',
    },
    ...(checkClient === undefined ? {} : { checkClient }),
  });
  await ferry.admin.putTopic('order-timeouts', { messageType: 'DELAY' });
  return ferry;
}

describe('tick', () => {
  it('hands a scheduled message on at its lead, not before, and a second run hands nothing on twice', async () => {
    const ferry = await delayTopic();
    const { messageId } = await ferry.publisher.publish('order-timeouts', {
      body: 'close order 42',
      delaySeconds: 3600,
    });
    ferry.ports.clock.advance(3600_000 - 180_000 - 1);
    expect((await ferry.tick.run()).handedOn).toBe(0);
    expect((await ferry.message(messageId)).state).toBe('SCHEDULED');
    ferry.ports.clock.advance(1);
    expect((await ferry.tick.run()).handedOn).toBe(1);
    expect(await ferry.message(messageId)).toMatchObject({ state: 'READY' });
    expect((await ferry.tick.run()).handedOn).toBe(0);
  });

  it('catches up missed ticks: one late tick hands on everything due meanwhile and moves its cursor to the safety margin', async () => {
    const ferry = await delayTopic();
    await ferry.tick.run();
    const due = [];
    for (const minutes of [20, 25, 30])
      due.push(
        (await ferry.publisher.publish('order-timeouts', { body: `${minutes}`, delaySeconds: minutes * 60 })).messageId,
      );
    ferry.ports.clock.advance(40 * MINUTE);
    const report = await ferry.tick.run();
    expect(report.handedOn).toBe(3);
    expect(report.bucketsRead).toBeGreaterThanOrEqual(40);
    const now = ferry.ports.clock.now();
    expect(report.cursor).toBe(ferry.ports.wheel.bucketOf(now - TICK_SAFETY_MARGIN_MS));
    expect(await ferry.ports.store.tickState()).toEqual({
      cursor: report.cursor,
      lastTickAt: now,
      bucketSeconds: 60,
      timerShards: 2,
    });
    for (const id of due) expect((await ferry.message(id)).state).toBe('READY');
  });

  it('a failed shard keeps the cursor on the bucket it still holds and the tick late; the next tick hands its messages on', async () => {
    const ferry = await delayTopic();
    await ferry.tick.run();
    const lastGoodTick = ferry.ports.clock.now();
    const ids = [];
    for (let i = 0; i < 10; i++)
      ids.push((await ferry.publisher.publish('order-timeouts', { body: `${i}`, delaySeconds: 1200 })).messageId);
    const wakeAt = (await ferry.message(ids[0]!)).wakeAt!;
    const shardOf = (id: string) => ferry.ports.wheel.slotOf(id, wakeAt).shard;
    const failing = shardOf(ids[0]!);
    let broken = true;
    const fanOut: ShardWaker = {
      wakeShard: async (work) =>
        broken && work.shard === failing ? Promise.reject(new Error('shard down')) : ferry.tick.wakeShard(work),
    };
    const tick = new Tick(
      ferry.ports.store,
      ferry.ports.wheel,
      (name) => ferry.ports.catalog.getProducerGroup(name),
      ferry.ports.checkClient,
      ferry.ports.config,
      ferry.ports.clock,
      fanOut,
    );

    ferry.ports.clock.advance(30 * MINUTE);
    await expect(tick.run()).rejects.toThrow(/1 of 2 shards/);
    const state = await ferry.ports.store.tickState();
    expect(state).toEqual({
      cursor: ferry.ports.wheel.bucketOf(wakeAt),
      lastTickAt: lastGoodTick,
      bucketSeconds: 60,
      timerShards: 2,
    });
    for (const id of ids) expect((await ferry.message(id)).state).toBe(shardOf(id) === failing ? 'SCHEDULED' : 'READY');

    broken = false;
    const report = await tick.run();
    expect(report.handedOn).toBe(ids.filter((id) => shardOf(id) === failing).length);
    expect(report.cursor).toBeGreaterThan(ferry.ports.wheel.bucketOf(wakeAt));
    for (const id of ids) expect((await ferry.message(id)).state).toBe('READY');
  });

  it('checks back an undecided transaction, commits it on COMMIT, and rolls back one still UNKNOWN after FERRY_TXN_CHECK_MAX checks', async () => {
    const answers = new Map<string, 'COMMIT' | 'UNKNOWN'>();
    const asked: unknown[] = [];
    const ferry = await delayTopic({
      check: async (_url, payload) => (
        asked.push(payload),
        { answer: answers.get(String(payload.messageId)) ?? 'UNKNOWN' }
      ),
    });
    await ferry.admin.putTopic('order-txns', { messageType: 'TRANSACTION' });
    await ferry.producers.put('checkout', { checkUrl: 'https://shop.example/check' });
    const committed = (await ferry.publisher.publish('order-txns', { body: 'order 1', producerGroup: 'checkout' }))
      .messageId;
    const abandoned = (await ferry.publisher.publish('order-txns', { body: 'order 2', producerGroup: 'checkout' }))
      .messageId;
    answers.set(committed, 'COMMIT');

    ferry.ports.clock.advance(6_000);
    expect(await ferry.tick.run()).toMatchObject({ checked: 2, decidedByCheck: 1 });
    expect((await ferry.message(committed)).state).toBe('READY');
    expect(asked).toContainEqual(
      expect.objectContaining({ messageId: committed, producerGroup: 'checkout', checkCount: 1 }),
    );
    for (let check = 2; check <= 3; check++) {
      ferry.ports.clock.advance(MINUTE);
      expect(await ferry.tick.run()).toMatchObject({ checked: 1, decidedByCheck: 0 });
    }
    ferry.ports.clock.advance(MINUTE);
    expect(await ferry.tick.run()).toMatchObject({ checked: 1, decidedByCheck: 1 });
    const rolledBack = await ferry.message(abandoned);
    expect(rolledBack.state).toBe('ROLLED_BACK');
    expect(rolledBack.transitions?.at(-1)?.detail).toEqual({
      by: 'CHECK',
      reason: expect.stringContaining('FERRY_TXN_CHECK_MAX'),
    });
  });

  it("records in each CHECKED event why a check-back got no valid answer, and no reason for the producer's own UNKNOWN", async () => {
    const reasons = ['HTTP 500', 'not JSON', 'no answer within 3 s'];
    const failing = new Set<string>();
    const ferry = await delayTopic({
      check: async (_url, payload) =>
        failing.has(String(payload.messageId))
          ? { answer: 'UNKNOWN', reason: reasons[Number(payload.checkCount) - 1]! }
          : { answer: 'UNKNOWN' },
    });
    await ferry.admin.putTopic('order-txns', { messageType: 'TRANSACTION' });
    await ferry.producers.put('checkout', { checkUrl: 'https://shop.example/check' });
    const broken = (await ferry.publisher.publish('order-txns', { body: 'order 1', producerGroup: 'checkout' }))
      .messageId;
    const undecided = (await ferry.publisher.publish('order-txns', { body: 'order 2', producerGroup: 'checkout' }))
      .messageId;
    failing.add(broken);
    ferry.ports.clock.advance(6_000);
    for (let check = 1; check <= 4; check++) {
      await ferry.tick.run();
      ferry.ports.clock.advance(MINUTE);
    }
    const checkedDetails = async (messageId: MessageId) =>
      (await ferry.message(messageId)).transitions
        ?.filter((event) => event.type === 'CHECKED')
        .map((event) => event.detail);
    expect(await checkedDetails(broken)).toEqual([
      { answer: 'UNKNOWN', checkCount: 1, reason: 'HTTP 500' },
      { answer: 'UNKNOWN', checkCount: 2, reason: 'not JSON' },
      { answer: 'UNKNOWN', checkCount: 3, reason: 'no answer within 3 s' },
    ]);
    expect(await checkedDetails(undecided)).toEqual([1, 2, 3].map((checkCount) => ({ answer: 'UNKNOWN', checkCount })));
    // The answer semantics are unchanged: both are rolled back once the checks run out.
    for (const id of [broken, undecided]) expect((await ferry.message(id)).state).toBe('ROLLED_BACK');
  });

  it('a producer group without a check URL pulls: its undecided transactions are listed until decided', async () => {
    const ferry = await delayTopic();
    await ferry.admin.putTopic('order-txns', { messageType: 'TRANSACTION' });
    await ferry.producers.put('checkout', {});
    const { messageId } = await ferry.publisher.publish('order-txns', { body: 'order 1', producerGroup: 'checkout' });
    ferry.ports.clock.advance(6_000);
    await ferry.tick.run();
    expect(await ferry.producers.pendingChecks('checkout')).toEqual([
      expect.objectContaining({ messageId, checkCount: 1 }),
    ]);
    await ferry.decisions.commit(messageId);
    expect(await ferry.producers.pendingChecks('checkout')).toEqual([]);
  });

  it('refuses to run with another bucket width or fewer shards than the waiting messages were indexed with, and says so', async () => {
    const ferry = await delayTopic();
    const { messageId } = await ferry.publisher.publish('order-timeouts', { body: 'later', delaySeconds: 3600 });
    await ferry.tick.run();
    const before = await ferry.ports.store.tickState();
    expect(before).toMatchObject({ bucketSeconds: 60, timerShards: 2 });
    const tickWith = (wheel: TimerWheel) =>
      new Tick(
        ferry.ports.store,
        wheel,
        (name) => ferry.ports.catalog.getProducerGroup(name),
        ferry.ports.checkClient,
        ferry.ports.config,
        ferry.ports.clock,
      );
    // Read as 10-second buckets, the cursor (a minute's number) would lie decades back, and the message never be found.
    await expect(tickWith(new TimerWheel(10, 2)).run()).rejects.toThrow(
      /FERRY_TIMER_BUCKET_SECONDS .* 60 and 2 .* now 10 and 2/,
    );
    await expect(tickWith(new TimerWheel(60, 1)).run()).rejects.toThrow(/now 60 and 1/);
    expect(await ferry.ports.store.tickState()).toEqual(before);
    // A state saved before the wheel was recorded: its cursor, read as 10-second buckets, lies too far back.
    await ferry.ports.store.saveTickState({ cursor: before.cursor! });
    await expect(tickWith(new TimerWheel(10, 2)).run()).rejects.toThrow(/were other values/);
    await ferry.ports.store.saveTickState(before);
    // Set back, the tick goes on and the message is handed on at its time.
    ferry.ports.clock.advance(60 * MINUTE);
    await tickWith(new TimerWheel(60, 2)).run();
    expect((await ferry.ports.store.get(messageId))?.message.state).toBe('READY');
  });
});
