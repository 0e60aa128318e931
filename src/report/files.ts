/**
 * Writing report outputs atomically: each file goes to `<path>.partial` and is renamed into
 * place, so an interrupted report never leaves a half-written page or picture.
 */
import { join } from 'node:path';
import { ensureDir, writeFileAtomic } from '../io/atomic.ts';
import type { ChartImage } from './render.ts';

/** Writes bytes or text to a file atomically (never through a link planted at its partial name); failures become OutputError naming the path. */
export function writeOutput(path: string, data: string | Uint8Array): void {
  writeFileAtomic(path, data);
}

/** Writes each chart as `<dir>/<id>.png`. */
export function writePngs(dir: string, charts: readonly ChartImage[]): void {
  ensureDir(dir);
  for (const c of charts) writeOutput(join(dir, `${c.id}.png`), c.png);
}
