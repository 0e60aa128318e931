import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMPARED, envCount, folderDiff, noStack, tempDir, urd, urdChild } from './helpers.ts';
import { reportTally } from './tally.ts';

/**
 * Kills `urd run` with SIGKILL at random moments (before it starts writing, between
 * checkpoints, while checkpointing, while finishing), resumes it with --resume until it
 * completes, and compares every byte with an uninterrupted run. Then stops runs with SIGINT and
 * SIGTERM and checks the clean stop: exit code 130, folder marked incomplete, resumable.
 */
const scratch = tempDir('urd-kill-');
const SCENARIO = join(scratch, 'kill.yaml');
const REFERENCE = join(scratch, 'reference');
/** Seeded so a failure can be replayed: URD_KILL_SEED=n. */
const SEED = Number(process.env.URD_KILL_SEED ?? 20240611);
const KILLS = envCount('URD_KILLS', 10);

/** Milliseconds from spawn until the run starts ticking (its manifest appears), and of the ticking itself, measured on the reference run. */
let startup = 700;
let ticking = 1000;

beforeAll(async () => {
  // ~1 s of ticking: small enough for a fast test, long enough for kills to land mid-run.
  writeFileSync(
    SCENARIO,
    `name: kill
seed: 3
ticks: 100
world: { residents: 25000 }
fiscal: { mode: fixed, value: 300 }
interventions:
  - { lever: policy, instrument: broadband, allocation: periphery-first, start: 3, budget: 100 }
  - { lever: talent, instrument: registration, start: 10, end: 30, intensity: 0.5 }
`,
  );
  const t0 = performance.now();
  const child = urdChild(['run', SCENARIO, '--out', REFERENCE, '--quiet']);
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let done = false;
  void exit.then(() => (done = true));
  while (!done && !manifest(REFERENCE)) await sleep(5);
  startup = performance.now() - t0;
  expect(await exit).toBe(0);
  ticking = Math.max(200, performance.now() - t0 - startup);
}, 60_000);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A small deterministic generator (mulberry32) for the kill delays. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function manifest(dir: string): { complete: boolean } | null {
  try {
    return JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  } catch {
    return null;
  }
}

/** The last tick written to the folder's metrics so far (null: none yet). */
function lastTick(dir: string): number | null {
  for (const name of ['metrics.csv.partial', 'metrics.csv']) {
    const path = join(dir, name);
    if (!existsSync(path)) continue;
    const text = readFileSync(path, 'utf8').trimEnd();
    const last = text.slice(text.lastIndexOf('\n') + 1).split(',')[0];
    return /^\d+$/.test(last) ? Number(last) : null;
  }
  return null;
}

/** How far the run had got, for the log. */
function progress(dir: string): string {
  const tick = lastTick(dir);
  if (tick !== null) return `tick ${tick} written${existsSync(join(dir, 'checkpoint.bin')) ? ', checkpointed' : ''}`;
  return existsSync(dir) ? 'folder created' : 'nothing written';
}

/**
 * What the kills hit: kills before any tick was written, the ticks the others landed after,
 * runs that ended byte-identical to the reference, and clean SIGINT/SIGTERM stops resumed to
 * identical bytes.
 */
const tally = { kills: 0, runs: 0, identicalRuns: 0, beforeFirstTick: 0, ticks: [] as number[], cleanStops: 0 };
afterAll(() => reportTally('kill', { kills: KILLS, killSeed: SEED }, { ...tally, ticks: [...new Set(tally.ticks)].sort((a, b) => a - b) }));

/** Starts the run (or resumes it once it has a manifest) and waits for its exit, killing it with `signal` after `delay` ms (null: never). */
async function attempt(dir: string, delay: number | null, signal: NodeJS.Signals = 'SIGKILL', every = 2) {
  const args = manifest(dir) ? ['run', '--resume', dir, '--quiet', '--checkpoint-every', String(every)] : ['run', SCENARIO, '--out', dir, '--quiet', '--checkpoint-every', String(every)];
  const child = urdChild(args);
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, sig) => resolve({ code, signal: sig })));
  if (delay !== null) {
    const timer = setTimeout(() => child.kill(signal), delay);
    const result = await exit;
    clearTimeout(timer);
    return { ...result, stderr, resumed: args[1] === '--resume' };
  }
  return { ...(await exit), stderr, resumed: args[1] === '--resume' };
}

describe('killed with SIGKILL at random moments and resumed', () => {
  it(`survives ${KILLS} kills and ends byte-identical to an uninterrupted run`, async () => {
    const rand = random(SEED);
    let survived = 0;
    let cycles = 0;
    const log: string[] = [];
    // Each cycle starts a fresh folder, kills it until it happens to finish, then compares bytes.
    while (survived < KILLS) {
      const dir = join(scratch, `killed-${cycles++}`);
      for (;;) {
        // One kill in five lands during startup (before or while the folder is created); the rest
        // at a random moment of the ticking, checkpoints and the final renames included.
        const delay = survived >= KILLS ? null : Math.round(rand() < 0.2 ? rand() * startup : startup + (rand() * ticking) / 2);
        const r = await attempt(dir, delay);
        log.push(`run ${cycles} ${r.resumed ? 'resume' : 'start '} ${delay === null ? 'to the end' : `kill at +${delay} ms`} → ${r.signal ?? `exit ${r.code}`}${r.signal ? `, ${progress(dir)}` : ''}`);
        if (r.signal !== 'SIGKILL') {
          expect(r.code, r.stderr).toBe(0);
          break;
        }
        survived++;
        const tick = lastTick(dir);
        if (tick === null) tally.beforeFirstTick++;
        else tally.ticks.push(tick);
        // Whatever the moment of the kill, nothing unfinished looks finished: a file under its final
        // name already holds its final bytes, and a manifest saying complete means the folder is.
        for (const f of COMPARED) {
          const path = join(dir, f);
          if (!existsSync(path) || (f === 'manifest.json' && !manifest(dir)?.complete)) continue;
          expect(readFileSync(path).equals(readFileSync(join(REFERENCE, f))), `${f} after ${log.at(-1)}`).toBe(true);
        }
        if (manifest(dir)?.complete) break;
      }
      expect(folderDiff(REFERENCE, dir), log.join('\n')).toEqual([]);
      tally.identicalRuns++;
    }
    tally.kills = survived;
    tally.runs = cycles;
    console.info(`kill test (seed ${SEED}, startup ${startup.toFixed(0)} ms, ticking ${ticking.toFixed(0)} ms): ${survived} SIGKILLs survived in ${cycles} runs, each byte-identical\n  ${log.join('\n  ')}`);
  }, 180_000);
});

describe('SIGINT and SIGTERM stop cleanly at the end of a tick', () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`${signal}: exit 130, folder incomplete and checkpointed, resumable to identical bytes`, async () => {
      const dir = join(scratch, signal);
      const child = urdChild(['run', SCENARIO, '--out', dir, '--quiet']);
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, sig) => resolve({ code, signal: sig })));
      // Wait until the run is under way (its manifest is written first), then signal it.
      for (let i = 0; i < 400 && !manifest(dir); i++) await sleep(10);
      await sleep(150);
      child.kill(signal);
      const r = await exit;
      expect(r.code, stderr).toBe(130);
      expect(stderr).toMatch(new RegExp(`${signal} received; stopping at the end of this tick`));
      expect(stderr).toMatch(/stopped after tick \d+; .* is incomplete and checkpointed: continue it with urd run --resume/);
      expect(noStack(stderr)).toBe(true);
      expect(manifest(dir)?.complete).toBe(false);
      expect(existsSync(join(dir, 'checkpoint.bin'))).toBe(true);
      for (const f of COMPARED.filter((f) => f !== 'manifest.json')) expect(existsSync(join(dir, f)), f).toBe(false);
      // Rerunning the original command must not throw the checkpointed progress away.
      const again = urd(['run', SCENARIO, '--out', dir, '--quiet']);
      expect(again.code).toBe(2);
      expect(again.stderr).toMatch(/holds an unfinished run with a checkpoint; continue it with urd run --resume .*, or delete the folder to start over/);
      const done = urd(['run', '--resume', dir, '--quiet']);
      expect(done.code, done.stderr).toBe(0);
      expect(done.stdout.trim()).toBe(dir);
      expect(folderDiff(REFERENCE, dir)).toEqual([]);
      expect(existsSync(join(dir, 'checkpoint.bin'))).toBe(false);
      tally.cleanStops++;
    }, 60_000);
  }

  it('resuming a complete folder is a no-op (exit 0); --resume refuses a scenario file and changed settings (exit 2)', () => {
    const again = urd(['run', '--resume', REFERENCE]);
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/already complete; nothing to resume/);
    for (const args of [
      ['run', '--resume', REFERENCE, SCENARIO],
      ['run', '--resume', REFERENCE, '--seed', '4'],
      ['run', '--resume', REFERENCE, '--set', 'ticks=3'],
      ['run', '--resume', join(scratch, 'no-such-folder')],
      ['run', '--resume', scratch],
      ['run', SCENARIO, '--checkpoint-every', 'soon'],
      ['run', SCENARIO, '--checkpoint-every', '-2'],
    ]) {
      const r = urd(args);
      expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(noStack(r.stderr)).toBe(true);
    }
  }, 60_000);
});
