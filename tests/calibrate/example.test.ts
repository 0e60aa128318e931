import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCalibration } from '../../src/calibrate/load.ts';
import { ROOT } from '../support.ts';

describe('experiments/calibrate-example.yaml', () => {
  it('is valid: its observed series maps to model metrics and holds out 2021–2023', () => {
    const plan = loadCalibration(join(ROOT, 'experiments', 'calibrate-example.yaml'));
    expect(plan.parameters.map((p) => p.path)).toEqual(['diffusion.p', 'diffusion.q', 'diffusion.accessThreshold']);
    expect(plan.distance).toBe('sd-weighted');
    expect(plan.series.map((s) => [s.scope, s.probe.metrics, s.probe.scale])).toEqual([
      ['urban', ['level1', 'level2', 'level3'], 100],
      ['rural', ['level1', 'level2', 'level3'], 100],
    ]);
    for (const s of plan.series) expect(s.years.filter((_, k) => s.heldOut[k])).toEqual([2021, 2022, 2023]);
  });
});
