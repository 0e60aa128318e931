/**
 * `npm run bench -- --write-docs`: puts this run's tables into docs/performance.md, between
 * markers `<!-- bench:NAME -->` and `<!-- /bench:NAME -->`, so the figures there are the bench's
 * output, not typed by hand. Text outside the markers is left alone; a missing marker is an
 * error (the page and the bench must agree on what is generated).
 */
import { readFileSync } from 'node:fs';
import type { BenchResults } from './report.ts';
import { fmt, kernelTable, modelTable, targetTable } from './report.ts';
import { describeUserMeasurements } from './userTargets.ts';

/** The generated blocks of docs/performance.md. */
export const DOC_BLOCKS = ['run', 'model', 'places', 'kernel', 'user', 'targets'] as const;

/** The generated blocks of docs/performance.md, by marker name. */
export function docBlocks(r: BenchResults): Record<(typeof DOC_BLOCKS)[number], string> {
  const m = r.machine;
  return {
    run: `Measured with \`npm run bench -- ${r.mode === 'full' ? '--full ' : ''}--write-docs\` on ${r.createdAt.slice(0, 10)} (${fmt(r.elapsedSeconds)} s). Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, node ${m.node}; load average ${fmt(r.loadAverage)} at the start${r.peers.available.length ? '' : '; the peers did not run'}. Times are CPU ms per tick, each tick at its fastest repetition.`,
    model: modelTable(r.model),
    places: modelTable(r.places),
    kernel: kernelTable(r.kernel),
    user: describeUserMeasurements({ ...r.user, model: r.model }).map((line) => `- ${line}`).join('\n'),
    targets: targetTable(r.targets),
  };
}

/** A page with generated blocks: its path (for errors) and its marker prefix (`<!-- PREFIX:NAME -->`). */
export interface DocPage {
  file: string;
  prefix: string;
}

const PERFORMANCE: DocPage = { file: 'docs/performance.md', prefix: 'bench' };

/**
 * `text` with every marked block replaced; throws naming the page and a block that has no markers.
 * The one writer of generated doc blocks: the bench's (docs/performance.md) and `npm run reliability`'s.
 */
export function fillBlocks(text: string, blocks: Record<string, string>, page: DocPage = PERFORMANCE): string {
  let out = text;
  for (const [name, body] of Object.entries(blocks)) {
    const open = `<!-- ${page.prefix}:${name} -->`;
    const close = `<!-- /${page.prefix}:${name} -->`;
    const start = out.indexOf(open);
    const end = out.indexOf(close);
    if (start < 0 || end < start) throw new Error(`${page.file} has no ${open} … ${close} block`);
    out = `${out.slice(0, start + open.length)}\n${body}\n${out.slice(end)}`;
  }
  return out;
}

/** Throws unless the page at `path` has every block's markers: checked before a run, not after it. */
export function checkPage(path: string): void {
  fillBlocks(readFileSync(path, 'utf8'), Object.fromEntries(DOC_BLOCKS.map((name) => [name, ''])));
}

/** The page with this run's blocks (the caller writes it). */
export function performancePage(path: string, r: BenchResults): string {
  return fillBlocks(readFileSync(path, 'utf8'), docBlocks(r));
}
