import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir, urd } from '../support.ts';

describe('urd compare and urd demo', () => {
  it('runs scenarios on common seeds and writes a paired comparison', () => {
    const out = join(tempDir(), 'cmp');
    const r = urd(['compare', 'scenarios/allocation-core-first.yaml', 'scenarios/allocation-periphery-first.yaml', '--seeds', '2', '--ticks', '8', '--set', 'world.residents=2000', '--out', out, '--no-report', '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/allocation-core-first\s+allocation-periphery-first/);
    const csv = readFileSync(join(out, 'compare.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('scenario,metric,seeds,mean,sd,ci95_lo,ci95_hi,diff_vs_first,diff_sd,diff_ci95_lo,diff_ci95_hi');
    const first = csv.filter((l) => l.startsWith('allocation-core-first,'));
    for (const row of first) expect(row.split(',')[7]).toBe('0'); // the reference differs from itself by 0
    const runs = readFileSync(join(out, 'compare-runs.csv'), 'utf8').trim().split('\n').slice(1);
    expect(runs.map((l) => l.split(',').slice(0, 2).join(','))).toEqual(['allocation-core-first,1', 'allocation-core-first,2', 'allocation-periphery-first,1', 'allocation-periphery-first,2']);
    // Equal budgets: spending_total is the same for both programmes.
    const spend = csv.filter((l) => l.includes(',spending_total,')).map((l) => Number(l.split(',')[3]));
    expect(spend[0]).toBeCloseTo(spend[1], 6);
    // The reading printed is the one kept in the folder for the report.
    const reading = readFileSync(join(out, 'reading.txt'), 'utf8').trim();
    expect(reading).toMatch(/^In the reference, Differential order: core first, the urban-rural gap \|DPD\| goes from/);
    expect(r.stdout).toContain(reading);
  });

  it('the demo prints a table and a plain-language reading', () => {
    const out = join(tempDir(), 'demo');
    const r = urd(['demo', '--seeds', '1', '--out', out, '--no-report', '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/laissez-faire-agglomeration\s+backwash-core-first\s+backwash-periphery-first/);
    expect(r.stdout).toMatch(/Without governance \(laissez-faire-agglomeration\) the urban-rural gap \|DPD\| goes from [\d.]+ to [\d.]+ over 30 years \(widened 1\/1 of the seeds/);
    // Efficiency and inequality stand beside the gap, and the reading says whether the orders trade off.
    expect(r.stdout).toMatch(/final\.income_pc[\s\S]*final\.gini[\s\S]*final\.theil/);
    expect(r.stdout).toMatch(/the orders (trade a smaller gap against efficiency or equality|do not trade off)/);
    expect(r.stdout).not.toMatch(/clos/);
    expect(r.stdout).toMatch(/At equal total budget/);
  });
});
