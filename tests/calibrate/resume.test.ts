import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCalibration, type CalibrationPlan } from '../../src/calibrate/load.ts';
import { writeOutputs } from '../../src/calibrate/outputs.ts';
import { writeCalibrationReport } from '../../src/calibrate/report.ts';
import { runCalibration } from '../../src/calibrate/run.ts';
import { readingText } from '../../src/calibrate/reading.ts';
import { urd, urdChild } from '../support.ts';
import { calibrationYaml, tempDir, writeObserved } from './helpers.ts';

/** 10 particles from 20 candidates, 2 seeds: 40 runs a population, 4 populations. */
const METHOD = 'method: { type: abc-smc, particles: 10, acceptance: 0.5 }\nbudget: 160\n';
const OUTPUTS = ['calibration.json', 'posterior.csv', 'fit.csv', 'calibrated.yaml'];

let work: string;
let file: string;
let plan: CalibrationPlan;
let reference: string;

/** The output files of a folder, with the folder's own name (in the rerun commands) replaced. */
function outputs(dir: string): Record<string, string> {
  return Object.fromEntries(OUTPUTS.map((f) => [f, readFileSync(join(dir, f), 'utf8').replaceAll(dir, 'DIR')]));
}

beforeAll(async () => {
  work = tempDir('urd-calibrate-resume-');
  writeObserved(work, { 'diffusion.p': 0.03, 'diffusion.q': 0.5, 'world.rings.1.access': 0.2 }, 7);
  file = join(work, 'calibration.yaml');
  writeFileSync(file, calibrationYaml(METHOD));
  plan = loadCalibration(file);
  reference = join(work, 'reference');
  // The reference runs on two worker threads; the runs below on one: results must not care.
  const outcome = await runCalibration(plan, { dir: reference, workers: 2 });
  writeOutputs(plan, outcome!, reference);
}, 60_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('an interrupted calibration', () => {
  it('killed with SIGKILL in the middle of a population and resumed, equals the uninterrupted one', async () => {
    const dir = join(work, 'killed');
    const batch = join(dir, 'evaluations', 'p001');
    const child = urdChild(['calibrate', file, '--workers', '1', '--out', dir, '--quiet']);
    const exit = await new Promise<NodeJS.Signals | null>((resolve) => {
      const poll = setInterval(() => {
        if (existsSync(batch) && readdirSync(batch).filter((f) => f.endsWith('.json')).length >= 3) {
          clearInterval(poll);
          child.kill('SIGKILL');
        }
      }, 2);
      child.on('exit', (_code, signal) => {
        clearInterval(poll);
        resolve(signal);
      });
    });
    expect(exit).toBe('SIGKILL');
    expect(existsSync(join(dir, 'populations', '000.json'))).toBe(true);
    expect(existsSync(join(dir, 'calibration.json'))).toBe(false);
    const resumed = urd(['calibrate', '--resume', dir, '--workers', '1', '--quiet']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(outputs(dir)).toEqual(outputs(reference));
  }, 60_000);

  it('split over two shards sharing the folder, equals the unsharded one', async () => {
    const dir = join(work, 'sharded');
    const [first] = await Promise.all([0, 1].map((index) => runCalibration(plan, { dir, workers: 1, shard: { index, count: 2 }, pollMs: 10 })));
    writeOutputs(plan, first!, dir);
    expect(outputs(dir)).toEqual(outputs(reference));
  }, 60_000);

  it('reports from the written files: each series, each posterior, each pair, the distance by population', () => {
    const page = readFileSync(writeCalibrationReport(reference).path, 'utf8');
    const charts = readdirSync(join(reference, 'charts')).sort();
    expect(charts).toEqual([
      'distance.png',
      'fit-0.png',
      'fit-1.png',
      'pair-diffusion.p-diffusion.q.png',
      'pair-diffusion.p-world.rings.1.access.png',
      'pair-diffusion.q-world.rings.1.access.png',
      'posterior-diffusion.p.png',
      'posterior-diffusion.q.png',
      'posterior-world.rings.1.access.png',
    ]);
    expect(page.match(/<img /g)).toHaveLength(charts.length);
    for (const line of JSON.parse(readFileSync(join(reference, 'calibration.json'), 'utf8')).reading) expect(page).toContain(line.replaceAll("'", '&#39;'));
    // `urd report DIR` recognises a calibration folder and writes the same page.
    rmSync(join(reference, 'report.html'));
    const r = urd(['report', reference, '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(reference, 'report.html'), 'utf8')).toBe(page);
  }, 30_000);

  it('reports in Chinese with --lang zh: the reading, the tables and the charts, from the same files', () => {
    const result = JSON.parse(readFileSync(join(reference, 'calibration.json'), 'utf8'));
    const r = urd(['report', reference, '--quiet', '--lang', 'zh']);
    expect(r.code, r.stderr).toBe(0);
    const page = readFileSync(join(reference, 'report.html'), 'utf8');
    expect(page).toContain('<html lang="zh-CN">');
    const zh = readingText(result.readingFacts, 'zh');
    expect(zh.length).toBe(result.reading.length);
    for (const line of zh) {
      expect(line).toMatch(/[\u4e00-\u9fff]/);
      expect(page).toContain(line.replaceAll("'", '&#39;'));
    }
    for (const line of result.reading) expect(page).not.toContain(line.replaceAll("'", '&#39;'));
    for (const word of ['解读', '各序列的拟合（最优参数）', '后验分布', '图 1.']) expect(page).toContain(word);
    // The English page is what it was: the findings kept as numbers read back as the stored sentences.
    expect(readingText(result.readingFacts, 'en')).toEqual(result.reading);
  }, 30_000);

  it('refuses a folder that holds a different calibration, and one that holds other files', async () => {
    const before = outputs(reference);
    const other = join(work, 'other.yaml');
    writeFileSync(other, calibrationYaml(METHOD.replace('budget: 160', 'budget: 120')));
    await expect(runCalibration(loadCalibration(other), { dir: reference, workers: 1 })).rejects.toThrow(/holds a different calibration/);
    const listing = readdirSync(work).sort();
    await expect(runCalibration(plan, { dir: work, workers: 1 })).rejects.toThrow(/is not a calibration folder .*holds other files/);
    // Neither folder was touched.
    expect(outputs(reference)).toEqual(before);
    expect(readdirSync(work).sort()).toEqual(listing);
  });

  it("has a sweep folder's guarantees: a planted link and --out . on a folder holding files are refused, nothing written", async () => {
    const linked = join(work, 'linked');
    mkdirSync(linked);
    const outside = join(work, 'outside');
    mkdirSync(outside);
    symlinkSync(outside, join(linked, 'evaluations'));
    await expect(runCalibration(plan, { dir: linked, workers: 1 })).rejects.toThrow(/evaluations: is a symbolic link; urd never writes through links/);
    symlinkSync(join(outside, 'x'), join(linked, 'plan.json.partial'));
    rmSync(join(linked, 'evaluations'));
    await expect(runCalibration(plan, { dir: linked, workers: 1 })).rejects.toThrow(/plan\.json\.partial: is a symbolic link/);
    expect(readdirSync(outside)).toEqual([]);
    const mine = join(work, 'mine');
    mkdirSync(mine);
    writeFileSync(join(mine, 'thesis.tex'), 'x');
    const r = urd(['calibrate', file, '--out', '.', '--quiet'], { cwd: mine });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/--out: \. is the working folder .*expected a new folder of its own/);
    expect(readdirSync(mine)).toEqual(['thesis.tex']);
  });

  it('a hand-edited calibration.json is bad input for urd report (exit 2), never a crash in the charts', () => {
    const dir = join(work, 'edited');
    cpSync(reference, dir, { recursive: true });
    const path = join(dir, 'calibration.json');
    const good = JSON.parse(readFileSync(path, 'utf8'));
    for (const [edit, why] of [
      [null, /calibration\.json: expected object, got null \(edited by hand\?/],
      [{ ...good, series: 5 }, /calibration\.json: series: expected array, got 5/],
      [{ ...good, parameters: [{ path: 'x' }] }, /calibration\.json: parameters\.0\.prior: expected string, got nothing/],
    ] as const) {
      writeFileSync(path, JSON.stringify(edit));
      const r = urd(['report', '--quiet', dir]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(why);
    }
    expect(existsSync(join(dir, 'report.html'))).toBe(existsSync(join(reference, 'report.html')));
  });

  it('reads the base scenario once: with it moved away after loading, the calibration is the same', async () => {
    const again = loadCalibration(file);
    const base = join(work, 'tiny.yaml');
    renameSync(base, `${base}.away`);
    const dir = join(work, 'base-once');
    try {
      writeOutputs(again, (await runCalibration(again, { dir, workers: 1 }))!, dir);
    } finally {
      renameSync(`${base}.away`, base);
    }
    expect(outputs(dir)).toEqual(outputs(reference));
  }, 60_000);
});
