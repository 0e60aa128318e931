import { cpSync, existsSync, rmSync } from 'node:fs';
import { realpathSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { readFolderText, refuseLinks } from '../io/outputFolder.ts';
import { safeText } from '../io/text.ts';
import { writeFileAtomic } from '../io/atomic.ts';
import { InputError } from '../scenario/load.ts';
import { finishedRuns, readPlan, recordPath, runCount, runId, SWEEP_FILES } from './store.ts';
import { finalizeSweep, openSweepDir } from './sweep.ts';

/** Raised when the shards do not hold every run yet: names the missing runs. */
export class IncompleteMerge extends Error {}

/** The real path of a folder: links resolved in its nearest existing ancestor too, for a folder not made yet. */
function realFolder(dir: string): string {
  const abs = resolve(dir);
  try {
    return realpathSync(abs);
  } catch {
    const parent = dirname(abs);
    return parent === abs ? abs : join(realFolder(parent), basename(abs));
  }
}

/** What a merge did. */
export interface MergeResult {
  runs: number;
  /** Records copied into the output folder (0 when merging a shared folder in place). */
  copied: number;
}

function planText(dir: string): string {
  const path = join(dir, SWEEP_FILES.plan);
  if (!existsSync(path)) throw new InputError(dir, null, null, `not a sweep folder (no ${SWEEP_FILES.plan})`);
  return readFolderText(path);
}

/**
 * Combines shard folders of one sweep into `out`, which then holds exactly the files a
 * single-machine sweep writes (records, run folders, runs.csv, aggregates), byte for byte: the
 * shards must hold the same sweep.json, together every run, and any run found twice must have
 * identical records. `out` may be one of the shards (or the one folder all shards shared).
 */
export function mergeSweeps(dirs: readonly string[], out: string): MergeResult {
  if (dirs.length === 0) throw new InputError('urd merge', null, null, 'expected at least one shard folder');
  const text = planText(dirs[0]);
  dirs.forEach((d, i) => {
    if (i > 0 && planText(d) !== text) {
      throw new InputError(join(d, SWEEP_FILES.plan), null, null, `belongs to a different sweep than ${dirs[0]} (sweep.json differs); merge only shards of one experiment`);
    }
  });
  const plan = readPlan(dirs[0]);
  // A link in a shard would be copied as a link into the merged folder: refused like in any output.
  for (const d of dirs) refuseLinks(d, 2);
  // Real paths: a shard named through a link is the same folder, and must never be written over.
  const real = dirs.map(realFolder);
  const outAbs = realFolder(out);
  for (const [i, input] of real.entries()) {
    if (input !== outAbs && (outAbs.startsWith(input + sep) || input.startsWith(outAbs + sep))) {
      throw new InputError(safeText(out), null, null, `${outAbs.startsWith(input + sep) ? 'lies inside' : 'contains'} the shard folder ${safeText(dirs[i])}; expected --out to be a new folder or one of the shards itself`);
    }
  }
  const isOut = (i: number) => real[i] === outAbs;
  if (!dirs.some((_, i) => isOut(i))) openSweepDir(out, plan);
  else if (planText(out) !== text) throw new InputError(out, null, null, 'holds a different sweep');
  const found = dirs.map((d) => finishedRuns(d, plan));
  const missing: number[] = [];
  let copied = 0;
  for (let run = 0; run < runCount(plan); run++) {
    const holders = dirs.filter((_, i) => found[i][run]);
    const inOut = dirs.some((_, i) => isOut(i) && found[i][run]);
    if (holders.length === 0) {
      missing.push(run);
      continue;
    }
    const bytes = readFolderText(recordPath(holders[0], plan, run));
    for (const other of holders.slice(1)) {
      if (readFolderText(recordPath(other, plan, run)) !== bytes) {
        throw new InputError(recordPath(other, plan, run), null, null, `differs from ${recordPath(holders[0], plan, run)}: the same run gave two results (different urd versions?)`);
      }
    }
    if (inOut) continue;
    if (plan.perRunMetrics) {
      const target = join(out, SWEEP_FILES.records, runId(plan, run));
      rmSync(target, { recursive: true, force: true });
      cpSync(join(holders[0], SWEEP_FILES.records, runId(plan, run)), target, { recursive: true });
    }
    writeFileAtomic(recordPath(out, plan, run), bytes);
    copied++;
  }
  if (missing.length > 0) {
    const shown = missing.slice(0, 10).map((r) => runId(plan, r)).join(', ');
    throw new IncompleteMerge(
      `${missing.length} of ${runCount(plan)} runs are in none of the folders (${shown}${missing.length > 10 ? ', …' : ''}); ` +
        `run r belongs to shard r mod N: finish those shards (urd sweep --resume DIR --shard I/N) and merge again`,
    );
  }
  finalizeSweep(out, plan);
  return { runs: runCount(plan), copied };
}
