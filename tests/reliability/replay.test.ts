import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { edits, replayEdits } from '../../src/policy/patches.ts';
import { replayProblem } from '../../src/run/replay.ts';
import { resumeRun, runScenario, runScenarioResumable } from '../../src/run/runScenario.ts';
import { scenarioSchema } from '../../src/scenario/schema.ts';
import { folderDiff, noStack, tempDir, urd } from './helpers.ts';

/**
 * --replay: the recorded edits of a run are checked against the scenario before the run starts
 * and kept in the run folder, so a replayed run stopped before its first checkpoint resumes with
 * them (and not as a plain run that merely looks the same).
 */
const scratch = tempDir('urd-replay-');
const SCENARIO = join(scratch, 'six.yaml');
const scenario = scenarioSchema.parse({
  name: 'six',
  seed: 4,
  ticks: 6,
  world: { residents: 600 },
  fiscal: { mode: 'fixed', value: 300 },
  interventions: [{ lever: 'policy', instrument: 'broadband', start: 1, budget: 100 }],
});
/** events.ndjson of a run edited while it ran: a second intervention added at tick 3, the first one's budget changed at tick 4. */
const EVENTS = join(scratch, 'edited', 'events.ndjson');

beforeAll(() => {
  writeFileSync(SCENARIO, JSON.stringify(scenario));
  runScenario(scenario, {
    dir: join(scratch, 'edited'),
    edits: [
      { tick: 3, recipe: edits.add({ lever: 'capital', instrument: 'credit', start: 3, budget: 80 }, 'live1'), label: 'add credit' },
      { tick: 4, recipe: edits.change('s0', { budget: 40 }), label: 'cut broadband' },
    ],
  });
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** An events file holding one patch event. */
function patchFile(name: string, tick: number, patches: unknown[]): string {
  const path = join(scratch, `${name}.ndjson`);
  writeFileSync(path, JSON.stringify({ tick, type: 'patch', label: name, patches }) + '\n');
  return path;
}

describe('--replay patches are validated before the run starts', () => {
  it('a patch of the clock, one past the run, or one that breaks an intervention: exit 2, one line, nothing written', () => {
    const cases: [string, RegExp][] = [
      [patchFile('clock', 2, [{ op: 'replace', path: ['tick'], value: 1000 }]), /edit 1 \(tick 2\): expected patches of the programme .*"path":\["tick"\]/],
      [patchFile('late', 1000, [{ op: 'replace', path: ['interventions', 0, 'budget'], value: 5 }]), /edit 1 \(tick 1000\): expected a tick from 1 to 6 \(the run's length\)/],
      [patchFile('broken', 2, [{ op: 'replace', path: ['interventions', 0, 'lever'], value: 'nonsense' }]), /edit 1 \(tick 2\): leaves intervention 0 invalid \(lever: /],
      [patchFile('missing', 2, [{ op: 'replace', path: ['interventions', 5, 'budget'], value: 5 }]), /edit 1 \(tick 2\): (the patches do not apply|leaves intervention)/],
    ];
    for (const [file, expected] of cases) expect(replayProblem(replayEdits(readFileSync(file, 'utf8')), scenario)).toMatch(expected);
    // Through the CLI once: exit 2, one line, no folder.
    const out = join(scratch, 'never');
    const r = urd(['run', SCENARIO, '--replay', cases[0][0], '--out', out, '--quiet']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr.trimEnd().split('\n'), r.stderr).toHaveLength(1);
    expect(r.stderr).toMatch(cases[0][1]);
    expect(noStack(r.stderr)).toBe(true);
    expect(existsSync(out)).toBe(false);
  }, 60_000);
});

describe('a replayed run keeps its edits in its folder', () => {
  it('stopped before its first checkpoint, it resumes with the edits, to the bytes of an uninterrupted replay', async () => {
    const replayed = replayEdits(readFileSync(EVENTS, 'utf8'));
    expect(replayed).toHaveLength(2);
    const whole = join(scratch, 'whole');
    await runScenarioResumable(scenario, whole, { edits: replayed });
    // The replay reproduces the edited run exactly.
    expect(readFileSync(join(whole, 'events.ndjson'), 'utf8')).toBe(readFileSync(EVENTS, 'utf8'));

    const dir = join(scratch, 'killed');
    let at = -1;
    await runScenarioResumable(scenario, dir, { edits: replayed, onTick: (t) => (at = t), shouldStop: () => at >= 1 });
    // As if killed before the first checkpoint: the folder has its manifest and partial files only.
    rmSync(join(dir, 'checkpoint.bin'));
    const done = await resumeRun(dir);
    expect(done).toMatchObject({ status: 'complete', resumedFrom: null });
    expect(folderDiff(whole, dir)).toEqual([]);
    expect(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')).replay.file).toBe('replay.ndjson');
  });

  it('a replay.ndjson edited by hand is refused on resume', async () => {
    const dir = join(scratch, 'tampered');
    let at = -1;
    await runScenarioResumable(scenario, dir, { edits: replayEdits(readFileSync(EVENTS, 'utf8')), onTick: (t) => (at = t), shouldStop: () => at >= 1 });
    rmSync(join(dir, 'checkpoint.bin'));
    writeFileSync(join(dir, 'replay.ndjson'), '');
    await expect(resumeRun(dir)).rejects.toThrow(/replay\.ndjson: does not match the hash in manifest\.json/);
  });
});
