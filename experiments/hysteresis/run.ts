/**
 * The hysteresis experiment of the digital run (docs/ODD.md 7.3, issue 11).
 *
 *   npx tsx experiments/hysteresis/run.ts [output folder]     (default outputs/hysteresis)
 *
 * Runs experiments/hysteresis/sweep.yaml, whose schedule sweeps the villages' amenity down and
 * back up (25 ticks a step), for seeds 1-3 and, as the control, with the run mechanism off
 * (talent.herding, talent.serviceLoss and capital.herding 0) for seed 1. At the end of each step
 * it reads the villages' mean fill (population over starting population) and how many are
 * hollowed (below 20%) or held (above 80%), and writes hysteresis.csv and hysteresis.png (fill
 * against amenity: the way down and the way up are two branches). About a minute on one core.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDir } from '../../src/io/atomic.ts';
import { initializeWorld } from '../../src/model/initialize.ts';
import { tick } from '../../src/model/tick.ts';
import { writeOutput } from '../../src/report/files.ts';
import { chartOptions, renderPng } from '../../src/report/render.ts';
import { DASHES, seriesColour } from '../../src/report/theme.ts';
import { loadScenario } from '../../src/scenario/load.ts';
import type { Scenario } from '../../src/scenario/schema.ts';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const STEP = 25;

interface Point {
  run: string;
  seed: number;
  step: number;
  direction: 'down' | 'up';
  amenity: number;
  fill: number;
  hollowed: number;
  held: number;
}

function sweep(scenario: Scenario, run: string, seed: number): Point[] {
  const world = initializeWorld(scenario, seed);
  const pl = world.places;
  const out: Point[] = [];
  let previous = Infinity;
  let direction: Point['direction'] = 'down';
  for (let step = 0; step * STEP < scenario.ticks; step++) {
    for (let t = 0; t < STEP; t++) {
      tick(world);
      world.events.length = 0;
    }
    const amenity = world.scenario.world.rings[1].amenity;
    if (amenity > previous) direction = 'up';
    previous = amenity;
    let fill = 0;
    let hollowed = 0;
    let held = 0;
    let villages = 0;
    for (let p = 0; p < pl.count; p++) {
      if (pl.ring[p] !== 1) continue;
      const x = pl.population[p] / pl.reference[p];
      fill += x;
      villages++;
      if (x < 0.2) hollowed++;
      if (x > 0.8) held++;
    }
    out.push({ run, seed, step, direction, amenity, fill: fill / villages, hollowed, held });
  }
  return out;
}

export function hysteresis(outDir: string): Point[] {
  const file = join(HERE, 'sweep.yaml');
  const on = loadScenario(file);
  const off = loadScenario(file, { set: ['talent.herding=0', 'talent.serviceLoss=0', 'capital.herding=0'] });
  const points = [...[1, 2, 3].flatMap((seed) => sweep(on, 'run', seed)), ...sweep(off, 'mechanism off', 1)];
  ensureDir(outDir);
  const header = 'run,seed,step,direction,amenity,fill,hollowed,held';
  const rows = points.map((p) => [p.run, p.seed, p.step, p.direction, p.amenity, p.fill.toFixed(4), p.hollowed, p.held].join(','));
  writeOutput(join(outDir, 'hysteresis.csv'), [header, ...rows].join('\n') + '\n');

  const series = [
    { label: 'With the digital run, way down (seed 1)', pick: (p: Point) => p.run === 'run' && p.seed === 1 && p.direction === 'down' },
    { label: 'With the digital run, way up (seed 1)', pick: (p: Point) => p.run === 'run' && p.seed === 1 && p.direction === 'up' },
    { label: 'Mechanism off, way down', pick: (p: Point) => p.run === 'mechanism off' && p.direction === 'down' },
    { label: 'Mechanism off, way up', pick: (p: Point) => p.run === 'mechanism off' && p.direction === 'up' },
  ];
  const config = {
    type: 'line' as const,
    data: {
      datasets: series.map((s, i) => ({
        label: s.label,
        data: points.filter(s.pick).map((p) => ({ x: p.amenity, y: p.fill })),
        borderColor: seriesColour(i < 2 ? i : i + 1),
        backgroundColor: seriesColour(i < 2 ? i : i + 1),
        borderDash: DASHES[i],
        borderWidth: 3,
        pointRadius: 5,
        showLine: true,
        fill: false,
      })),
    },
    options: chartOptions({
      title: 'Hysteresis of the digital run (数字挤兑)',
      subtitle: 'Villages tip on the way down and stay hollow on the way up until their amenity is far above where they tipped',
      x: { title: "Villages' amenity (utility)" },
      y: { title: 'Villages: population / starting population', min: 0 },
    }),
  };
  writeOutput(join(outDir, 'hysteresis.png'), renderPng(config));
  return points;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const outDir = process.argv[2] ?? join(HERE, '..', '..', 'outputs', 'hysteresis');
  const points = hysteresis(outDir);
  for (const p of points.filter((q) => q.seed === 1)) console.log(`${p.run.padEnd(13)} ${p.direction.padEnd(4)} amenity ${p.amenity.toFixed(1).padStart(4)}: fill ${p.fill.toFixed(2)}, hollowed ${p.hollowed}, held ${p.held}`);
  console.log(`wrote ${join(outDir, 'hysteresis.csv')} and hysteresis.png`);
}
