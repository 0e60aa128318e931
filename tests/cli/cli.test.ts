import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir, urd } from '../support.ts';

const small = ['--set', 'world.residents=3000', '--ticks', '12', '--quiet'];

describe('urd run, end to end', () => {
  it('writes a complete run folder whose metrics are tidy and whose summary matches the printed verdict', () => {
    const out = join(tempDir(), 'run');
    const r = urd(['run', 'scenarios/baseline.yaml', ...small.filter((a) => a !== '--quiet'), '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    for (const f of ['manifest.json', 'metrics.csv', 'events.ndjson', 'summary.json']) expect(existsSync(join(out, f))).toBe(true);
    expect(readdirSync(out).some((f) => f.endsWith('.partial'))).toBe(false);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.complete).toBe(true);
    expect(manifest.seed).toBe(1);
    expect(manifest.scenario.world.residents).toBe(3000);
    expect(manifest.node).toBe(process.version);
    expect(manifest.scenarioHash).toMatch(/^[0-9a-f]{64}$/);
    const lines = readFileSync(join(out, 'metrics.csv'), 'utf8').trim().split('\n');
    expect(lines[0]).toBe('tick,scope,metric,value');
    const ticks = new Set(lines.slice(1).map((l) => Number(l.split(',')[0])));
    expect([...ticks].sort((a, b) => a - b)).toEqual(Array.from({ length: 13 }, (_, t) => t));
    const scopes = new Set(lines.slice(1).map((l) => l.split(',')[1]).filter((s) => !s.startsWith('place:')));
    expect(scopes).toEqual(new Set(['all', 'urban', 'rural', 'ring:0', 'ring:1', 'ring:2', 'ring:3']));
    // Per-place snapshots for the ring maps: the 151 places at the first, middle and last tick.
    const placeTicks = new Set(lines.slice(1).filter((l) => l.split(',')[1].startsWith('place:')).map((l) => Number(l.split(',')[0])));
    expect([...placeTicks]).toEqual([0, 6, 12]);
    expect(lines.filter((l) => /^0,place:\d+,population,/.test(l)).length).toBe(151);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(r.stdout).toContain(`verdict: ${summary.verdict}`);
    expect(r.stdout.trim().split('\n').at(-1)).toBe(out);
  });

  it('gives byte-identical metrics for the same seed and different ones for another seed', () => {
    const base = tempDir();
    const run = (seed: number, name: string) => {
      expect(urd(['run', 'scenarios/baseline.yaml', ...small, '--seed', String(seed), '--out', join(base, name)]).code).toBe(0);
      return readFileSync(join(base, name, 'metrics.csv'));
    };
    const a = run(5, 'a');
    const b = run(5, 'b');
    const c = run(6, 'c');
    expect(a.equals(b)).toBe(true);
    expect(a.equals(c)).toBe(false);
  });

  it('writes report.html with the run unless told not to', () => {
    const out = join(tempDir(), 'reported');
    const r = urd(['run', 'scenarios/baseline.yaml', ...small, '--out', out], { report: true });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(join(out, 'report.html'));
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toMatch(/^<!DOCTYPE html>/i);
    const quiet = join(tempDir(), 'unreported');
    expect(urd(['run', 'scenarios/baseline.yaml', ...small, '--out', quiet, '--no-report'], { report: true }).code).toBe(0);
    expect(existsSync(join(quiet, 'report.html'))).toBe(false);
  });

  it('writes the run report in the language asked for, and refuses a language it does not have', () => {
    const zh = join(tempDir(), 'zh');
    const r = urd(['run', 'scenarios/baseline.yaml', ...small, '--lang', 'zh', '--out', zh], { report: true });
    expect(r.code, r.stderr).toBe(0);
    const html = readFileSync(join(zh, 'report.html'), 'utf8');
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toContain('数字势差');
    const en = join(tempDir(), 'en');
    expect(urd(['run', 'scenarios/baseline.yaml', ...small, '--lang', 'en', '--out', en], { report: true }).code).toBe(0);
    expect(readFileSync(join(en, 'report.html'), 'utf8')).not.toContain('数字势差');
    const bad = urd(['run', 'scenarios/baseline.yaml', ...small, '--lang', 'fr', '--out', join(tempDir(), 'fr')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--lang: expected one of en, zh, got "fr"/);
  });

  it('prints help and version', () => {
    const help = urd(['--help']);
    expect(help.code).toBe(0);
    for (const c of ['run', 'validate', 'compare', 'demo', 'list']) expect(help.stdout).toContain(c);
    expect(urd(['--version']).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(urd(['run', '--help']).stdout).toContain('--checkpoint-every');
    // No command at all is a usage error: help on stderr, exit 2.
    const bare = urd([]);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain('Usage: urd <command>');
    // A mistyped option gets a suggestion.
    const typo = urd(['run', 'scenarios/baseline.yaml', '--seeds', '3']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('unknown option --seeds (did you mean "--seed"?)');
  });
});

describe('bad input: one clear line, exit 2, nothing written', () => {
  const cases: [string, string, RegExp][] = [
    ['unknown field', 'extends: ../../work/main/scenarios/baseline.yaml\ncapital:\n  alpah: 0.3\n', /bad\.yaml:3: capital\.alpah: unknown field "alpah"/],
    ['wrong type', 'ticks: many\n', /bad\.yaml:1: ticks: expected number, got "many"/],
    ['out of range', 'capital:\n  alpha: 1.5\n', /bad\.yaml:2: capital\.alpha: expected a value ≤ 0\.95, got 1\.5/],
    ['broken YAML', 'ticks: [1, 2\nseed: 3\n', /bad\.yaml:\d+: not valid YAML\/JSON/],
    ['unknown instrument', 'interventions:\n  - { lever: policy, instrument: bridges, budget: 5 }\n', /bad\.yaml:2: interventions\[0\]\.instrument: expected one of broadband, upgrade for lever policy/],
  ];
  for (const [kind, text, message] of cases) {
    it(kind, () => {
      const dir = tempDir();
      const file = join(dir, 'bad.yaml');
      writeFileSync(file, text.replace('../../work/main/scenarios/baseline.yaml', join(process.cwd(), 'scenarios/baseline.yaml')));
      const out = join(dir, 'out');
      const r = urd(['run', file, '--out', out]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(existsSync(out)).toBe(false);
    });
  }

  it('missing file', () => {
    const r = urd(['validate', 'scenarios/no-such.yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/scenarios\/no-such\.yaml: file not found/);
  });

  it('extends cycle', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.yaml'), 'extends: b.yaml\n');
    writeFileSync(join(dir, 'b.yaml'), 'extends: a.yaml\n');
    const r = urd(['validate', join(dir, 'a.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/extends: extends cycle: .*a\.yaml → .*b\.yaml → .*a\.yaml/);
  });

  it('a bad --set value names the field', () => {
    const r = urd(['run', 'scenarios/baseline.yaml', '--set', 'talent.barrier=-1', '--out', join(tempDir(), 'x')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/talent\.barrier: expected a value ≥ 0, got -1/);
  });
});

describe('urd validate and list', () => {
  it('validates every stock scenario and lists each with its question', () => {
    // The stock library is the folder's own files; scenarios/large holds scale tests, not presets.
    const stock = readdirSync('scenarios').filter((f) => f.endsWith('.yaml'));
    const v = urd(['validate', ...stock.map((f) => join('scenarios', f)), 'scenarios/large/province-100k.yaml']);
    expect(v.code, v.stderr).toBe(0);
    const list = urd(['list']);
    expect(list.code).toBe(0);
    expect(list.stdout.trim().split('\n').length).toBe(stock.length);
    expect(list.stdout).toMatch(/baseline\.yaml\s+Without governance/);
  });
});
