import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parquetReadObjects } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import { exportTable, splitScope } from '../../src/experiments/export.ts';
import { parameterRows } from '../../src/cli/params.ts';
import { readMetrics } from '../../src/report/read.ts';
import { scenarioSchema } from '../../src/scenario/schema.ts';
import { InputError } from '../../src/scenario/load.ts';
import { tempDir, writeFixtureComparison, writeFixtureSweep } from '../report/fixture.ts';

/** Reads a Parquet file back with an independent reader (hyparquet). */
async function readParquet(path: string): Promise<Record<string, unknown>[]> {
  const bytes = readFileSync(path);
  return parquetReadObjects({ file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) });
}

describe('urd export', () => {
  it('gathers every run of a comparison into one tidy Parquet table that reads back row for row', async () => {
    const dir = tempDir();
    writeFixtureComparison(dir, ['core-first', 'periphery-first'], [1, 2]);
    const out = join(dir, 'export.parquet');
    const r = exportTable(dir, out, 'parquet');
    expect(r.runs).toBe(4);
    const rows = await readParquet(out);
    expect(rows.length).toBe(r.rows);
    expect(Object.keys(rows[0])).toEqual(['source', 'scenario', 'seed', 'tick', 'scope_kind', 'scope_index', 'metric', 'value']);
    // Every value of one run's metrics.csv is in the table, under its scenario and seed.
    const run = readMetrics(join(dir, 'periphery-first', 'seed-2', 'metrics.csv'));
    const mine = rows.filter((x) => x.scenario === 'periphery-first' && x.seed === 2);
    const dpd = run.series('dpd');
    expect(mine.filter((x) => x.metric === 'dpd' && x.scope_kind === 'all').map((x) => x.value)).toEqual(dpd.values);
    const ring1 = mine.find((x) => x.metric === 'population' && x.scope_kind === 'ring' && x.scope_index === 1 && x.tick === 0);
    expect(ring1?.value).toBe(run.valueAt('population', 'ring:1', 0));
  });

  it('puts a sweep’s parameters in their own columns (CSV too), and refuses to overwrite a foreign file', () => {
    const dir = tempDir();
    writeFixtureSweep(dir);
    const out = join(dir, 'export.csv');
    expect(() => exportTable(dir, out, 'csv')).toThrow(InputError); // no run records yet: nothing to export
    mkdirSync(join(dir, 'runs'));
    writeFileSync(join(dir, 'runs', '0004.json'), JSON.stringify({ run: 4, seed: 100, summary: { scenario: 'fx', ticks: 5, final: { dpd: 0.5, gini: 0.3 } } }));
    exportTable(dir, out, 'csv');
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('source,scenario,seed,talent.barrier,capital.agglomeration,tick,scope_kind,scope_index,metric,value');
    // Run 4 of the fixture (two replications per point) is point 2: barrier 0.2, agglomeration 0.09.
    expect(lines.slice(1)).toEqual(['runs/0004.json,fx,100,0.2,0.09,5,all,NA,dpd,0.5', 'runs/0004.json,fx,100,0.2,0.09,5,all,NA,gini,0.3']);
    exportTable(dir, out, 'csv'); // an earlier export is replaced
    const root = tempDir();
    writeFixtureComparison(join(root, 'cmp'), ['a'], [7]);
    const csv = join(root, 'all.csv');
    writeFileSync(csv, 'my notes\n');
    expect(() => exportTable(root, csv, 'csv')).toThrow(/not an earlier urd export/);
    expect(readFileSync(csv, 'utf8')).toBe('my notes\n');
  });

  it('splits scopes into kind and index', () => {
    expect(splitScope('all')).toEqual(['all', null]);
    expect(splitScope('ring:3')).toEqual(['ring', 3]);
    expect(splitScope('place:120')).toEqual(['place', 120]);
  });
});

describe('urd params', () => {
  it('lists each parameter with the unit, range and default the schema gives it', () => {
    const rows = parameterRows();
    const barrier = rows.find((r) => r.path === 'talent.barrier');
    expect(barrier).toMatchObject({ unit: 'utility', min: 0, max: 100, default: scenarioSchema.parse({}).talent.barrier });
    expect(rows.every((r) => r.meaning.length > 0 && r.unit.length > 0)).toBe(true);
  });
});
