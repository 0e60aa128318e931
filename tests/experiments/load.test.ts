import { join } from 'node:path';
import { parse as parseYamlScalar } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadExperiment, rerunCommand, setArg } from '../../src/experiments/load.ts';
import { experimentError, SMALL, tempDir, writeExperiment } from './helpers.ts';


describe('loading an experiment', () => {
  it('resolves points, seeds and fixed overrides', () => {
    const dir = tempDir();
    const plan = loadExperiment(writeExperiment(dir, SMALL));
    expect(plan.name).toBe('small');
    expect(plan.parameters).toEqual(['talent.barrier', 'rights.rentShare']);
    expect(plan.points).toEqual([[0.3, 0.1], [0.3, 0.5], [1.5, 0.1], [1.5, 0.5]]);
    expect(plan.seeds).toHaveLength(2);
    expect(plan.pointHashes).toHaveLength(4);
    expect(new Set(plan.pointHashes).size).toBe(4);
    expect(rerunCommand(plan, 3, 1)).toBe(`urd run ${join(dir, 'tiny.yaml')} --seed ${plan.seeds[1]} --set talent.barrier=1.5 --set rights.rentShare=0.5`);
  });

  it('writes --set values that read back exactly', () => {
    for (const v of [0.1 + 0.2, 1e-7, -3, 12345678901234567890, 'core-first', 'true', '1.5', 'a b', true, [1, 2], { a: 'x' }]) {
      const arg = setArg('x', v);
      expect(parseYamlScalar(arg.slice(2))).toEqual(v);
    }
  });

  it('blames an out-of-range value on the parameter line, with the point and the value', () => {
    const e = experimentError('base: tiny.yaml\nparameters:\n  talent.barrier: [0.5, 200]\n');
    expect(e.file).toMatch(/experiment\.yaml$/);
    expect(e.field).toBe('parameters.talent.barrier');
    expect(e.line).toBe(3);
    expect(e.expected).toMatch(/≤ 100.*point 1, value 200/);
  });

  it('refuses unknown scenario fields, fields of its own and metrics, with their lines', () => {
    expect(experimentError('base: tiny.yaml\nparameters:\n  talent.barier: [1]\n')).toMatchObject({ field: 'parameters.talent.barier', line: 3 });
    expect(experimentError('base: tiny.yaml\nreplication: 3\n')).toMatchObject({ field: 'replication', line: 2 });
    const m = experimentError('base: tiny.yaml\nmetrics:\n  - dpd_final\n  - final.ginni\n');
    expect(m).toMatchObject({ field: 'metrics.1', line: 4 });
    expect(m.expected).toMatch(/unknown metric "final\.ginni".*final\.<.*gini/);
    expect(experimentError('base: tiny.yaml\nreplications: 0\n')).toMatchObject({ field: 'replications', line: 2 });
  });

  it('checks that each parameter has the form its design needs', () => {
    expect(experimentError('base: tiny.yaml\ndesign: { type: lhs, samples: 4 }\nparameters:\n  talent.barrier: [0.2, 1]\n').expected).toMatch(/continuous range.*min, max/);
    expect(experimentError('base: tiny.yaml\nparameters:\n  talent.barrier: { min: 0, max: 1 }\n').expected).toMatch(/needs design lhs or morris/);
    expect(experimentError('base: tiny.yaml\nparameters:\n  talent.barrier: { from: 1, to: 0, step: 0.1 }\n')).toMatchObject({ field: 'parameters.talent.barrier.to', line: 3 });
    expect(experimentError('base: tiny.yaml\nparameters:\n  talent.barrier: 3\n').expected).toMatch(/expected a list of values/);
    expect(experimentError('base: tiny.yaml\ndesign: { type: morris, trajectories: 4, levels: 5 }\nparameters:\n  talent.barrier: { min: 0, max: 1 }\n').field).toBe('design.levels');
    expect(experimentError('base: tiny.yaml\nparameters:\n  seed: [1, 2]\n').expected).toMatch(/replications/);
    expect(experimentError('base: tiny.yaml\ndesign: { type: grid }\n').field).toBe('design.type');
  });

  it('names a missing base file at the base field', () => {
    const e = experimentError('base: nowhere.yaml\n');
    expect(e).toMatchObject({ field: 'base', line: 1 });
    expect(e.expected).toMatch(/nowhere\.yaml not found/);
  });

  it('blames a fixed override at its line under set:', () => {
    expect(experimentError('base: tiny.yaml\nset:\n  world.residents: -5\n')).toMatchObject({ field: 'set.world.residents', line: 3 });
  });
});
