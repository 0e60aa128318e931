import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { forEachLine, parseCsvLine, readMetrics, readRunFolder } from '../../src/report/read.ts';
import { readSweep, sweepGrid, sweepLine, varyingParams } from '../../src/report/sweepData.ts';
import { InputError } from '../../src/scenario/load.ts';
import { tempDir, writeFixtureRun, writeFixtureSweep } from './fixture.ts';

describe('metrics reader', () => {
  it('keeps only the metrics and scopes asked for', () => {
    const dir = tempDir();
    writeFixtureRun(dir, { ticks: 10 });
    const all = readMetrics(join(dir, 'metrics.csv'));
    expect(all.places().length).toBe(151);
    expect(all.series('dpd').ticks).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const some = readMetrics(join(dir, 'metrics.csv'), { metrics: ['tau', 'dpd'], scopes: (s) => !s.startsWith('place:') });
    expect(some.metrics('all').sort()).toEqual(['dpd', 'tau']);
    expect(some.places()).toEqual([]);
    expect(some.series('tau', 'ring:3').values).toEqual(all.series('tau', 'ring:3').values);
    expect(some.valueAt('tau', 'all', 99)).toBeNaN();
  });

  it('reads NA as NaN and quoted fields', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'm.csv'), 'tick,scope,metric,value\n0,all,dpd,NA\n1,"all","dp""d",2\n');
    const t = readMetrics(join(dir, 'm.csv'));
    expect(t.series('dpd').values[0]).toBeNaN();
    expect(t.series('dp"d').values).toEqual([2]);
    expect(parseCsvLine('a,"b,c",d')).toEqual(['a', 'b,c', 'd']);
  });

  it('refuses a file that is not tidy metrics, naming it', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'm.csv'), 'a,b\n1,2\n');
    expect(() => readMetrics(join(dir, 'm.csv'))).toThrow(InputError);
    expect(() => readMetrics(join(dir, 'missing.csv'))).toThrow(/file not found/);
    expect(() => readRunFolder(join(dir, 'nope'))).toThrow(/not a folder/);
  });

  it('streams lines across block boundaries without splitting characters', () => {
    const dir = tempDir();
    const line = 'τ'.repeat(1000) + 'é';
    const n = 3000; // about 6 MB: several 1 MiB blocks
    writeFileSync(join(dir, 'big.txt'), Array.from({ length: n }, () => line).join('\n'));
    let count = 0;
    let ok = true;
    forEachLine(join(dir, 'big.txt'), (l) => {
      count++;
      ok &&= l === line;
    });
    expect(count).toBe(n);
    expect(ok).toBe(true);
  });
});

describe('sweep reader', () => {
  it('finds the swept parameters, the metrics and the grid of means', () => {
    const dir = tempDir();
    writeFixtureSweep(dir);
    const s = readSweep(dir);
    expect(s.params).toEqual(['talent.barrier', 'capital.agglomeration']);
    expect(s.metrics).toEqual(['dpd_final', 'final.gini']);
    expect(s.aggregate?.rows.length).toBe(9);
    expect(varyingParams(s).sort()).toEqual(['capital.agglomeration', 'talent.barrier']);
    const g = sweepGrid(s, 'dpd_final', 'talent.barrier', 'capital.agglomeration')!;
    expect(g.xs).toEqual([0.2, 0.7, 1.2]);
    expect(g.ys).toEqual([0.03, 0.06, 0.09]);
    expect(g.values[0][0]).toBeCloseTo(0.2 - 0.3 + 0.005, 12);
    expect(g.values[2][2]).toBeCloseTo(1.2 - 0.9 + 0.005, 12);
    const l = sweepLine(s, 'talent.barrier');
    expect(l.xs).toEqual([0.2, 0.7, 1.2]);
    expect(l.lo[0]).toBeLessThan(l.mean[0]);
  });

  it('falls back to the columns between seed and verdict without sweep.json', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'runs.csv'), 'run,point,replication,seed,a.b,verdict,dpd_final\n0,0,0,1,1,stable,0.5\n1,1,0,1,2,stable,0.7\n');
    const s = readSweep(dir);
    expect(s.params).toEqual(['a.b']);
    expect(sweepGrid(s)).toBeNull();
    expect(sweepLine(s, 'a.b').mean).toEqual([0.5, 0.7]);
  });
});
