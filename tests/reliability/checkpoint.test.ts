import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CheckpointError, DERIVED_WORLD_FIELDS, restoreWorld, saveWorld } from '../../src/engine/checkpoint.ts';
import { allocateWorld, type World } from '../../src/engine/world.ts';
import { OutputError } from '../../src/io/atomic.ts';
import { CheckpointFileError, readCheckpointFile, writeCheckpointFile } from '../../src/io/checkpointFile.ts';
import { initializeWorld } from '../../src/model/initialize.ts';
import { tick } from '../../src/model/tick.ts';
import { queueEdit } from '../../src/policy/patches.ts';
import { resumeRun, runScenario, runScenarioResumable } from '../../src/run/runScenario.ts';
import { InputError } from '../../src/scenario/load.ts';
import { scenarioSchema, type Scenario } from '../../src/scenario/schema.ts';
import { COMPARED, folderDiff, tempDir } from './helpers.ts';
import { hostname } from 'node:os';
import { LOCK_FILE } from '../../src/io/runFolder.ts';

const scratch = tempDir('urd-ckpt-');
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A small world with an intervention on every lever, so the policy plan, events and spending totals all carry state. */
export const LEVERS_SCENARIO: Scenario = scenarioSchema.parse({
  name: 'levers',
  seed: 42,
  ticks: 16,
  world: { residents: 3000 },
  fiscal: { mode: 'fixed', value: 400 },
  interventions: [
    { lever: 'policy', instrument: 'broadband', allocation: 'periphery-first', start: 2, end: 9, ramp: 3, budget: 150 },
    { lever: 'capital', instrument: 'credit', allocation: 'need-based', start: 3, budget: 120 },
    { lever: 'talent', instrument: 'registration', start: 4, end: 12, intensity: 0.7 },
    { lever: 'industry', instrument: 'ecommerce', allocation: 'core-first', start: 1, budget: 200 },
    { lever: 'rights', instrument: 'benefit-sharing', start: 6, intensity: 0.5, target: { class: 'rural' } },
  ],
});

function worldAt(scenario: Scenario, ticks: number): World {
  const w = initializeWorld(scenario, scenario.seed);
  for (let t = 0; t < ticks; t++) {
    tick(w);
    w.events.length = 0;
  }
  return w;
}

describe('checkpoint file', () => {
  it('round-trips a tree bit for bit: every typed array type, odd lengths, NaN, ±Infinity, -0, $-keys, __proto__', () => {
    const tree = {
      f64: Float64Array.from([1 / 3, -0, NaN, Infinity, -Infinity, 5e-324, Number.MAX_VALUE]),
      f32: Float32Array.from([0.1, -2.5, 3]),
      i32: Int32Array.from([-1, 2 ** 31 - 1, -(2 ** 31)]),
      u32: Uint32Array.from([2 ** 32 - 1]),
      i16: Int16Array.from([-3, 7, 9]),
      u16: Uint16Array.from([65535]),
      i8: Int8Array.from([-128, 127, 0, 1, 2]),
      u8: Uint8Array.from([255, 0, 1]),
      empty: new Float64Array(0),
      numbers: [0.1 + 0.2, -0, NaN, -Infinity, 1e308, 2 ** 53 + 2],
      nested: { $blob: 'not a blob', $$x: 1, $num: 'text', list: [[1, 'two', null, true]] },
      text: 'ünïcødé ✓ "quoted"\n',
    };
    Object.defineProperty(tree.nested, '__proto__', { value: { polluted: true }, enumerable: true, writable: true, configurable: true });
    const path = join(scratch, 'tree.bin');
    writeCheckpointFile(path, tree);
    const back = readCheckpointFile(path) as typeof tree;
    for (const k of ['f64', 'f32', 'i32', 'u32', 'i16', 'u16', 'i8', 'u8', 'empty'] as const) {
      expect(back[k].constructor).toBe(tree[k].constructor);
      expect(Buffer.from(back[k].buffer, back[k].byteOffset, back[k].byteLength).equals(Buffer.from(tree[k].buffer))).toBe(true);
    }
    expect(back.numbers.length).toBe(tree.numbers.length);
    tree.numbers.forEach((v, i) => expect(Object.is(back.numbers[i], v)).toBe(true));
    expect(Object.is(back.f64[1], -0)).toBe(true);
    expect(back.nested.$blob).toBe('not a blob');
    expect(back.nested.$$x).toBe(1);
    expect(back.nested.$num).toBe('text');
    expect(back.nested.list).toEqual([[1, 'two', null, true]]);
    expect(Object.hasOwn(back.nested, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(back.text).toBe(tree.text);
    expect(existsSync(path + '.tmp')).toBe(false);
  });

  it('refuses damaged, truncated and foreign files with a CheckpointFileError', () => {
    const path = join(scratch, 'damaged.bin');
    writeCheckpointFile(path, { a: new Float64Array(1000).fill(1), b: 'x' });
    const good = readFileSync(path);
    const cases: [string, Buffer][] = [
      ['one flipped bit in an array', Buffer.concat([good.subarray(0, 2000), Buffer.from([good[2000] ^ 1]), good.subarray(2001)])],
      ['one flipped bit in the header', Buffer.concat([good.subarray(0, 20), Buffer.from([good[20] ^ 4]), good.subarray(21)])],
      ['truncated', good.subarray(0, good.length - 100)],
      ['empty', Buffer.alloc(0)],
      ['not a checkpoint', Buffer.from('{"tick": 3}')],
    ];
    for (const [what, bytes] of cases) {
      writeFileSync(path, bytes);
      expect(() => readCheckpointFile(path), what).toThrow(CheckpointFileError);
    }
    expect(() => readCheckpointFile(join(scratch, 'missing.bin'))).toThrow(CheckpointFileError);
  });

  it('fails to write with an OutputError naming the path, leaving neither the file nor its temporary', () => {
    const file = join(scratch, 'a-file');
    writeFileSync(file, 'x');
    const path = join(file, 'checkpoint.bin');
    expect(() => writeCheckpointFile(path, { a: new Float64Array(3) })).toThrow(OutputError);
    expect(() => writeCheckpointFile(path, { a: new Float64Array(3) })).toThrow(/a-file\/checkpoint\.bin/);
    expect(existsSync(path + '.tmp')).toBe(false);
  });

  it('replaces the previous checkpoint atomically (a stale temporary file is ignored and overwritten)', () => {
    const path = join(scratch, 'replace.bin');
    writeCheckpointFile(path, { v: 1 });
    writeFileSync(path + '.tmp', 'half-written garbage');
    expect((readCheckpointFile(path) as { v: number }).v).toBe(1);
    writeCheckpointFile(path, { v: 2 });
    expect((readCheckpointFile(path) as { v: number }).v).toBe(2);
    expect(existsSync(path + '.tmp')).toBe(false);
  });
});

describe('saving and restoring a world', () => {
  it('covers every field of a world except the derived ones, and every typed array of every store', () => {
    const w = worldAt(LEVERS_SCENARIO, 5);
    const saved = saveWorld(w);
    for (const k of Object.keys(w)) expect(DERIVED_WORLD_FIELDS.includes(k as never) || k in saved, k).toBe(true);
    for (const store of ['places', 'residents', 'scratch'] as const) {
      for (const [k, v] of Object.entries(w[store])) if (ArrayBuffer.isView(v)) expect(saved[store][k], `${store}.${k}`).toBe(v);
    }
    for (const [k, v] of Object.entries(w.ledger)) if (ArrayBuffer.isView(v)) expect(saved.ledger[k], `ledger.${k}`).toBe(v);
    expect(saved.plan.spend.length).toBeGreaterThan(0);
    expect(() => saveWorld({ ...w, extra: 1 } as unknown as World)).toThrow(/"extra" is not covered/);
  });

  it('restores a world that then evolves exactly like the original (through the file)', () => {
    const original = worldAt(LEVERS_SCENARIO, 7);
    const path = join(scratch, 'world.bin');
    writeCheckpointFile(path, saveWorld(original));
    const copy = allocateWorld(LEVERS_SCENARIO, LEVERS_SCENARIO.seed);
    restoreWorld(copy, readCheckpointFile(path) as ReturnType<typeof saveWorld>);
    for (let t = 0; t < 5; t++) {
      tick(original);
      tick(copy);
      expect(copy.events).toEqual(original.events);
      original.events.length = 0;
      copy.events.length = 0;
    }
    expect(copy.state).toEqual(original.state);
    for (const store of ['places', 'residents'] as const) {
      for (const [k, v] of Object.entries(original[store])) {
        if (ArrayBuffer.isView(v)) expect(Buffer.from((copy[store] as unknown as Record<string, Float64Array>)[k].buffer).equals(Buffer.from((v as Float64Array).buffer)), k).toBe(true);
      }
    }
    expect(Buffer.from(copy.ledger.cumulative.buffer).equals(Buffer.from(original.ledger.cumulative.buffer))).toBe(true);
    expect(copy.streams.talent()).toBe(original.streams.talent());
  });

  it('refuses a checkpoint of another world shape rather than half-applying it', () => {
    const saved = saveWorld(worldAt(LEVERS_SCENARIO, 1));
    const bigger = scenarioSchema.parse({ ...LEVERS_SCENARIO, world: { ...LEVERS_SCENARIO.world, residents: 3001 } });
    expect(() => restoreWorld(allocateWorld(bigger, 1), saved)).toThrow(CheckpointError);
    const { places, ...withoutPlaces } = saved;
    void places;
    expect(() => restoreWorld(allocateWorld(LEVERS_SCENARIO, 1), withoutPlaces as typeof saved)).toThrow(/lacks places/);
  });

  it('keeps queued edits given as patches, and refuses edits given as code', () => {
    const w = worldAt(LEVERS_SCENARIO, 2);
    queueEdit(w, { tick: 5, patches: [{ op: 'replace', path: ['spendingScale'], value: 1 }], label: 'replay' });
    const copy = allocateWorld(LEVERS_SCENARIO, LEVERS_SCENARIO.seed);
    restoreWorld(copy, saveWorld(w));
    expect(copy.pendingEdits).toEqual(w.pendingEdits);
    expect(copy.pendingEdits).not.toBe(w.pendingEdits);
    queueEdit(w, { tick: 6, recipe: () => undefined, label: 'by code' });
    expect(() => saveWorld(w)).toThrow(/by code.*cannot be checkpointed/);
  });
});

describe('resuming a run folder', () => {
  it('stopped after any tick and resumed, a run with every lever writes exactly the uninterrupted bytes', async () => {
    const plain = join(scratch, 'plain');
    runScenario(LEVERS_SCENARIO, { dir: plain });
    for (let stop = 0; stop <= LEVERS_SCENARIO.ticks; stop++) {
      const dir = join(scratch, `stop-${stop}`);
      let at = -1;
      const first = await runScenarioResumable(LEVERS_SCENARIO, dir, { onTick: (t) => (at = t), shouldStop: () => at >= stop });
      expect(first).toMatchObject({ status: 'stopped', tick: stop });
      expect(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')).complete).toBe(false);
      expect(existsSync(join(dir, 'metrics.csv'))).toBe(false);
      expect(existsSync(join(dir, 'summary.json'))).toBe(false);
      const done = await resumeRun(dir, { checkpointEvery: 3 });
      expect(done).toMatchObject({ status: 'complete', resumedFrom: stop });
      expect(folderDiff(plain, dir)).toEqual([]);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('resumes a run killed while it was renaming its finished files into place', async () => {
    const plain = join(scratch, 'plain-finish');
    runScenario(LEVERS_SCENARIO, { dir: plain });
    const dir = join(scratch, 'half-finished');
    let at = -1;
    await runScenarioResumable(LEVERS_SCENARIO, dir, { checkpointEvery: 5, onTick: (t) => (at = t), shouldStop: () => at >= 12 });
    // As if killed after metrics.csv was renamed into place but before the manifest was written:
    // a longer metrics.csv under the final name, no partial.
    writeFileSync(join(dir, 'metrics.csv'), Buffer.concat([readFileSync(join(dir, 'metrics.csv.partial')), Buffer.from('99,all,junk,1\n')]));
    rmSync(join(dir, 'metrics.csv.partial'));
    writeFileSync(join(dir, 'summary.json'), '{"stale": true}');
    await resumeRun(dir);
    expect(folderDiff(plain, dir)).toEqual([]);
  });

  it('refuses folders that cannot be resumed with an InputError that says why', async () => {
    const plain = join(scratch, 'plain-refuse');
    runScenario(LEVERS_SCENARIO, { dir: plain });
    await expect(resumeRun(plain)).rejects.toThrow(/already complete/);
    await expect(resumeRun(join(scratch, 'nowhere'))).rejects.toThrow(/run folder not found/);
    const dir = join(scratch, 'refuse');
    let at = -1;
    await runScenarioResumable(LEVERS_SCENARIO, dir, { onTick: (t) => (at = t), shouldStop: () => at >= 4 });
    const ckpt = readFileSync(join(dir, 'checkpoint.bin'));
    const bad = Buffer.from(ckpt);
    bad[bad.length - 40] ^= 1;
    writeFileSync(join(dir, 'checkpoint.bin'), bad);
    await expect(resumeRun(dir)).rejects.toThrow(InputError);
    await expect(resumeRun(dir)).rejects.toThrow(/damaged.*delete it to rerun from tick 0/);
    writeFileSync(join(dir, 'checkpoint.bin'), ckpt);
    writeFileSync(join(dir, 'metrics.csv.partial'), 'tick\n');
    await expect(resumeRun(dir)).rejects.toThrow(/metrics\.csv\.partial has 5 bytes, fewer than the \d+ the checkpoint recorded; delete checkpoint\.bin to rerun from tick 0/);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    manifest.scenario.seed += 1;
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
    await expect(resumeRun(dir)).rejects.toThrow(/scenarioHash: does not match/);
  });

  it('refuses streamed files edited within what the checkpoint recorded (same length, other bytes): their SHA-256 is checked', async () => {
    const plain = join(scratch, 'plain-edited');
    runScenario(LEVERS_SCENARIO, { dir: plain });
    const dir = join(scratch, 'edited');
    let at = -1;
    await runScenarioResumable(LEVERS_SCENARIO, dir, { onTick: (t) => (at = t), shouldStop: () => at >= 5 });
    for (const [file, edit] of [
      ['metrics.csv.partial', (b: Buffer) => b.write('7', b.indexOf('\n1,') + 1)],
      ['events.ndjson.partial', (b: Buffer) => b.fill('x', 0, 10)],
    ] as const) {
      const path = join(dir, file);
      const original = readFileSync(path);
      const edited = Buffer.from(original);
      edit(edited);
      expect(edited.equals(original)).toBe(false);
      writeFileSync(path, edited);
      await expect(resumeRun(dir)).rejects.toThrow(InputError);
      await expect(resumeRun(dir)).rejects.toThrow(new RegExp(`the first \\d+ bytes of .*${file.replace('.', '\\.')} are not what the run wrote \\(edited, or from another run\\); delete checkpoint\\.bin to rerun from tick 0`));
      writeFileSync(path, original);
    }
    await resumeRun(dir);
    expect(folderDiff(plain, dir)).toEqual([]);
  });

  it('lets one process at a time write a folder: a live holder is refused, a dead one (SIGKILL) taken over', async () => {
    const plain = join(scratch, 'plain-lock');
    runScenario(LEVERS_SCENARIO, { dir: plain });
    const dir = join(scratch, 'locked');
    let at = -1;
    let second: Promise<unknown> | null = null;
    const first = runScenarioResumable(LEVERS_SCENARIO, dir, {
      onTick: (t) => {
        at = t;
        // While the first run holds the folder, a resume of it must be refused.
        if (t === 3) second = resumeRun(dir).catch((err: Error) => err);
      },
      shouldStop: () => at >= 5,
    });
    await first;
    const refused = await (second as unknown as Promise<Error>);
    expect(refused).toBeInstanceOf(OutputError);
    expect(refused.message).toMatch(new RegExp(`it is in use by urd process ${process.pid}`));
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    // A lock left by a process that no longer exists (pid 2^22 + 1 is above Linux's pid_max) is taken over.
    writeFileSync(join(dir, LOCK_FILE), `4194305 ${hostname()}\n`);
    writeFileSync(join(dir, `${LOCK_FILE}.4194305`), 'left by a kill');
    await resumeRun(dir);
    expect(folderDiff(plain, dir)).toEqual([]);
  });

  it('restarts from tick 0 when a folder has a manifest but no checkpoint yet', async () => {
    const plain = join(scratch, 'plain-restart');
    runScenario(LEVERS_SCENARIO, { dir: plain });
    const dir = join(scratch, 'restart');
    let at = -1;
    await runScenarioResumable(LEVERS_SCENARIO, dir, { onTick: (t) => (at = t), shouldStop: () => at >= 6 });
    rmSync(join(dir, 'checkpoint.bin'));
    const done = await resumeRun(dir);
    expect(done).toMatchObject({ status: 'complete', resumedFrom: null });
    expect(folderDiff(plain, dir)).toEqual([]);
    for (const f of COMPARED) expect(existsSync(join(dir, f))).toBe(true);
  });
});
