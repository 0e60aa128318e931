import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadExperiment } from '../../src/experiments/load.ts';
import { runSweep } from '../../src/experiments/sweep.ts';
import { ROOT, tempDir } from './helpers.ts';

describe('the example experiments', () => {
  // calibrate-*.yaml are calibration files, checked in tests/calibrate; compare-*.yaml are comparison files, run in tests/cli/compare.test.ts.
  const files = readdirSync(join(ROOT, 'experiments')).filter((f) => f.endsWith('.yaml') && !/^(calibrate|compare)-/.test(f));

  it.each(files)('%s is valid', (file) => {
    const plan = loadExperiment(join(ROOT, 'experiments', file));
    expect(plan.points.length).toBeGreaterThan(0);
  });

  // Its speed is measured by the benchmark (sweep throughput), not by a timed test.
  it('quick.yaml runs its 24 runs with 2 workers', async () => {
    const plan = loadExperiment(join(ROOT, 'experiments', 'quick.yaml'));
    const dir = join(tempDir(), 'quick');
    const r = await runSweep(plan, { dir, workers: 2 });
    expect(r).toMatchObject({ total: 24, ran: 24, finalized: true });
    expect(readFileSync(join(dir, 'runs.csv'), 'utf8').trim().split('\n')).toHaveLength(25);
  }, 60_000);
});
