import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir, urd } from '../support.ts';

describe('urd compare and urd demo', () => {
  it('runs scenarios on common seeds and writes a paired comparison', () => {
    const out = join(tempDir(), 'cmp');
    const r = urd(['compare', 'scenarios/allocation-core-first.yaml', 'scenarios/allocation-periphery-first.yaml', '--seeds', '2', '--ticks', '8', '--set', 'world.residents=2000', '--out', out, '--no-report', '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/allocation-core-first \(reference\)  +allocation-periphery-first/);
    // Columns never run together: every entry of the verdict row is set apart by at least two spaces.
    expect(r.stdout.split('\n').find((l) => l.startsWith('verdict (net)'))).toMatch(/^verdict \(net\) +(widened|narrowed|unchanged) \d\/2(, \S+ \d\/2)*  +\S+ \d\/2/);
    expect(r.stdout.split('\n').find((l) => l.startsWith('recent'))).toMatch(/^recent +(widening|narrowing|flat) \d\/2/);
    expect(r.stdout).not.toMatch(/e-1\d|−/); // no floating-point noise, one minus sign
    const csv = readFileSync(join(out, 'compare.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('scenario,metric,seeds,mean,sd,ci95_lo,ci95_hi,versus,diff,diff_sd,diff_ci95_lo,diff_ci95_hi');
    // Every pair both ways: A − B is minus (B − A), and each row's mean difference is its mean minus the other's mean.
    const row = (a: string, b: string, m: string) => csv.find((l) => l.startsWith(`${a},${m},`) && l.split(',')[7] === b)!.split(',').map(Number);
    const A = 'allocation-core-first';
    const B = 'allocation-periphery-first';
    for (const m of ['gap_final', 'final.gini', 'rural_share']) {
      expect(row(A, B, m)[8]).toBeCloseTo(-row(B, A, m)[8], 12);
      expect(row(A, B, m)[8]).toBeCloseTo(row(A, B, m)[3] - row(B, A, m)[3], 12);
      expect(row(A, B, m)[10]).toBeLessThanOrEqual(row(A, B, m)[11]);
    }
    expect(JSON.parse(readFileSync(join(out, 'compare.json'), 'utf8')).reference).toBe(A);
    const runs = readFileSync(join(out, 'compare-runs.csv'), 'utf8').trim().split('\n').slice(1);
    expect(runs.map((l) => l.split(',').slice(0, 2).join(','))).toEqual(['allocation-core-first,1', 'allocation-core-first,2', 'allocation-periphery-first,1', 'allocation-periphery-first,2']);
    // Equal budgets: spending_total is the same for both programmes.
    const spend = csv.filter((l) => l.includes(',spending_total,')).map((l) => Number(l.split(',')[3]));
    expect(spend[0]).toBeCloseTo(spend[1], 6);
    // The reading printed is the one kept in the folder for the report.
    const reading = readFileSync(join(out, 'reading.txt'), 'utf8').trim();
    expect(reading).toMatch(/In the reference, Differential order: core first, the urban–rural gap \|DPD\| goes from/);
    expect(r.stdout).toContain(reading);
  });

  it('the demo prints a table and a plain-language reading', () => {
    const out = join(tempDir(), 'demo');
    const r = urd(['demo', '--seeds', '1', '--out', out, '--no-report', '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    // The demo asks core first against periphery first, so core first is the reference.
    expect(r.stdout).toMatch(/laissez-faire-agglomeration  +backwash-core-first \(reference\)  +backwash-periphery-first/);
    expect(r.stdout).toMatch(/In the reference, Backwash world, governed core first, the urban–rural gap \|DPD\| goes from [\d.]+ to [\d.]+ over 30 years/);
    expect(r.stdout).toMatch(/Backwash world, governed periphery first ends at [\d.]+, [-+][\d.]+ against the reference/);
    // Efficiency and inequality stand beside the gap, and the reading says whether the options trade off.
    expect(r.stdout).toMatch(/final\.income_pc[\s\S]*final\.gini[\s\S]*final\.theil/);
    expect(r.stdout).toMatch(/the options (trade a smaller gap against efficiency or equality|do not trade off)/);
    expect(r.stdout).not.toMatch(/clos/);
    expect(r.stdout).toMatch(/At equal total budget/);
    expect(JSON.parse(readFileSync(join(out, 'compare.json'), 'utf8'))).toMatchObject({ reference: 'backwash-core-first', question: expect.stringMatching(/periphery first/) });
  });

  it('--ref picks the reference; an unknown one is refused with a suggestion', () => {
    const out = join(tempDir(), 'cmp');
    const args = ['compare', 'scenarios/allocation-core-first.yaml', 'scenarios/allocation-periphery-first.yaml', '--seeds', '1', '--ticks', '3', '--set', 'world.residents=1000', '--out', out, '--no-report', '--quiet'];
    const bad = urd([...args, '--ref', 'allocation-periphery_frist']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('did you mean "allocation-periphery-first"?');
    expect(existsSync(out)).toBe(false);
    const r = urd([...args, '--ref', 'allocation-periphery-first']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/allocation-core-first  +allocation-periphery-first \(reference\)/);
  });

  it('a comparison file gives the scenarios, question, reference and seeds; the command line overrides it', () => {
    const out = join(tempDir(), 'cmp');
    const small = ['--ticks', '3', '--set', 'world.residents=1000', '--no-report', '--quiet'];
    const r = urd(['compare', 'experiments/compare-orders.yaml', '--seeds', '2', '--out', out, ...small]);
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(readFileSync(join(out, 'compare.json'), 'utf8'));
    expect(json.scenarios).toEqual(['allocation-core-first', 'allocation-periphery-first']);
    expect(json.reference).toBe('allocation-core-first');
    expect(json.seeds).toEqual([1, 2]); // --seeds 2 beats the file's seeds: 5
    expect(json.question).toMatch(/^At equal budget, does spending periphery first/);
    expect(json.question_zh).toMatch(/逆差序/);
    // A file elsewhere: its scenario paths are relative to it; --title and --ref replace the file's.
    const dir = tempDir();
    writeFileSync(join(dir, 'c.yaml'), `scenarios: [${join(process.cwd(), 'scenarios/allocation-core-first.yaml')}, ${join(process.cwd(), 'scenarios/allocation-periphery-first.yaml')}]\ntitle: Old\ntitle_zh: 旧\nseeds: 1\n`);
    const out2 = join(dir, 'out');
    const r2 = urd(['compare', join(dir, 'c.yaml'), '--title', 'New', '--ref', 'allocation-periphery-first', '--out', out2, ...small]);
    expect(r2.code, r2.stderr).toBe(0);
    const json2 = JSON.parse(readFileSync(join(out2, 'compare.json'), 'utf8'));
    expect(json2).toMatchObject({ title: 'New', reference: 'allocation-periphery-first', seeds: [1] });
    expect(json2.title_zh).toBeUndefined();
  });

  it('a bad comparison file exits 2 naming the file, field and line of every problem, and writes nothing', () => {
    const dir = tempDir();
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'scenarios:\n  - ../nowhere-a.yaml\n  - 7\nquestoin: Why?\nseeds: 0\n');
    const r = urd(['compare', file, '--out', join(dir, 'out'), '--no-report', '--quiet']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.yaml:3: scenarios\.1: expected the path of a scenario file, got 7/);
    expect(r.stderr).toMatch(/bad\.yaml:4: questoin: unknown field "questoin" \(did you mean "question"\?\)/);
    expect(r.stderr).toMatch(/bad\.yaml:5: seeds: expected a whole number of seeds ≥ 1, got 0/);
    expect(existsSync(join(dir, 'out'))).toBe(false);
    const lone = urd(['compare', 'scenarios/baseline.yaml', '--no-report', '--quiet']);
    expect(lone.code).toBe(2);
    expect(lone.stderr).toMatch(/baseline\.yaml: expected a comparison file \(with a scenarios: list\) or at least two scenario files/);
    // A reference that names no scenario is blamed on the file's field too.
    writeFileSync(file, `scenarios: [${join(process.cwd(), 'scenarios/allocation-core-first.yaml')}, ${join(process.cwd(), 'scenarios/allocation-periphery-first.yaml')}]\nreference: allocation-core_frist\n`);
    const ref = urd(['compare', file, '--out', join(dir, 'out'), '--no-report', '--quiet']);
    expect(ref.code).toBe(2);
    expect(ref.stderr).toMatch(/bad\.yaml:2: reference: expected one of the scenario names .*did you mean "allocation-core-first"\?/);
  });
});
