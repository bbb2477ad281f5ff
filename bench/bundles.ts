// Benchmark: each Lambda handler's bundle size (minified, as the construct bundles it) and its module import time.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HANDLER_FILES } from '../lib/parts/bundling.ts';
import { bundleHandler } from '../scripts/handler-bundles.ts';
import { percentile, round } from './stats.ts';

const IMPORTS = 7;

export interface BundleFigures {
  handler: string;
  kilobytes: number;
  importMsMedian: number;
  importMsMax: number;
  /** The import's CPU time (user + system): on a shared machine, wall time also counts the waits for a core. */
  importCpuMsMedian: number;
}

/** What the construct gives every function (lib/ferry.ts): Node reads the bundle's source map when it loads it. */
const LAMBDA_NODE_OPTIONS = ['--enable-source-maps'];

/** A fresh Node process imports the bundle, as a cold start does, and says how long the import took, and its CPU time. */
function timedImport(file: string): { ms: number; cpuMs: number } {
  const script = `const cpu = process.cpuUsage(); const t = performance.now(); await import(${JSON.stringify(file)});
const ms = performance.now() - t; const { user, system } = process.cpuUsage(cpu);
console.log(JSON.stringify({ ms, cpuMs: (user + system) / 1000 }));`;
  const out = execFileSync(process.execPath, [...LAMBDA_NODE_OPTIONS, '--input-type=module', '-e', script], {
    env: {
      PATH: process.env.PATH,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'bench',
      AWS_SECRET_ACCESS_KEY: 'bench',
      FERRY_TABLE_NAME: 'ferry',
      FERRY_TICK_SHARD_FUNCTION: 'tick-shard',
    },
    encoding: 'utf8',
  });
  return JSON.parse(out.trim()) as { ms: number; cpuMs: number };
}

export async function runBundleBenchmark(): Promise<BundleFigures[]> {
  const outdir = mkdtempSync(join(tmpdir(), 'ferry-bundles-'));
  try {
    const figures: BundleFigures[] = [];
    for (const handler of HANDLER_FILES) {
      const file = join(outdir, handler, 'index.mjs');
      await bundleHandler(handler, file);
      writeFileSync(join(outdir, handler, 'package.json'), '{"type":"module"}');
      const imports = Array.from({ length: IMPORTS }, () => timedImport(file));
      const times = imports.map(({ ms }) => ms);
      const cpuTimes = imports.map(({ cpuMs }) => cpuMs);
      figures.push({
        handler,
        kilobytes: round(statSync(file).size / 1024, 1),
        importMsMedian: round(percentile(times, 50)),
        importMsMax: round(Math.max(...times)),
        importCpuMsMedian: round(percentile(cpuTimes, 50)),
      });
    }
    return figures;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
