/**
 * The report of a sweep folder: a heat map of a summary metric over the two parameters that
 * vary most (or a line over the one that varies), the share of runs whose gap narrowed, and the
 * per-point table from aggregate.csv — written to `<dir>/report.html` and `<dir>/charts/`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { heatMapChart, trajectoriesChart } from './compareCharts.ts';
import { writeOutput, writePngs } from './files.ts';
import { contentsHtml, escapeHtml, figureHtml, noteHtml, pageHtml, tableHtml } from './html.ts';
import { axisTitle, metricName } from './labels.ts';
import { csvNumber } from './read.ts';
import { type ChartImage, renderChart } from './render.ts';
import type { ReportResult } from './runReport.ts';
import { type SweepData, readSweep, sweepGrid, sweepLine, varyingParams, verdictsByPoint } from './sweepData.ts';
import { fmtNumber, fmtPercent } from './theme.ts';

/** Options of a sweep report. */
export interface SweepReportOptions {
  /** Summary metric of the heat map (default dpd_final). */
  metric?: string;
  /** The two parameters on the axes (default: the two that vary most). */
  x?: string;
  y?: string;
}

interface PlanText {
  name: string;
  title: string;
  description: string;
}

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Name, title and story of a sweep: from sweep.json, and from its experiment file when that is still there. */
function planText(dir: string): PlanText {
  const out: PlanText = { name: '', title: '', description: '' };
  const take = (j: Record<string, unknown>) => {
    out.name ||= typeof j.name === 'string' ? j.name : '';
    out.title ||= typeof j.title === 'string' ? j.title : '';
    out.description ||= typeof j.description === 'string' ? j.description.trim() : '';
  };
  try {
    const plan = JSON.parse(readFileSync(join(dir, 'sweep.json'), 'utf8'));
    take(plan);
    // The experiment path is relative to the checkout; an unreadable file only costs the story.
    const exp = typeof plan.experiment === 'string' ? [resolve(plan.experiment), join(projectRoot, plan.experiment)].find((p) => existsSync(p)) : undefined;
    if (exp) take(parseYaml(readFileSync(exp, 'utf8')) ?? {});
  } catch {
    // no or unreadable sweep.json: the report falls back to plain titles
  }
  return out;
}

/** Adds a numeric column `narrowed` (1 when the run's gap |DPD| narrowed since the start) for the share heat map. */
function withNarrowedShare(s: SweepData): SweepData {
  const vi = s.runs.columns.indexOf('verdict');
  if (vi < 0) return s;
  return { ...s, runs: { columns: [...s.runs.columns, 'narrowed'], rows: s.runs.rows.map((r) => [...r, r[vi] === 'narrowed' ? '1' : '0']) } };
}

function pointsTable(s: SweepData, metric: string): { columns: string[]; rows: (string | number)[][] } | null {
  const a = s.aggregate;
  if (!a) return null;
  const c = (n: string) => a.columns.indexOf(n);
  const mi = c('metric');
  if (mi < 0 || c('mean') < 0) return null;
  const params = s.params.filter((p) => c(p) >= 0);
  const verdicts = verdictsByPoint(s);
  const rows = a.rows
    .filter((r) => r[mi] === metric)
    .map((r) => {
      const v = verdicts.get(r[c('point')]) ?? {};
      return [
        r[c('point')],
        ...params.map((p) => r[c(p)]),
        r[c('n')] ?? '',
        fmtNumber(csvNumber(r[c('mean')])),
        `${fmtNumber(csvNumber(r[c('ci95_lo')]))} to ${fmtNumber(csvNumber(r[c('ci95_hi')]))}`,
        Object.entries(v)
          .map(([k, n]) => `${k} ${n}`)
          .join(', '),
      ];
    });
  return rows.length ? { columns: ['Point', ...params, 'Runs', `Mean ${metricName(metric)}`, '95% interval', 'Verdicts'], rows } : null;
}

/** Writes `<dir>/report.html` and `<dir>/charts/*.png` for a sweep folder (runs.csv, aggregate.csv if present). */
export function writeSweepReport(dir: string, opts: SweepReportOptions = {}): ReportResult {
  const t0 = performance.now();
  const sweep = withNarrowedShare(readSweep(dir));
  const metric = opts.metric ?? (sweep.metrics.includes('dpd_final') ? 'dpd_final' : sweep.metrics[0]);
  const vary = varyingParams(sweep);
  const charts: ChartImage[] = [];
  const notes: string[] = [];
  const grid = metric ? sweepGrid(sweep, metric, opts.x, opts.y) : null;
  if (grid) {
    if (vary.length > 2) notes.push(`The sweep varies ${vary.length} parameters; the heat maps show ${grid.xName} and ${grid.yName}, each cell averaging over the others (${vary.filter((p) => p !== grid.xName && p !== grid.yName).join(', ')}).`);
    charts.push(renderChart('heatmap', `${metricName(metric)} over ${grid.xName} and ${grid.yName}`, 'Each cell is the mean over the replications (and any other swept parameters) at that pair of values.', heatMapChart(grid)));
    const share = sweepGrid(sweep, 'narrowed', grid.xName, grid.yName);
    if (share && sweep.runs.columns.includes('verdict')) {
      charts.push(renderChart('narrowed-share', `Share of runs whose gap narrowed over ${grid.xName} and ${grid.yName}`, 'The share of replications whose gap |DPD| ended below where it started (verdict “narrowed”; 1 = all of them).', heatMapChart(share, { title: 'Share of runs whose gap narrowed', subtitle: `The share of replications whose verdict is “narrowed”, by ${grid.xName} and ${grid.yName}.`, metric: 'narrowed' })));
    }
  } else if (metric && vary.length === 1) {
    const l = sweepLine(sweep, vary[0], metric);
    const cfg = trajectoriesChart([{ label: metricName(metric), ticks: l.xs, mean: l.mean, lo: l.lo, hi: l.hi }], { title: `${metricName(metric)} against ${vary[0]}`, metric, yTitle: axisTitle(metric) });
    cfg.options.scales.x.title.text = vary[0];
    Object.assign(cfg.data.datasets[cfg.data.datasets.length - 1], { pointRadius: 7, pointStyle: 'circle' });
    charts.push(renderChart('sweep-line', `${metricName(metric)} against ${vary[0]}`, 'The mean over replications at each value, with its 95% confidence band.', cfg));
  } else {
    notes.push('No parameter varies in this sweep (replications only), so there is nothing to map.');
  }
  const text = planText(dir);
  const verdictCounts: Record<string, number> = {};
  const vi = sweep.runs.columns.indexOf('verdict');
  if (vi >= 0) for (const r of sweep.runs.rows) verdictCounts[r[vi]] = (verdictCounts[r[vi]] ?? 0) + 1;
  const total = sweep.runs.rows.length;
  const answer = Object.entries(verdictCounts)
    .sort((a, b) => b[1] - a[1])
    .map(([v, n]) => `${v}: ${n} of ${total} runs (${fmtPercent(n / total, 0)})`);
  const pt = metric ? pointsTable(sweep, metric) : null;
  const body = `
<section class="story">
<h2>The story</h2>
<p>${escapeHtml(text.description || `A sweep of ${total} runs over ${sweep.params.join(', ') || 'no parameters'}.`)}</p>
<p>Swept parameters: ${escapeHtml(sweep.params.join(', ') || 'none')} · ${total} runs.</p>
</section>
<section class="verdict">
<h2>The answer</h2>
<ul>${answer.map((a) => `<li>${escapeHtml(a)}</li>`).join('\n')}${grid ? `<li>${escapeHtml(heatExtremes(grid.values, grid.xs, grid.ys, grid.xName, grid.yName, metric))}</li>` : ''}</ul>
</section>
${notes.map(noteHtml).join('\n')}
${contentsHtml(charts)}
${charts.map((c, i) => figureHtml(c, i + 1)).join('\n')}
${pt ? `<section><h2>Summary table</h2>\n${tableHtml(pt.columns, pt.rows, 'Per point, from aggregate.csv')}</section>` : ''}`;
  const html = pageHtml({
    title: text.title || `Sweep ${text.name || dir}`,
    subtitle: `${total} runs · ${sweep.params.length} parameters · metric ${metric ?? 'none'}`,
    body,
    footer: `Made by <code>urd report</code> on this folder from runs.csv${sweep.aggregate ? ' and aggregate.csv' : ''}; re-running it gives the same page. The pictures are also in <code>charts/</code>.`,
  });
  writePngs(join(dir, 'charts'), charts);
  const path = join(dir, 'report.html');
  writeOutput(path, html);
  return { path, charts, notes, ms: performance.now() - t0 };
}

function heatExtremes(values: number[][], xs: (number | string)[], ys: (number | string)[], xName: string, yName: string, metric: string): string {
  let lo = { v: Infinity, i: 0, j: 0 };
  let hi = { v: -Infinity, i: 0, j: 0 };
  values.forEach((row, j) =>
    row.forEach((v, i) => {
      if (v < lo.v) lo = { v, i, j };
      if (v > hi.v) hi = { v, i, j };
    }),
  );
  const at = (c: { i: number; j: number }) => `${xName} = ${xs[c.i]}, ${yName} = ${ys[c.j]}`;
  return `${metricName(metric)} is lowest (${fmtNumber(lo.v)}) at ${at(lo)} and highest (${fmtNumber(hi.v)}) at ${at(hi)}.`;
}
