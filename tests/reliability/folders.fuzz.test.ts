import { execFileSync } from 'node:child_process';
import { cpSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCalibration } from '../../src/calibrate/load.ts';
import { openCalibrationDir, planText, readPlanFile } from '../../src/calibrate/store.ts';
import { planJson, readPlan, readRecord } from '../../src/experiments/store.ts';
import { openSweepDir, runSweep } from '../../src/experiments/sweep.ts';
import { loadExperiment } from '../../src/experiments/load.ts';
import { OutputError } from '../../src/io/atomic.ts';
import { commitStaged, prepareOutput } from '../../src/io/outputFolder.ts';
import { readRunFolder } from '../../src/report/read.ts';
import { inspectRunFolder, resumeRun, runScenario, runScenarioResumable } from '../../src/run/runScenario.ts';
import { InputError } from '../../src/scenario/load.ts';
import { scenarioSchema } from '../../src/scenario/schema.ts';
import { calibrationYaml, writeObserved } from '../calibrate/helpers.ts';
import { writeExperiment } from '../experiments/helpers.ts';
import { envCount, tempDir } from './helpers.ts';
import { reportTally } from './tally.ts';

/**
 * Fuzzing output folders and hand-edited run and sweep folders (CI runs the default size; set
 * URD_FUZZ_CASES for more). Random folders of urd-named and foreign files, links (to a file
 * outside, to /dev/zero, dangling, looping), FIFOs and subfolders are offered to a run and a
 * comparison as output: each is refused with an InputError or OutputError, or written, and
 * either way no file that is not urd's own is changed or lost and nothing outside the folder
 * is touched. Random edits of a finished run's and sweep's files must be refused as bad input
 * or read, never crash.
 */
const FUZZ_CASES = envCount('URD_FUZZ_CASES', 300);
const CASES = Math.max(20, Math.round(FUZZ_CASES / 5));
const scratch = tempDir('urd-folderfuzz-');
const VICTIM = join(scratch, 'victim.txt');
const tally = { refused: 0, written: 0, failed: 0, plannedRefused: 0, plannedOpened: 0, editsRefused: 0, editsRead: 0 };
afterAll(() => {
  console.info(`folder fuzz: ${JSON.stringify(tally)}`);
  reportTally('folders', { fuzzCases: FUZZ_CASES, casesEach: CASES }, tally);
  rmSync(scratch, { recursive: true, force: true });
});

const tiny = scenarioSchema.parse({ name: 'tiny', seed: 2, ticks: 2, world: { residents: 60 } });

/** The names urd writes in run and comparison folders (a file so named may be replaced); the others are the user's. */
const OURS = ['manifest.json', 'metrics.csv', 'events.ndjson', 'summary.json', 'report.html', 'charts', 'checkpoint.bin', 'metrics.csv.partial', 'manifest.json.partial', '.urd.lock', 'compare.csv', 'compare-runs.csv', 'replay.ndjson', '.urd-staging'];
const NAMES = ['manifest.json', 'metrics.csv', 'events.ndjson', 'summary.json', 'report.html', 'charts', 'checkpoint.bin', 'metrics.csv.partial', 'manifest.json.partial', '.urd.lock', 'compare.csv', 'compare-runs.csv', 'replay.ndjson', 'notes.txt', 'tiny', 'seed-1', '.urd-staging'];
const entry = fc.record({
  name: fc.constantFrom(...NAMES),
  kind: fc.constantFrom('file', 'urd-manifest', 'folder', 'link-out', 'link-zero', 'link-dangling', 'link-loop', 'fifo'),
  complete: fc.boolean(),
});

/** Builds a folder from the drawn entries. */
function build(dir: string, entries: { name: string; kind: string; complete: boolean }[]): void {
  mkdirSync(dir, { recursive: true });
  for (const e of entries) {
    const p = join(dir, e.name);
    if (lstatSync(p, { throwIfNoEntry: false })) continue;
    if (e.kind === 'file') writeFileSync(p, `user data ${e.name}`);
    else if (e.kind === 'urd-manifest') writeFileSync(p, JSON.stringify({ complete: e.complete, scenarioHash: 'x'.repeat(64), scenario: {} }));
    else if (e.kind === 'folder') mkdirSync(p);
    else if (e.kind === 'link-out') symlinkSync(VICTIM, p);
    else if (e.kind === 'link-zero') symlinkSync('/dev/zero', p);
    else if (e.kind === 'link-dangling') symlinkSync(join(scratch, 'nowhere'), p);
    else if (e.kind === 'link-loop') symlinkSync(p, p);
    else execFileSync('mkfifo', [p]);
  }
}

/** Every entry under `dir` with what it is (bytes, link target, fifo, folder). */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string, prefix: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      const st = lstatSync(p);
      if (st.isSymbolicLink()) out.set(prefix + n, `link ${readlinkSync(p)}`);
      else if (st.isFIFO()) out.set(prefix + n, 'fifo');
      else if (st.isDirectory()) {
        out.set(prefix + n, 'folder');
        walk(p, `${prefix}${n}/`);
      } else out.set(prefix + n, readFileSync(p, 'latin1'));
    }
  };
  walk(dir, '');
  return out;
}

describe('output folders under random contents', () => {
  beforeAll(() => writeFileSync(VICTIM, 'outside'));

  it(`(${CASES} folders × run and comparison): refused or written, no user file changed, nothing outside touched`, () => {
    let n = 0;
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 5 }), fc.constantFrom('run', 'comparison'), fc.boolean(), (entries, kind, force) => {
        const dir = join(scratch, `case-${n++}`);
        build(dir, entries);
        const before = snapshot(dir);
        let target: ReturnType<typeof prepareOutput>;
        try {
          target = prepareOutput(dir, kind as 'run' | 'comparison', force);
        } catch (err) {
          if (!(err instanceof InputError || err instanceof OutputError)) throw err;
          expect(err.message).not.toMatch(/\n/);
          expect(snapshot(dir)).toEqual(before);
          tally.refused++;
          return;
        }
        // What urd accepts holds only its own names, never a link or a FIFO.
        for (const [name, what] of before) {
          if (what.startsWith('link') || what === 'fifo') throw new Error(`${name} (${what}) was accepted in an output folder`);
          if (what.startsWith('user data') && !OURS.some((u) => name === u || name.startsWith(`${u}/`))) throw new Error(`foreign ${name} was in an accepted folder`);
        }
        try {
          if (kind === 'run') {
            runScenario(tiny, { dir: target.writeTo });
            if (target.staged) commitStaged(target.writeTo);
          } else commitStaged(target.writeTo);
          tally.written++;
        } catch (err) {
          // A write that fails (say a folder stands where manifest.json.partial goes) is an OutputError, and leaves nothing finished-looking.
          if (!(err instanceof OutputError)) throw err;
          expect(readdirSync(target.writeTo).filter((f) => ['metrics.csv', 'events.ndjson', 'summary.json'].includes(f) && !before.has(f))).toEqual([]);
          tally.failed++;
        }
        expect(readFileSync(VICTIM, 'utf8')).toBe('outside');
      }),
      { numRuns: CASES },
    );
  }, 120_000);

  it(`(${CASES} folders × sweep and calibration): opened only when new, empty or of this very plan; nothing else changed`, () => {
    const cal = join(scratch, 'cal');
    mkdirSync(cal);
    writeObserved(cal, { 'diffusion.p': 0.03 }, 7);
    writeFileSync(join(cal, 'calibration.yaml'), calibrationYaml('method: { type: abc-smc, particles: 10, acceptance: 0.5 }\nbudget: 160\n'));
    const calibration = loadCalibration(join(cal, 'calibration.yaml'));
    mkdirSync(join(scratch, 'planned-exp'));
    const experiment = loadExperiment(writeExperiment(join(scratch, 'planned-exp'), 'base: tiny.yaml\nparameters:\n  talent.barrier: [0.3, 1.5]\nmetrics: [dpd_final]\n', 'name: tiny\nticks: 2\nworld: { residents: 60 }\n'));
    const opens = {
      calibration: { plan: 'plan.json', records: 'evaluations', text: planText(calibration), open: (dir: string) => openCalibrationDir(dir, calibration) },
      sweep: { plan: 'sweep.json', records: 'runs', text: planJson(experiment), open: (dir: string) => openSweepDir(dir, experiment) },
    };
    const named = fc.record({
      name: fc.constantFrom('plan.json', 'plan.json.partial', 'evaluations', 'populations', 'calibration.json', 'sweep.json', 'runs', 'runs.csv', '.urd.lock', 'notes.txt'),
      kind: fc.constantFrom('file', 'plan', 'folder', 'link-out', 'link-zero', 'link-dangling', 'link-loop', 'fifo'),
      complete: fc.boolean(),
    });
    let n = 0;
    fc.assert(
      fc.property(fc.array(named, { maxLength: 4 }), fc.constantFrom('calibration', 'sweep'), (entries, kind) => {
        const o = opens[kind as keyof typeof opens];
        const dir = join(scratch, `planned-${n++}`);
        // 'plan' is this very plan's file (a folder to continue); the other kinds as for output folders.
        build(dir, entries.map((e) => (e.kind === 'plan' ? { ...e, kind: 'file' } : e)));
        for (const e of entries) if (e.kind === 'plan' && e.name === o.plan && lstatSync(join(dir, e.name)).isFile()) writeFileSync(join(dir, e.name), o.text);
        const before = snapshot(dir);
        const planPath = join(dir, o.plan);
        const continued = lstatSync(planPath, { throwIfNoEntry: false })?.isFile() === true && readFileSync(planPath, 'utf8') === o.text;
        try {
          o.open(dir);
        } catch (err) {
          if (!(err instanceof InputError || err instanceof OutputError)) throw err;
          expect(err.message).not.toMatch(/\n/);
          expect(snapshot(dir)).toEqual(before);
          tally.plannedRefused++;
          return;
        }
        // Opened: the plan file is this plan's; the folder held no link or FIFO, and, unless it already held this
        // plan (a folder to continue, with the results urd writes beside it), nothing but the plan, its records and the lock.
        expect(readFileSync(join(dir, o.plan), 'utf8')).toBe(o.text);
        for (const [name, what] of before) {
          if (what.startsWith('link') || what === 'fifo') throw new Error(`${name} (${what}) was accepted in a ${kind} folder`);
          if (!continued && name !== o.records && !name.startsWith(o.records + '/') && !name.startsWith(o.plan) && name !== '.urd.lock') throw new Error(`foreign ${name} was in a new ${kind} folder`);
        }
        expect(readFileSync(VICTIM, 'utf8')).toBe('outside');
        tally.plannedOpened++;
      }),
      { numRuns: CASES },
    );
  }, 120_000);
});

/** A JSON edit: a path into the document and a hostile value. */
const hostile = fc.oneof(
  fc.constantFrom(null, -1, 3e8, 1e308, '', '../..', '\u001b[2J', [], {}, true, 0.5, 'x'.repeat(500)),
  fc.integer(),
  fc.string({ maxLength: 12 }),
);

function editJson(text: string, pick: number, value: unknown, drop: boolean): string {
  const doc = JSON.parse(text);
  const paths: (string | number)[][] = [];
  const walk = (v: unknown, path: (string | number)[]) => {
    paths.push(path);
    if (v && typeof v === 'object') for (const [k, c] of Object.entries(v)) if (paths.length < 400) walk(c, [...path, Array.isArray(v) ? Number(k) : k]);
  };
  walk(doc, []);
  const path = paths[pick % paths.length];
  if (path.length === 0) return JSON.stringify(value);
  const parent = path.slice(0, -1).reduce((o: any, k) => o[k], doc);
  if (drop) delete parent[path[path.length - 1]];
  else parent[path[path.length - 1]] = value;
  return JSON.stringify(doc);
}

describe('hand-edited run and sweep folders', () => {
  const run = join(scratch, 'run');
  const stopped = join(scratch, 'stopped');
  const sweep = join(scratch, 'sweep');
  const calibration = join(scratch, 'calibration');
  beforeAll(async () => {
    runScenario(tiny, { dir: run });
    let at = -1;
    await runScenarioResumable({ ...tiny, ticks: 6 }, stopped, { onTick: (t) => (at = t), shouldStop: () => at >= 3 });
    mkdirSync(join(scratch, 'exp'));
    const experiment = writeExperiment(join(scratch, 'exp'), 'base: tiny.yaml\nreplications: 2\nparameters:\n  talent.barrier: [0.3, 1.5]\nmetrics: [dpd_final, verdict]\n', 'name: tiny\nticks: 2\nworld: { residents: 60 }\n');
    await runSweep(loadExperiment(experiment), { dir: sweep, workers: 1 });
    mkdirSync(join(scratch, 'cal-edit'));
    writeObserved(join(scratch, 'cal-edit'), { 'diffusion.p': 0.03 }, 7);
    writeFileSync(join(scratch, 'cal-edit', 'c.yaml'), calibrationYaml('method: { type: abc-smc, particles: 10, acceptance: 0.5 }\nbudget: 160\n'));
    openCalibrationDir(calibration, loadCalibration(join(scratch, 'cal-edit', 'c.yaml')));
  }, 60_000);

  const outcome = (f: () => unknown) => {
    try {
      f();
      tally.editsRead++;
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      expect(err.message).not.toMatch(/[\n\x1b]/);
      tally.editsRefused++;
    }
  };

  it(`(${CASES} edits each of manifest.json, summary.json, sweep.json, a run record and a calibration's plan.json): read or refused as bad input, never a crash`, async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('manifest.json', 'summary.json', 'sweep.json', 'record', 'plan.json'), fc.nat(), hostile, fc.boolean(), async (file, pick, value, drop) => {
        const dir = join(scratch, `edit-${n++}`);
        const source = file === 'plan.json' ? calibration : file === 'sweep.json' || file === 'record' ? sweep : file === 'manifest.json' && pick % 2 ? stopped : run;
        cpSync(source, dir, { recursive: true });
        const path = file === 'record' ? join(dir, 'runs', '0001.json') : join(dir, file);
        writeFileSync(path, editJson(readFileSync(path, 'utf8'), pick, value, drop));
        if (file === 'sweep.json') outcome(() => readPlan(dir));
        else if (file === 'plan.json') outcome(() => readPlanFile(dir));
        else if (file === 'record') outcome(() => readRecord(dir, readPlan(dir), 1));
        else {
          outcome(() => inspectRunFolder(dir));
          outcome(() => readRunFolder(dir));
          if (source === stopped) await resumeRun(dir).then(() => tally.editsRead++, (err) => outcome(() => { throw err; }));
        }
        rmSync(dir, { recursive: true, force: true });
      }),
      { numRuns: CASES },
    );
  }, 120_000);
});
