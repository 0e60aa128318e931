import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { distance } from '../../src/calibrate/fit.ts';
import { loadCalibration } from '../../src/calibrate/load.ts';
import { nelderMead } from '../../src/calibrate/nelderMead.ts';
import { writeOutputs } from '../../src/calibrate/outputs.ts';
import { writeCalibrationReport } from '../../src/calibrate/report.ts';
import { runCalibration } from '../../src/calibrate/run.ts';
import { calibrationYaml, tempDir, writeObserved } from './helpers.ts';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('Nelder-Mead', () => {
  it('finds the minimum of a shifted quadratic inside the unit cube, within its budget', async () => {
    const target = [0.2, 0.7, 0.55];
    let calls = 0;
    const f = async (xs: number[][]) => xs.map((x) => (calls++, x.reduce((s, v, i) => s + (i + 1) * (v - target[i]) ** 2, 0)));
    const r = await nelderMead(f, [0.5, 0.5, 0.5], 0.25, 400, 1e-7);
    expect(r.evaluations).toBe(calls);
    expect(calls).toBeLessThanOrEqual(400);
    r.best.forEach((v, i) => expect(v).toBeCloseTo(target[i], 3));
  });

  it('stays on the unit cube when the minimum lies outside it', async () => {
    const f = async (xs: number[][]) => xs.map((x) => (x[0] - 1.5) ** 2 + (x[1] + 0.5) ** 2);
    const r = await nelderMead(f, [0.5, 0.5], 0.25, 200, 1e-7);
    expect(r.best[0]).toBeCloseTo(1, 6);
    expect(r.best[1]).toBeCloseTo(0, 6);
  });
});

describe('urd calibrate with method optimize', () => {
  it('improves on its starting point and says it gives no posterior', async () => {
    const dir = tempDir('urd-calibrate-opt-');
    dirs.push(dir);
    writeObserved(dir, { 'diffusion.p': 0.03, 'diffusion.q': 0.5, 'world.rings.1.access': 0.2 }, 5);
    writeFileSync(join(dir, 'c.yaml'), calibrationYaml('method: { type: optimize }\nbudget: 120\n'));
    const plan = loadCalibration(join(dir, 'c.yaml'));
    const outcome = (await runCalibration(plan, { dir: join(dir, 'out'), workers: 1 }))!;
    const result = writeOutputs(plan, outcome, join(dir, 'out'));
    expect(result.runsUsed).toBeLessThanOrEqual(120);
    // The search starts at the middle of the bounds (step 0) and keeps the best point it saw.
    expect(outcome.steps[0].distance).toBeGreaterThan(outcome.best.distance);
    expect(outcome.best.distance).toBe(Math.min(...outcome.steps.map((s) => s.distance)));
    expect(distance(plan, outcome.best.sims)).toBe(outcome.best.distance);
    expect(result.parameters.every((p) => p.median === null && p.lo90 === null)).toBe(true);
    expect(result.reading[0]).toMatch(/^optimize finds one best point and no posterior/);
    // The report draws the two series and the distance by step (no posterior to draw).
    const page = readFileSync(writeCalibrationReport(join(dir, 'out')).path, 'utf8');
    expect(readdirSync(join(dir, 'out', 'charts')).sort()).toEqual(['distance.png', 'fit-0.png', 'fit-1.png']);
    expect(page.match(/<img /g)).toHaveLength(3);
  }, 60_000);
});
