import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutputError } from '../../src/io/atomic.ts';
import { runScenario } from '../../src/run/runScenario.ts';
import { loadScenario } from '../../src/scenario/load.ts';
import { folderDiff, noStack, skipUnavailable, tempDir, urd } from './helpers.ts';

/**
 * Output faults: a folder that cannot be created or written, and a disk that fills up mid-run
 * (a real ENOSPC on a tiny tmpfs: skipped locally when this machine cannot mount one, an error
 * under CI=true). Each must give one
 * clear line and exit 1, and leave nothing that looks complete; a run whose disk filled up is
 * kept resumable and, once there is room, resumes to the bytes of an uninterrupted run.
 */
const scratch = tempDir('urd-faults-');
const SCENARIO = join(scratch, 'faults.yaml');
const REFERENCE = join(scratch, 'reference');

beforeAll(() => {
  // About 110 KB of metrics and 30 KB checkpoints: more than the small disk below holds.
  writeFileSync(SCENARIO, 'name: faults\nseed: 9\nticks: 30\nworld: { residents: 1000 }\n');
  const r = urd(['run', SCENARIO, '--out', REFERENCE, '--quiet']);
  expect(r.code, r.stderr).toBe(0);
}, 60_000);
/** Files under their final names (not .partial, not a temporary), other than an incomplete manifest. */
function finishedLooking(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const f of readdirSync(dir)) {
    if (f.endsWith('.partial') || f.endsWith('.tmp') || f === 'checkpoint.bin') continue;
    if (f === 'manifest.json' && JSON.parse(readFileSync(join(dir, f), 'utf8')).complete === false) continue;
    out.push(f);
  }
  return out;
}

describe('an output folder that cannot be written', () => {
  it('under a file: exit 1, one clear line, nothing written', () => {
    const file = join(scratch, 'plain-file');
    writeFileSync(file, 'x');
    const r = urd(['run', SCENARIO, '--out', join(file, 'run'), '--quiet']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^urd: cannot write .*plain-file\/run: a file stands where a folder is needed\n$/);
    expect(noStack(r.stderr)).toBe(true);
  });

  it('under /proc (refused even to root): exit 1, one clear line', () => {
    const r = urd(['run', SCENARIO, '--out', '/proc/urd-cannot-write-here', '--quiet']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^urd: cannot write \/proc\/urd-cannot-write-here: /);
    expect(noStack(r.stderr)).toBe(true);
  });

  it('a run folder whose manifest cannot be written is removed again, not left half-made', () => {
    const dir = join(scratch, 'manifest-blocked');
    mkdirSync(join(dir, 'manifest.json.partial'), { recursive: true });
    const r = urd(['run', SCENARIO, '--out', dir, '--quiet']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot write .*manifest\.json/);
    expect(noStack(r.stderr)).toBe(true);
    expect(readdirSync(dir)).toEqual(['manifest.json.partial']);
  });
});

/** Mounts a tmpfs of `size` at `dir`; returns null, or why it cannot (not allowed here). */
function mountTmpfs(dir: string, size: string): string | null {
  mkdirSync(dir, { recursive: true });
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { encoding: 'utf8' });
  return r.status === 0 ? null : (r.stderr || r.error?.message || 'mount failed').trim();
}

const DISK_SIZE = '160k';
const disk = join(scratch, 'disk');
/** Whether this machine lets us mount a tmpfs: tried once (and undone) while collecting tests. */
const why = process.getuid?.() === 0 ? mountTmpfs(disk, DISK_SIZE) : 'not root';
if (why === null) spawnSync('umount', [disk]);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const noDisk = skipUnavailable('the full-disk test', why === null ? null : `cannot mount a tmpfs here (${why})`);

describe.skipIf(noDisk)(`a full disk (${DISK_SIZE} tmpfs)${why ? ` — skipped: cannot mount a tmpfs here (${why})` : ''}`, () => {
  beforeAll(() => expect(mountTmpfs(disk, DISK_SIZE)).toBeNull());
  afterAll(() => void spawnSync('umount', [disk]));

  it('urd run: exit 1 with "the disk is full", nothing that looks complete, and --resume finishes it identically once there is room', () => {
    const dir = join(disk, 'run');
    const r = urd(['run', SCENARIO, '--out', dir, '--quiet', '--checkpoint-every', '2']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^urd: cannot write .*: the disk is full; .* is kept, marked incomplete: make room, then continue it with urd run --resume /);
    expect(noStack(r.stderr)).toBe(true);
    console.info(`full disk: ${r.stderr.trim()}\n  left: ${readdirSync(dir).join(', ')}`);
    expect(finishedLooking(dir)).toEqual([]);
    expect(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')).complete).toBe(false);
    expect(readdirSync(disk)).toEqual(['run']);

    expect(spawnSync('mount', ['-o', 'remount,size=16m', disk]).status).toBe(0);
    const resumed = urd(['run', '--resume', dir, '--quiet']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(folderDiff(REFERENCE, dir)).toEqual([]);
    rmSync(dir, { recursive: true, force: true });
    expect(spawnSync('mount', ['-o', `remount,size=${DISK_SIZE}`, disk]).status).toBe(0);
  });

  it('urd sweep: exit 1 saying the disk is full and how to resume, never "internal error"', () => {
    const experiment = join(scratch, 'full-sweep.yaml');
    writeFileSync(experiment, `base: faults.yaml\nreplications: 3\nperRunMetrics: true\nmetrics: [dpd_final]\n`);
    const dir = join(disk, 'sweep');
    const r = urd(['sweep', experiment, '--out', dir, '--workers', '1', '--quiet']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^urd: cannot write .*sweep: the disk is full; every finished run is kept: make room, then continue it with urd sweep --resume .*sweep\n$/);
    expect(r.stderr).not.toMatch(/internal error|rerun it alone/);
    rmSync(dir, { recursive: true, force: true });
  });

  it('the library runScenario (no checkpoints): throws OutputError and removes its partial files', () => {
    const dir = join(disk, 'library');
    const scenario = loadScenario(SCENARIO);
    expect(() => runScenario(scenario, { dir })).toThrow(OutputError);
    expect(() => runScenario(scenario, { dir })).toThrow(/the disk is full/);
    expect(readdirSync(dir)).toEqual([]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('a disk too full even for the manifest: exit 1, nothing left behind', () => {
    // Fill the disk almost completely first.
    const filler = join(disk, 'filler');
    try {
      writeFileSync(filler, Buffer.alloc(1 << 20));
    } catch {
      // ENOSPC once the disk is full: that is the point.
    }
    const dir = join(disk, 'tiny');
    const r = urd(['run', SCENARIO, '--out', dir, '--quiet']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/the disk is full/);
    expect(r.stderr).not.toMatch(/--resume/);
    expect(noStack(r.stderr)).toBe(true);
    // Not even an empty folder: the run made it, and takes it away again.
    expect(existsSync(dir)).toBe(false);
    rmSync(filler, { force: true });
    rmSync(dir, { recursive: true, force: true });
  });
});
