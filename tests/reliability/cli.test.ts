import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadExperiment } from '../../src/experiments/load.ts';
import { writeReport } from '../../src/cli/report.ts';
import { runScenario } from '../../src/run/runScenario.ts';
import { InputError, loadScenario } from '../../src/scenario/load.ts';
import { noStack, tempDir, URD, urd, urdChild } from './helpers.ts';

/**
 * The CLI's own edges: standard output that fails, exit codes of bad input, wording, and what
 * urd prints from files (escaped). Every case is bad input or a fault a user can cause; each
 * must give one clear line and the documented exit code, never a stack trace.
 */
const scratch = tempDir('urd-cli-');
const SCENARIO = join(scratch, 'small.yaml');
const EXPERIMENT = join(scratch, 'exp.yaml');

beforeAll(() => {
  writeFileSync(SCENARIO, 'name: small\nseed: 3\nticks: 3\nworld: { residents: 300 }\n');
  writeFileSync(EXPERIMENT, 'name: e\nbase: small.yaml\nseed: 5\nreplications: 2\nparameters:\n  talent.barrier: [0.3, 1.5]\nmetrics: [dpd_final]\n');
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Exit code 2 (or `code`), exactly one line on stderr matching `expected`, no stack trace. */
function refused(r: { code: number | null; stderr: string }, expected: RegExp, code = 2): void {
  expect(r.code, r.stderr).toBe(code);
  expect(r.stderr.trimEnd().split('\n'), r.stderr).toHaveLength(1);
  expect(r.stderr).toMatch(expected);
  expect(noStack(r.stderr)).toBe(true);
}

/** Runs urd through a shell pipeline; returns urd's own exit code and stderr. */
function piped(args: string, into: string, env: NodeJS.ProcessEnv = {}): { code: number; stderr: string } {
  const r = spawnSync('bash', ['-c', `node ${URD} ${args} 2>${join(scratch, 'err')} ${into}; exit \${PIPESTATUS[0]}`], { encoding: 'utf8', env: { ...process.env, URD_NO_REPORT: '1', ...env } });
  return { code: r.status as number, stderr: readFileSync(join(scratch, 'err'), 'utf8') };
}

describe('standard output that fails', () => {
  it('urd list | head -1: quiet, exit 0', () => {
    const r = piped('list', '| head -c 1 >/dev/null');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('urd run ... | true still writes its report, without a word about the pipe', () => {
    const dir = join(scratch, 'piped-run');
    const r = piped(`run ${SCENARIO} --out ${dir}`, '| true', { URD_NO_REPORT: '' });
    expect(r.stderr).not.toMatch(/EPIPE|Error/);
    expect(r.code).toBe(0);
    expect(existsSync(join(dir, 'report.html'))).toBe(true);
  }, 60_000);

  it('stdout redirected to /dev/full: one line saying the disk is full, exit 1', () => {
    const r = piped('list', '>/dev/full');
    expect(r.stderr).toBe('urd: cannot write to standard output: the disk is full\n');
    expect(r.code).toBe(1);
  });
});

describe('bad input exits 2 with one line, whatever the command', () => {
  it('urd list of a missing folder, compare with seeds beyond the range, a negative --seed', () => {
    refused(urd(['list', join(scratch, 'nowhere')]), /nowhere: folder not found/);
    refused(urd(['compare', SCENARIO, SCENARIO, '--seeds', '99999999999']), /--seeds: expected 1 to 10000, got 99999999999/);
    // The last seed would be 2^32, which urd run refuses: so compare refuses it first.
    refused(urd(['compare', SCENARIO, SCENARIO, '--seed', '4294967295', '--seeds', '2']), /--seed: expected the last seed .* to be at most 4294967295, got 4294967296/);
    refused(urd(['run', SCENARIO, '--seed', '-1']), /--seed: expected a whole number ≥ 0, got "-1"/);
  }, 60_000);

  it('urd report on a hand-edited manifest or summary, or an empty metrics.csv: bad input; on a run marked incomplete, the report says so', () => {
    const run = join(scratch, 'report-run');
    runScenario(loadScenario(SCENARIO), { dir: run });
    const copy = (name: string, edit: (dir: string) => void) => {
      const dir = join(scratch, `report-${name}`);
      cpSync(run, dir, { recursive: true });
      edit(dir);
      return dir;
    };
    const json = (dir: string, file: string, change: (doc: Record<string, any>) => void) => {
      const doc = JSON.parse(readFileSync(join(dir, file), 'utf8'));
      change(doc);
      writeFileSync(join(dir, file), JSON.stringify(doc));
    };
    const cases: [string, RegExp][] = [
      [copy('manifest', (d) => json(d, 'manifest.json', (m) => (m.scenario.world.rings = [{}]))), /manifest\.json: scenario\.world\.rings\.0\.[a-z]+: .*edited by hand/],
      [copy('summary', (d) => json(d, 'summary.json', (s) => (s.dpd = 'big'))), /summary\.json: dpd: .*edited by hand/],
      [copy('empty', (d) => writeFileSync(join(d, 'metrics.csv'), '')), /metrics\.csv: holds no metric rows/],
      [copy('header', (d) => writeFileSync(join(d, 'metrics.csv'), 'tick,scope,metric,value\n')), /metrics\.csv: holds no metric rows/],
    ];
    for (const [dir, expected] of cases) {
      expect(() => writeReport(dir), dir).toThrow(InputError);
      expect(() => writeReport(dir), dir).toThrow(expected);
    }
    // Killed before its end: only the streamed .partial files, no summary; the user is told to resume, not that it is no run.
    const killed = copy('killed', (d) => {
      json(d, 'manifest.json', (m) => (m.complete = false));
      cpSync(join(d, 'metrics.csv'), join(d, 'metrics.csv.partial'));
      rmSync(join(d, 'metrics.csv'));
      rmSync(join(d, 'summary.json'));
    });
    refused(urd(['report', killed]), new RegExp(`${killed}: an incomplete run .*continue it with urd run --resume ${killed}`));
    expect(existsSync(join(killed, 'report.html'))).toBe(false);
    const incomplete = copy('incomplete', (d) => json(d, 'manifest.json', (m) => (m.complete = false)));
    const r = writeReport(incomplete);
    expect(r.notes.join(' ')).toMatch(/This run is incomplete/);
    expect(readFileSync(join(incomplete, 'report.html'), 'utf8')).toMatch(/This run is incomplete/);
  }, 60_000);

  it('SIGTERM during urd report: the report being drawn is finished, then exit 130 with a line saying so', async () => {
    const dirs = [1, 2, 3].map((k) => join(scratch, `sig-${k}`));
    for (const d of dirs) runScenario(loadScenario(SCENARIO), { dir: d });
    const child = urdChild(['report', '--quiet', ...dirs]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    for (let i = 0; i < 3000 && !stdout.includes('report.html'); i++) await new Promise((r) => setTimeout(r, 10));
    child.kill('SIGTERM');
    expect(await exit, stderr).toBe(130);
    expect(stderr).toMatch(/urd: SIGTERM: stopped after [123] of 3 reports \(each one written whole\)/);
    expect(noStack(stderr)).toBe(true);
    for (const d of dirs) expect(existsSync(join(d, 'report.html.partial'))).toBe(false);
  }, 90_000);

  it('SIGTERM while urd run writes its report: exit 130, one line saying the run is complete and how to rewrite the report, nothing half-written', async () => {
    // The manifest is marked complete last, just before the report is drawn (about 2 s): signal
    // then. A parent starved of CPU may look too late (the report already printed); then try again.
    for (let attempt = 1; ; attempt++) {
      const dir = join(scratch, `sig-run-${attempt}`);
      const child = urdChild(['run', SCENARIO, '--out', dir, '--quiet'], { report: true });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      const complete = () => existsSync(join(dir, 'manifest.json')) && /"complete":\s*true/.test(readFileSync(join(dir, 'manifest.json'), 'utf8'));
      for (let i = 0; i < 3000 && !complete() && child.exitCode === null; i++) await new Promise((r) => setTimeout(r, 10));
      const late = child.exitCode !== null || stdout.includes('report.html');
      if (late && attempt < 5) {
        child.kill('SIGKILL');
        await exit;
        continue;
      }
      expect(late, `the report was written before the signal in ${attempt} attempts`).toBe(false);
      child.kill('SIGTERM');
      const code = await exit;
      // Finished between the look and the signal (a starved parent): the signal found no process.
      if (code === 0 && attempt < 5) continue;
      expect(code, stderr).toBe(130);
      expect(stderr.trimEnd().split('\n'), stderr).toHaveLength(1);
      expect(stderr).toMatch(new RegExp(`urd: SIGTERM received while writing the report; ${dir} is complete \\(its report can be written again with urd report ${dir}\\)`));
      expect(existsSync(join(dir, 'report.html.partial'))).toBe(false);
      if (existsSync(join(dir, 'report.html'))) expect(readFileSync(join(dir, 'report.html'), 'utf8')).toMatch(/<\/html>\s*$/);
      const again = urd(['report', '--quiet', dir]);
      expect(again.code, again.stderr).toBe(0);
      expect(readFileSync(join(dir, 'report.html'), 'utf8')).toMatch(/<\/html>\s*$/);
      return;
    }
  }, 90_000);

  it('wording: a strict bound says "> 0", NaN is shown as NaN', () => {
    const exp = (name: string, params: string) => {
      const path = join(scratch, `${name}.yaml`);
      writeFileSync(path, `base: small.yaml\nparameters:\n${params}`);
      return path;
    };
    expect(() => loadExperiment(exp('step0', '  talent.barrier: { from: 0, to: 1, step: 0 }\n'))).toThrow(/step: expected a value > 0, got 0/);
    expect(() => loadExperiment(exp('nan', '  talent.barrier: { from: .nan, to: 1, step: 0.5 }\n'))).toThrow(/from: expected number, got NaN/);
  });
});

describe('names from files are escaped in urd list', () => {
  it('a question with escape sequences and newlines prints as one harmless line; a long one is clipped', () => {
    const dir = join(scratch, 'list');
    mkdirSync(dir);
    writeFileSync(join(dir, 'evil.yaml'), `name: evil\nquestion: "\\e]0;owned\\a\\nrm -rf ~ \\u202e"\n`);
    writeFileSync(join(dir, 'long.yaml'), `name: long\nquestion: "${'q'.repeat(100_000)}"\n`);
    const r = urd(['list', dir]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(r.stdout).not.toMatch(/[\x00-\x09\x0b-\x1f\u202e]/);
    expect(lines[0]).toContain('\\x1b]0;owned\\x07\\x0arm -rf ~ \\u202e');
    expect(lines[1].length).toBeLessThan(300);
  });
});

describe('sweeps of many points and many workers', () => {
  it('the base is read once for all points, and progress is reported while checking them', () => {
    const dir = join(scratch, 'many');
    mkdirSync(dir);
    writeFileSync(join(dir, 'small.yaml'), 'name: small\nticks: 3\nworld: { residents: 300 }\n');
    writeFileSync(join(dir, 'exp.yaml'), 'base: small.yaml\nparameters:\n  talent.barrier: { from: 0, to: 1.499, step: 0.001 }\n');
    const calls: number[] = [];
    const plan = loadExperiment(join(dir, 'exp.yaml'), (done) => {
      calls.push(done);
      // Once checking is under way, the base file disappears: a loader that reads it per point fails.
      rmSync(join(dir, 'small.yaml'), { force: true });
    });
    expect(plan.points).toHaveLength(1500);
    expect(calls).toEqual([500, 1000, 1500]);
  }, 60_000);

  it('--workers 1000 on a 4-run sweep starts 4 workers, and warns when that is more than the CPUs', () => {
    const r = urd(['sweep', EXPERIMENT, '--workers', '1000', '--out', join(scratch, 'workers')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/with 4 workers/);
    if (availableParallelism() < 4) expect(r.stderr).toMatch(/4 workers on \d+ CPUs: runs will share them/);
  }, 60_000);

  it('a second whole sweep into the same folder is refused while the first runs, naming it', async () => {
    const slow = join(scratch, 'slow.yaml');
    writeFileSync(join(scratch, 'slowbase.yaml'), 'name: slowbase\nticks: 200\nworld: { residents: 3000 }\n');
    writeFileSync(slow, 'name: slow\nbase: slowbase.yaml\nreplications: 4\nmetrics: [dpd_final]\n');
    const dir = join(scratch, 'contended');
    const first = urdChild(['sweep', slow, '--out', dir, '--workers', '1', '--quiet']);
    const exit = new Promise((resolve) => first.on('exit', resolve));
    for (let i = 0; i < 500 && !existsSync(join(dir, '.urd.lock')); i++) await new Promise((r) => setTimeout(r, 10));
    const second = urd(['sweep', slow, '--out', dir, '--workers', '1', '--quiet']);
    first.kill('SIGKILL');
    await exit;
    refused(second, new RegExp(`cannot run a sweep in ${dir}: it is in use by urd process ${first.pid}`), 1);
  }, 60_000);
});
