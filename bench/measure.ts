/**
 * Small measuring helpers shared by the benchmark's child processes: memory (current and peak
 * resident set size), garbage collection when node runs with --expose-gc, and the machine's
 * description for results.json.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';

/**
 * Peak resident set size of this process in bytes: VmHWM from /proc/self/status (Linux), else
 * `process.resourceUsage().maxRSS`. Each benchmark size runs in a fresh child so this peak is its own.
 */
export function peakRss(): number {
  try {
    const m = /VmHWM:\s+(\d+)\s+kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) * 1024;
  } catch {
    // not Linux: fall through
  }
  return process.resourceUsage().maxRSS * 1024;
}

/** Current resident set size in bytes. */
export function currentRss(): number {
  return process.memoryUsage.rss();
}

/** Runs a full garbage collection when node was started with --expose-gc (the benchmark's children are); otherwise does nothing. */
export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    gc();
    gc();
  }
}

/**
 * CPU time this process has used, in milliseconds (user + system, all threads). The benchmark
 * times with it rather than wall time: on a shared machine wall time depends on what else runs,
 * while the CPU time of single-threaded JavaScript does not (it also counts V8's background
 * compiler and GC threads, which the model and the peers both use). On an idle machine the two agree.
 */
export function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Sum of an array of numbers. */
export function sum(values: readonly number[]): number {
  let s = 0;
  for (const v of values) s += v;
  return s;
}

/** Element-wise minimum of two equally long arrays (the first may be null: then a copy of the second). */
export function minEach(best: number[] | null, next: readonly number[]): number[] {
  if (!best) return [...next];
  return best.map((v, i) => Math.min(v, next[i]));
}

/** The machine a result was measured on, for results.json. */
export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  v8: string;
  platform: string;
}

/** Describes this machine: CPU model, core count, memory, node and V8 versions. */
export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    v8: process.versions.v8,
    platform: `${process.platform}-${process.arch}`,
  };
}
