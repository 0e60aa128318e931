import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCalibration } from '../../src/calibrate/load.ts';
import { InputError } from '../../src/scenario/load.ts';
import { urd } from '../support.ts';
import { calibrationYaml, tempDir, writeObserved } from './helpers.ts';

let work: string;

beforeAll(() => {
  work = tempDir('urd-calibrate-input-');
  writeObserved(work, { 'diffusion.p': 0.03, 'diffusion.q': 0.5, 'world.rings.1.access': 0.2 }, 7);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Loads a calibration built from the standard one with `edit` applied, and returns the InputError it raises. */
function refusal(edit: (yaml: string) => string, observed?: string): InputError {
  const file = join(work, 'bad.yaml');
  writeFileSync(file, edit(calibrationYaml('budget: 200\nmethod: { type: abc-smc, particles: 10, acceptance: 0.5 }\n')));
  if (observed !== undefined) writeFileSync(join(work, 'bad.csv'), observed);
  try {
    loadCalibration(file);
  } catch (err) {
    if (err instanceof InputError) return err;
    throw err;
  }
  throw new Error('expected an InputError');
}

describe('bad calibration input', () => {
  it('names the file, the field and what was expected', () => {
    const cases: [(y: string) => string, string, string, RegExp][] = [
      [(y) => y.replace('{ min: 0.05, max: 1.5 }', '{ min: 1.5, max: 0.05 }'), 'bad.yaml', 'parameters.diffusion.q.max', /expected max > min/],
      [(y) => y.replace('{ min: 0.002, max: 0.2, prior: log-uniform }', '{ min: 0, max: 0.2, prior: log-uniform }'), 'bad.yaml', 'parameters.diffusion.p.min', /log-uniform prior needs min > 0/],
      [(y) => y.replace('{ min: 0.05, max: 1.5 }', '{ min: 0.05, max: 1.5, prior: normal }'), 'bad.yaml', 'parameters.diffusion.q.mean', /needs a mean and an sd/],
      [(y) => y.replace('diffusion.q:', 'diffusion.qq:'), 'bad.yaml', 'parameters.diffusion.qq', /unknown field/],
      [(y) => y.replace('model: level>=1', 'model: penetration'), 'bad.yaml', 'observed.metrics', /metric "penetration" is not reported by the model/],
      [(y) => y.replace('holdOut: 3', 'holdOut: 13'), 'bad.yaml', 'fit.holdOut', /expected fewer/],
      [(y) => y.replace('budget: 200', 'budget: 10'), 'bad.yaml', 'budget', /cannot pay for one population/],
      [(y) => y.replace('seeds: 2', 'seeds: 0'), 'bad.yaml', 'seeds', /expected a value ≥ 1/],
      [(y) => y.replace('method', 'methd'), 'bad.yaml', 'methd', /unknown field/],
    ];
    for (const [edit, file, field, why] of cases) {
      const err = refusal(edit);
      expect(err.file.endsWith(file), err.message).toBe(true);
      expect(err.field, err.message).toBe(field);
      expect(err.expected, err.message).toMatch(why);
    }
  });

  it('names the observed file, line and column', () => {
    const edit = (y: string) => y.replace('file: observed.csv', 'file: bad.csv');
    const header = 'tick,scope,metric,value\n';
    const cases: [string, string | null, number | null, RegExp][] = [
      ['tick,scope,metric\n0,urban,x\n', 'value', 1, /missing column "value"/],
      [`${header}0,urban,internet penetration,abc\n`, 'value', 2, /expected a number, got "abc"/],
      [`${header}0,urban,internet penetration,1\n0.5,urban,internet penetration,2\n`, 'tick', 3, /expected a whole number/],
      [`${header}0,urban,internet penetration,1\n0,urban,internet penetration,2\n`, null, 3, /a second value for tick 0/],
      [`${header}${[0, 1, 2, 3, 40].map((t) => `${t},urban,internet penetration,1\n`).join('')}`, 'tick', 2, /observed at tick 40 but the scenario runs 12 ticks/],
    ];
    for (const [csv, field, line, why] of cases) {
      const err = refusal(edit, csv);
      expect(err.file.endsWith('bad.csv'), err.message).toBe(true);
      expect(err.field, err.message).toBe(field);
      expect(err.line, err.message).toBe(line);
      expect(err.expected, err.message).toMatch(why);
    }
  });

  it('reads a spreadsheet export: byte-order mark, CRLF line ends, columns in another order, scopes of its own', () => {
    const rows = Array.from({ length: 13 }, (_, t) => `${2008 + t},internet penetration,乡村,${t},${t + 1}\r\n`).join('');
    writeFileSync(join(work, 'excel.csv'), `\uFEFFyear,metric,scope,tick,value\r\n${rows}`);
    writeFileSync(join(work, 'excel.yaml'), calibrationYaml('budget: 200\nmethod: { type: abc-smc, particles: 10, acceptance: 0.5 }\n').replace('file: observed.csv', 'file: excel.csv\n  scopes: { 乡村: rural }'));
    const plan = loadCalibration(join(work, 'excel.yaml'));
    expect(plan.series).toHaveLength(1);
    expect(plan.series[0].probe.scope).toBe('rural');
    expect(plan.series[0]).toMatchObject({ scope: '乡村', ticks: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13] });
    expect(plan.series[0].years[12]).toBe(2020);
  });

  it('exits with code 2 from the command line, before any run', () => {
    writeFileSync(join(work, 'cli.yaml'), calibrationYaml('budget: 200\n').replace('{ min: 0, max: 0.6 }', '{ min: 0, max: 0.6, prior: gamma }'));
    const r = urd(['calibrate', join(work, 'cli.yaml'), '--out', join(work, 'never')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cli\.yaml:\d+: parameters\.world\.rings\.1\.access\.prior: expected one of "uniform", "log-uniform", "normal"/);
  }, 30_000);
  it('refuses an observed file that is a FIFO or /dev/zero at once (it used to block, or grow without bound), exit 2', () => {
    const fifo = join(work, 'fifo.csv');
    execFileSync('mkfifo', [fifo]);
    for (const [name, observed] of [['fifo', fifo], ['zero', '/dev/zero']]) {
      const file = join(work, `${name}.yaml`);
      writeFileSync(file, calibrationYaml('budget: 200\n').replace('file: observed.csv', `file: ${observed}`));
      const r = urd(['calibrate', file, '--out', join(work, 'never')], { timeout: 20_000 });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/is not a regular file \(a device, pipe or socket\); expected an observed series/);
    }
  }, 30_000);
});
