import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { World } from '../../src/engine/world.ts';
import { initializeWorld } from '../../src/model/initialize.ts';
import { tick } from '../../src/model/tick.ts';
import { edits, queueEdit, replayEdits, undoLastEdit } from '../../src/policy/patches.ts';
import { runScenario } from '../../src/run/runScenario.ts';
import { loadScenario } from '../../src/scenario/load.ts';
import { scenarioSchema } from '../../src/scenario/schema.ts';
import { tempDir, urd } from '../support.ts';

const scenario = scenarioSchema.parse({ world: { residents: 3000 }, ticks: 12, fiscal: { mode: 'fixed', value: 500 } });

function runWith(schedule: (w: World) => void): { world: World; events: string } {
  const world = initializeWorld(scenario, 3);
  schedule(world);
  const lines: string[] = [];
  while (world.state.tick < scenario.ticks) {
    tick(world);
    for (const e of world.events) lines.push(JSON.stringify(e));
    world.events.length = 0;
  }
  return { world, events: lines.join('\n') };
}

const sameArrays = (a: World, b: World) => {
  for (const key of ['tech', 'capital', 'rights', 'population', 'income'] as const) expect(Buffer.from(a.places[key].buffer).equals(Buffer.from(b.places[key].buffer))).toBe(true);
  expect(Buffer.from(a.residents.level.buffer).equals(Buffer.from(b.residents.level.buffer))).toBe(true);
};

describe('programme edits as immer patches', () => {
  it('adds, changes and removes interventions between ticks, records patches, and replays exactly', () => {
    const original = runWith((w) => {
      queueEdit(w, { tick: 3, recipe: edits.add({ lever: 'policy', instrument: 'broadband', budget: 300 }, 'p1'), label: 'add broadband' });
      queueEdit(w, { tick: 6, recipe: edits.change('p1', { allocation: 'periphery-first', budget: 450 }) });
      queueEdit(w, { tick: 9, recipe: edits.remove('p1') });
    });
    expect(original.world.state.interventions).toHaveLength(0);
    const patchEvents = original.events.split('\n').filter((l) => l.includes('"patch"'));
    expect(patchEvents).toHaveLength(3);
    expect(JSON.parse(patchEvents[0]).tick).toBe(3);

    const replayed = runWith((w) => {
      for (const e of replayEdits(original.events)) queueEdit(w, e);
    });
    expect(replayed.events).toBe(original.events);
    sameArrays(original.world, replayed.world);

    const untouched = runWith(() => {});
    expect(Buffer.from(untouched.world.places.tech.buffer).equals(Buffer.from(original.world.places.tech.buffer))).toBe(false);
  });

  it('edits never apply mid-tick or in the past, and undo restores the programme', () => {
    const world = initializeWorld(scenario, 1);
    tick(world);
    expect(() => queueEdit(world, { tick: 1, recipe: edits.remove('x') })).toThrow(/in the past/);
    queueEdit(world, { tick: 2, recipe: edits.add({ lever: 'rights', instrument: 'services', budget: 100 }, 'r1') });
    expect(world.state.interventions).toHaveLength(0); // queued, not applied between ticks
    tick(world);
    expect(world.state.interventions.map((i) => i.id)).toEqual(['r1']);
    const before = world.state;
    expect(undoLastEdit(world)).toBe(true);
    expect(world.state.interventions).toHaveLength(0);
    expect(before.interventions).toHaveLength(1); // earlier states stay intact (immutability)
    expect(undoLastEdit(world)).toBe(false);
  });
});

describe('urd run --replay', () => {
  it('reproduces a run that was edited while it ran, byte for byte, from its scenario and events.ndjson', () => {
    const dir = tempDir();
    const file = join(dir, 'edited.yaml');
    writeFileSync(file, 'name: edited\nticks: 10\nworld: { residents: 2000 }\nfiscal: { mode: fixed, value: 400 }\n');
    const original = join(dir, 'original');
    runScenario(loadScenario(file), {
      dir: original,
      edits: [
        { tick: 2, recipe: edits.add({ lever: 'talent', instrument: 'training', allocation: 'periphery-first', budget: 300 }, 't1'), label: 'training' },
        { tick: 7, recipe: edits.remove('t1') },
      ],
    });
    expect(readFileSync(join(original, 'events.ndjson'), 'utf8')).toContain('"type":"patch"');
    const replayed = join(dir, 'replayed');
    const r = urd(['run', file, '--replay', join(original, 'events.ndjson'), '--out', replayed, '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    for (const f of ['metrics.csv', 'events.ndjson', 'summary.json']) expect(readFileSync(join(replayed, f)).equals(readFileSync(join(original, f)))).toBe(true);
    const plain = join(dir, 'plain');
    expect(urd(['run', file, '--out', plain, '--quiet']).code).toBe(0);
    expect(readFileSync(join(plain, 'metrics.csv')).equals(readFileSync(join(original, 'metrics.csv')))).toBe(false);
  });
});
