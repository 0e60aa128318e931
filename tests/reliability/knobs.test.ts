import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { envCount, ROOT, skipUnavailable } from '../support.ts';

/**
 * The guards that keep a test run honest: size knobs cannot shrink a test to nothing, and under
 * CI a facility that is missing (chromium, Slurm, a tmpfs) fails the run instead of skipping.
 */
describe('test-size knobs', () => {
  it('take a whole number of at least 1, and the default when unset', () => {
    expect(envCount('URD_X', 50, {})).toBe(50);
    expect(envCount('URD_X', 50, { URD_X: '' })).toBe(50);
    expect(envCount('URD_X', 50, { URD_X: '1' })).toBe(1);
    expect(envCount('URD_X', 50, { URD_X: '1000' })).toBe(1000);
  });

  it.each(['0', '00', '-3', '1.5', '1e3', 'ten', ' '])('refuse %j, naming the variable', (raw) => {
    expect(() => envCount('URD_KILLS', 10, { URD_KILLS: raw })).toThrow(/^URD_KILLS=.*expected a whole number of at least 1/);
  });

  it.each([
    ['tests/reliability/kill.test.ts', 'URD_KILLS'],
    ['tests/reliability/properties.test.ts', 'URD_PROPERTY_RUNS'],
    ['tests/reliability/hostile.test.ts', 'URD_FUZZ_CASES'],
  ])('%s reads %s through envCount', (file, knob) => {
    const text = readFileSync(join(ROOT, file), 'utf8');
    expect(text).toContain(`envCount('${knob}',`);
    expect(text).not.toMatch(new RegExp(`process\\.env\\.${knob}`));
  });
});

describe('tests that need a facility of the machine', () => {
  it('run when it is there', () => {
    expect(skipUnavailable('x', null, true)).toBe(false);
    expect(skipUnavailable('x', null, false)).toBe(false);
  });

  it('skip locally, saying why, and fail under CI', () => {
    expect(skipUnavailable('the browser test', 'no chromium', false)).toBe(true);
    expect(() => skipUnavailable('the browser test', 'no chromium', true)).toThrow('the browser test cannot run (no chromium), and CI=true forbids skipping it');
  });

  it.each(['tests/report/browser.test.ts', 'tests/experiments/slurm.test.ts', 'tests/reliability/faults.test.ts'])('%s decides its skip through skipUnavailable', (file) => {
    const text = readFileSync(join(ROOT, file), 'utf8');
    const skips = [...text.matchAll(/describe\.skipIf\((\w+)\)/g)].map((m) => m[1]);
    expect(skips.length).toBeGreaterThan(0);
    for (const flag of skips) expect(text).toMatch(new RegExp(`const ${flag} = skipUnavailable\\(`));
  });
});
