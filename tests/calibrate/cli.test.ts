import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { urd } from '../support.ts';
import { calibrationYaml, tempDir, writeObserved } from './helpers.ts';

// The built CLI once sent calibration runs to the sweep's worker (both were dist/cli/worker.mjs),
// so `urd calibrate --workers 2` crashed while every in-process test passed.
describe('urd calibrate from the command line', () => {
  it('on two worker threads writes the same calibration as on one', () => {
    const dir = tempDir('urd-calibrate-cli-');
    writeObserved(dir, { 'diffusion.p': 0.03, 'diffusion.q': 0.5, 'world.rings.1.access': 0.2 }, 7);
    const file = join(dir, 'calibration.yaml');
    writeFileSync(file, calibrationYaml('method: { type: abc-smc, particles: 4, acceptance: 0.5 }\nbudget: 32\n'));
    const one = urd(['calibrate', file, '--workers', '1', '--out', join(dir, 'one'), '--quiet', '--no-report']);
    expect(one.code, one.stderr).toBe(0);
    const two = urd(['calibrate', file, '--workers', '2', '--out', join(dir, 'two'), '--quiet', '--no-report']);
    expect(two.code, two.stderr).toBe(0);
    for (const f of ['posterior.csv', 'fit.csv']) expect(readFileSync(join(dir, 'two', f), 'utf8')).toBe(readFileSync(join(dir, 'one', f), 'utf8'));
  }, 60_000);
});
