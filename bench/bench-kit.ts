import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One printed figure: a rate or time of Tower against a raw baseline from the same run. */
export interface Figure {
  bench: string;
  name: string;
  value: number;
  unit: string;
  baselineName: string;
  baseline: number;
  /** value / baseline, or baseline / value for times, so that higher is always better. */
  ratio: number;
  target: string;
  met: boolean;
}

export interface Bench {
  name: string;
  run(): Promise<Figure[]>;
}

export function tempDir(prefix: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Runs fn count times and returns the rate per second. */
export async function ratePerSecond(count: number, fn: (i: number) => unknown): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i++) await fn(i);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return count / seconds;
}

export function seconds<T>(fn: () => T): { result: T; seconds: number } {
  const start = process.hrtime.bigint();
  const result = fn();
  return { result, seconds: Number(process.hrtime.bigint() - start) / 1e9 };
}

export function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** Runs `count` calls from `clients` callers at once, each waiting for its previous call. */
export async function concurrentRate(
  count: number,
  clients: number,
  fn: (i: number) => Promise<unknown>,
): Promise<number> {
  let next = 0;
  const start = process.hrtime.bigint();
  const client = async () => {
    while (next < count) await fn(next++);
  };
  await Promise.all([...Array(clients)].map(client));
  return count / (Number(process.hrtime.bigint() - start) / 1e9);
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
