import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { SMALL, writeExperiment } from '../experiments/helpers.ts';
import { tempDir } from './helpers.ts';

/**
 * SIGTERM at the end of a command, once its result is complete: exit 130 and one line saying
 * the result is complete, never the default action (exit 143, no word). The commands run in
 * this process and the signal is delivered at an exact moment (process.emit calls the handlers
 * the command installed, synchronously, and does nothing when there are none, as a window
 * without handlers would let the real signal kill the process), so the windows are tested
 * deterministically.
 */
const scratch = tempDir('urd-signals-');
const SCENARIO = join(scratch, 'small.yaml');
const OTHER = join(scratch, 'other.yaml');
beforeAll(() => {
  writeFileSync(SCENARIO, 'name: small\nseed: 3\nticks: 3\nworld: { residents: 200 }\n');
  writeFileSync(OTHER, 'name: other\nseed: 3\nticks: 3\nworld: { residents: 200 }\n');
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs `urd ARGS` in this process and delivers SIGTERM when a line written to stdout matches `at`. */
async function signalledAt(args: string[], at: RegExp): Promise<{ code: number; stderr: string[]; signalled: boolean }> {
  let stderr = '';
  let signalled = false;
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    if (!signalled && at.test(String(chunk))) {
      signalled = true;
      process.emit('SIGTERM', 'SIGTERM');
    }
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  try {
    const code = await main(args);
    return { code, stderr: stderr.split('\n').filter(Boolean), signalled };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

describe('urd run: no moment after the run is complete is left to the default action', () => {
  it('SIGTERM while the summary is printed (after the swap, before the report): exit 130, one line, the run complete', async () => {
    const dir = join(scratch, 'run-summary');
    expect(await main(['run', SCENARIO, '--out', dir, '--quiet', '--no-report'])).toBe(0);
    const r = await signalledAt(['run', SCENARIO, '--out', dir, '--seed', '4', '--force', '--no-report'], /^verdict:/);
    expect(r.signalled).toBe(true);
    expect(r.code).toBe(130);
    expect(r.stderr).toEqual([`urd: SIGTERM received as it finished; ${dir} is complete`]);
    expect(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'))).toMatchObject({ complete: true, scenario: { seed: 4 } });
    expect(readdirSync(scratch).filter((n) => n.startsWith('run-summary.'))).toEqual([]);
  });

  it('SIGTERM while the last line (the folder) is printed: exit 130, one line', async () => {
    const dir = join(scratch, 'run-last');
    const r = await signalledAt(['run', SCENARIO, '--out', dir, '--quiet', '--no-report'], new RegExp(`^${dir}\\n$`));
    expect(r.signalled).toBe(true);
    expect(r.code).toBe(130);
    expect(r.stderr).toEqual([`urd: SIGTERM received as it finished; ${dir} is complete`]);
  });
});

describe('SIGTERM while the report is written at the end of sweep, merge, compare and demo: exit 130, one line saying the result is complete', () => {
  const said = (dir: string) => `urd: SIGTERM received while writing the report; ${dir} is complete (its report can be written again with urd report ${dir})`;

  it('urd sweep', async () => {
    const exp = writeExperiment(scratch, SMALL.replace('replications: 2', 'replications: 1'));
    const dir = join(scratch, 'sweep');
    const r = await signalledAt(['sweep', exp, '--out', dir, '--quiet', '--workers', '1'], /report\.html/);
    expect(r.signalled).toBe(true);
    expect(r.code).toBe(130);
    expect(r.stderr.filter((l) => l.startsWith('urd:'))).toEqual([said(dir)]);
    expect(existsSync(join(dir, 'aggregate.csv'))).toBe(true);
    expect(existsSync(join(dir, 'report.html.partial'))).toBe(false);
  }, 60_000);

  it('urd merge', async () => {
    const exp = writeExperiment(scratch, SMALL.replace('replications: 2', 'replications: 1'));
    const shards = [0, 1].map((i) => join(scratch, `shard-${i}`));
    for (const [i, d] of shards.entries()) expect(await main(['sweep', exp, '--out', d, '--quiet', '--workers', '1', '--shard', `${i}/2`])).toBe(0);
    const out = join(scratch, 'merged');
    const r = await signalledAt(['merge', ...shards, '--out', out], /report\.html/);
    expect(r.signalled).toBe(true);
    expect(r.code).toBe(130);
    expect(r.stderr.filter((l) => l.startsWith('urd:'))).toEqual([said(out)]);
    expect(existsSync(join(out, 'aggregate.csv'))).toBe(true);
  }, 60_000);

  it('urd compare (demo shares its code: runStaged)', async () => {
    const dir = join(scratch, 'compare');
    const r = await signalledAt(['compare', SCENARIO, OTHER, '--seeds', '1', '--out', dir, '--quiet'], /report\.html/);
    expect(r.signalled).toBe(true);
    expect(r.code).toBe(130);
    expect(r.stderr).toEqual([said(dir)]);
    expect(existsSync(join(dir, 'compare-runs.csv'))).toBe(true);
    expect(existsSync(`${dir}.urd-new`)).toBe(false);
  }, 60_000);

  it('urd demo (without its four reports, to stay fast: the same end as compare)', async () => {
    const dir = join(scratch, 'demo');
    const r = await signalledAt(['demo', '--seeds', '1', '--out', dir, '--quiet', '--no-report'], /Outputs: /);
    expect(r.signalled).toBe(true);
    expect(r.code).toBe(130);
    expect(r.stderr).toEqual([`urd: SIGTERM received as it finished; ${dir} is complete`]);
    expect(existsSync(join(dir, 'compare-runs.csv'))).toBe(true);
  }, 60_000);
});
