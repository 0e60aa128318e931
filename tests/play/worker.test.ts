import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FromWorker, ToWorker } from '../../src/play/protocol.ts';
import { PlaySession } from '../../src/play/session.ts';
import { loadScenario } from '../../src/scenario/load.ts';
import { ROOT } from '../support.ts';

/**
 * The page's worker, run in Node with a stand-in for its global scope: it plays by itself, never
 * more than a few ticks past the frames the page confirmed, and what it plays is what a session
 * stepped by hand gives.
 */
const posted: FromWorker[] = [];
const transferred: unknown[][] = [];
let deliver: (m: ToWorker) => void;

beforeAll(async () => {
  const scope = {
    postMessage: (m: FromWorker, transfer: unknown[] = []) => {
      posted.push(m);
      transferred.push(transfer);
    },
    onmessage: null as ((e: { data: ToWorker }) => void) | null,
  };
  Object.assign(globalThis, { self: scope });
  await import('../../src/play/worker.ts');
  deliver = (m) => scope.onmessage?.({ data: m });
});

const frames = () => posted.filter((m) => m.type === 'frames') as Extract<FromWorker, { type: 'frames' }>[];
const lastTick = () => frames().at(-1)?.frames[0].tick ?? -1;
/** Lets the worker's queued ticks run until it has reached `tick` and then posted nothing more for a while. */
async function settle(tick: number): Promise<void> {
  for (let quiet = 0, seen = -1; quiet < 3 || lastTick() < tick; ) {
    await new Promise((r) => setTimeout(r, 20));
    quiet = posted.length === seen ? quiet + 1 : 0;
    seen = posted.length;
  }
}

const TICKS = 20;
const scenario = () => loadScenario(join(ROOT, 'scenarios', 'baseline.yaml'), { seed: 5, ticks: TICKS, set: ['world.residents=1500'] });

describe('the play worker', () => {
  it('plays ahead of the page by at most 8 ticks, goes on as the page confirms frames, and stops on pause', async () => {
    deliver({ type: 'init', run: 1, scenarios: [scenario()] });
    expect(lastTick()).toBe(0);
    deliver({ type: 'play', perSecond: null });
    await settle(8);
    // No frame confirmed yet: it waits for the page after 8 ticks.
    expect(lastTick()).toBe(8);
    deliver({ type: 'received', tick: 5 });
    await settle(13);
    expect(lastTick()).toBe(13);
    deliver({ type: 'pause' });
    deliver({ type: 'received', tick: 13 });
    await settle(13);
    expect(lastTick()).toBe(13);
    // A step while paused is one tick.
    deliver({ type: 'step' });
    expect(lastTick()).toBe(14);
    // Every tick once, in order, each frame's place arrays handed over rather than copied.
    expect(frames().map((m) => m.frames[0].tick)).toEqual(Array.from({ length: 15 }, (_, t) => t));
    const last = frames().at(-1) as Extract<FromWorker, { type: 'frames' }>;
    expect(transferred[posted.indexOf(last)]).toEqual(Object.values(last.frames[0].places).map((a) => a.buffer));
  });

  it('plays to the end with the summary of a session stepped by hand, and a reset starts a new run', async () => {
    deliver({ type: 'play', perSecond: null });
    for (let t = 14; t < TICKS; t++) deliver({ type: 'received', tick: t });
    await settle(TICKS);
    const summary = posted.find((m) => m.type === 'summary') as Extract<FromWorker, { type: 'summary' }>;
    const byHand = new PlaySession(scenario());
    while (!byHand.done) byHand.step();
    expect(summary.summaries).toEqual([byHand.summary()]);
    expect(lastTick()).toBe(TICKS);
    deliver({ type: 'init', run: 2, scenarios: [scenario()] });
    expect(posted.at(-1)).toMatchObject({ type: 'frames', run: 2, done: false });
  });
});
