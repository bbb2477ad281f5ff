// The chaos run, short: a few hundred messages while 5% of AWS calls fail and the stack is SIGKILLed once; nothing acknowledged is lost.
import { describe, expect, it } from 'vitest';
import { runChaos } from '../../chaos/run-chaos.ts';

describe('chaos: npm run chaos, short', () => {
  it('through injected AWS faults and a SIGKILL of ferry local, every acknowledged message reaches every matching group, no rolled-back or cancelled one does, each transaction has one outcome and FIFO groups keep their order', async () => {
    const report = await runChaos({
      messages: 300,
      kills: 1,
      faultRate: 0.05,
      seed: 7,
      fifoGroups: 10,
      producers: 8,
      // Generous: the stack starts twice (Java included) on a machine shared with other test runs.
      drainTimeoutMs: 120_000,
      ...(process.env.FERRY_TEST_DEBUG ? { log: (line: string) => console.log(line) } : {}),
    });
    const { figures } = report;
    expect(report.lostSamples).toEqual([]);
    expect({
      lost: figures.lost,
      forbiddenDelivered: figures.forbiddenDelivered,
      twoOutcomes: figures.twoOutcomes,
      undecided: figures.undecided,
      inversions: figures.inversions,
      misrouted: figures.misrouted,
    }).toEqual({ lost: 0, forbiddenDelivered: 0, twoOutcomes: 0, undecided: 0, inversions: 0, misrouted: 0 });
    expect(figures.acknowledged).toBeGreaterThanOrEqual(300);
    expect(figures.delivered).toBe(figures.expectedDeliveries);
    // The run proves something only if the faults and the kill happened.
    expect(report.kills).toBe(1);
    expect(Object.values(report.faultsInjected).reduce((sum, n) => sum + n, 0)).toBeGreaterThan(0);
    expect(report.checkCalls).toBeGreaterThan(0);
  }, 600_000);
});
