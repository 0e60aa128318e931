import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { gapBarsChart, heatMapChart, trajectoriesChart } from '../../src/report/compareCharts.ts';
import { readRunFolder, type RunFolder } from '../../src/report/read.ts';
import { type ChartConfig, emptyChart, pngSize, renderPng, wrapTitle } from '../../src/report/render.ts';
import { pickTicks, ringMapChart, ringMapData, ringProfileChart } from '../../src/report/ringCharts.ts';
import { niceTicks } from '../../src/report/ticks.ts';
import { diverging, fmtNumber, viridis } from '../../src/report/theme.ts';
import { dpdChart, flowsChart, inequalityChart, interventionBands, ladderChart, spendingChart, stageRatiosChart } from '../../src/report/timeCharts.ts';
import { LEVERS } from '../../src/scenario/schema.ts';
import { tempDir, writeFixtureRun } from './fixture.ts';

let run: RunFolder;

beforeAll(() => {
  const dir = join(tempDir(), 'run');
  writeFixtureRun(dir);
  run = readRunFolder(dir);
});

function configs(): Record<string, ChartConfig> {
  const t = run.metrics;
  const s = run.manifest.scenario;
  const ticks = [0, 5, 10, 15, 20];
  const mean = ticks.map((x) => 1 - x / 40);
  return {
    dpd: dpdChart(t, s.interventions, 'subtitle'),
    ratios: stageRatiosChart(t),
    flows: flowsChart(t),
    ladder: ladderChart(t),
    inequality: inequalityChart(t),
    spending: spendingChart(t, LEVERS),
    profile: ringProfileChart(t, s.world.rings, 'income_pc', pickTicks(t.ticks(), 3)),
    ringMap: ringMapChart(ringMapData(t, s.world, 'tau')!),
    trajectories: trajectoriesChart([
      { label: 'a', ticks, mean, lo: mean.map((m) => m - 0.05), hi: mean.map((m) => m + 0.05) },
      { label: 'b', ticks, mean: mean.map((m) => m * 0.8) },
    ]),
    bars: gapBarsChart([{ label: 'core-first', value: 0.5, lo: 0.4, hi: 0.6 }, { label: 'periphery-first', value: -0.1 }]),
    heat: heatMapChart({ xName: 'x', yName: 'y', xs: [1, 2, 3], ys: ['a', 'b'], values: [[1, 2, NaN], [-1, 0, 3]], metric: 'dpd_final' }),
    empty: emptyChart('Nothing', 'no data'),
  };
}

describe('chart rendering', () => {
  it('renders every chart to a valid PNG of the requested size', () => {
    for (const [name, cfg] of Object.entries(configs())) {
      for (const size of [{ width: 640, height: 360 }, { width: 1280, height: 720 }]) {
        const png = renderPng(cfg, size);
        expect(pngSize(png), `${name} at ${size.width}×${size.height}`).toEqual(size);
      }
    }
  });

  it('is deterministic: the same files give the same bytes', () => {
    const a = renderPng(configs().dpd, { width: 800, height: 450 });
    const b = renderPng(configs().dpd, { width: 800, height: 450 });
    expect(Buffer.compare(a, b)).toBe(0);
  });

  it('draws charts with no data as a titled note instead of failing', () => {
    const empty = readRunFolder(run.dir, { metrics: [] }).metrics;
    for (const cfg of [dpdChart(empty, []), stageRatiosChart(empty), flowsChart(empty), ladderChart(empty), inequalityChart(empty), spendingChart(empty, LEVERS)]) {
      expect(pngSize(renderPng(cfg, { width: 320, height: 200 }))).toEqual({ width: 320, height: 200 });
    }
    expect(ringMapData(empty, run.manifest.scenario.world, 'tau')).toBeNull();
  });
});

describe('chart helpers', () => {
  it('pngSize rejects bytes that are not a PNG', () => {
    expect(pngSize(Buffer.from('not a png at all, clearly not'))).toBeNull();
    expect(pngSize(new Uint8Array(4))).toBeNull();
  });

  it('picks ticks that include the first and the last', () => {
    expect(pickTicks([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 3)).toEqual([0, 5, 10]);
    expect(pickTicks([0, 1], 3)).toEqual([0, 1]);
    expect(pickTicks([0, 10, 20, 30], 4)).toEqual([0, 10, 20, 30]);
  });

  it('gives round colour-bar ticks inside the range', () => {
    expect(niceTicks(0.3, 0.945, 5)).toEqual([0.4, 0.6, 0.8]);
    expect(niceTicks(-1, 1, 5)).toEqual([-1, -0.5, 0, 0.5, 1]);
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(niceTicks(2, 2, 5)).toEqual([2]);
  });

  it('wraps long titles at a space near the middle', () => {
    expect(wrapTitle('short')).toBe('short');
    const w = wrapTitle('Share of runs converging over talent.barrier and capital.agglomeration');
    expect(Array.isArray(w) && w.length === 2 && w.join(' ')).toBe('Share of runs converging over talent.barrier and capital.agglomeration');
  });

  it('turns interventions into labelled bands over the steps they act on, clipped to the run', () => {
    const ivs = run.manifest.scenario.interventions;
    const bands = interventionBands(ivs, 20);
    expect(bands.map((b) => [b.from, b.to, b.lane])).toEqual([[2, 8, 0], [5, 15, 1]]);
    expect(bands[0].label).toBe('Village broadband');
    expect(bands[1].label).toBe('talent: training (uniform)');
    const many = Array.from({ length: 8 }, (_, i) => ({ ...ivs[i % 2], start: i, end: 100 }));
    const merged = interventionBands(many, 20);
    expect(new Set(merged.map((b) => b.lane)).size).toBe(2);
    expect(merged.every((b) => b.to === 20)).toBe(true);
  });

  it('formats numbers for people and uses colour-blind-safe ramps', () => {
    expect(fmtNumber(1234.5678)).toBe('1,235');
    expect(fmtNumber(-0.0123456)).toBe('−0.01235');
    expect(fmtNumber(NaN)).toBe('n/a');
    expect(viridis(0)).toBe('rgb(68,1,84)');
    expect(viridis(1)).toBe('rgb(253,231,37)');
    expect(diverging(0.5)).toBe('rgb(247,247,247)');
  });
});
