/**
 * Writing report outputs atomically: each file goes to `<path>.partial` and is renamed into
 * place, so an interrupted report never leaves a half-written page or picture.
 */
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDir, OutputError, PARTIAL_SUFFIX } from '../io/atomic.ts';
import type { ChartImage } from './render.ts';

/** Writes bytes or text to a file atomically; failures become OutputError naming the path. */
export function writeOutput(path: string, data: string | Uint8Array): void {
  const partial = path + PARTIAL_SUFFIX;
  try {
    writeFileSync(partial, data);
    renameSync(partial, path);
  } catch (err) {
    rmSync(partial, { force: true });
    const e = err as NodeJS.ErrnoException;
    throw new OutputError(`cannot write ${path}: ${e.code === 'ENOSPC' ? 'the disk is full' : e.code === 'EACCES' ? 'permission denied' : e.message}`);
  }
}

/** Writes each chart as `<dir>/<id>.png`. */
export function writePngs(dir: string, charts: readonly ChartImage[]): void {
  ensureDir(dir);
  for (const c of charts) writeOutput(join(dir, `${c.id}.png`), c.png);
}
