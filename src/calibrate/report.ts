/**
 * report.html of a calibration folder, drawn from its written files only (calibration.json,
 * fit.csv, posterior.csv), so any finished folder can be re-reported: observed against
 * simulated with the held-out ticks shaded, posterior histograms and pairwise scatter, and the
 * tolerance by population. Charts go through the report module's plumbing (chartOptions,
 * renderChart, the trajectory chart and its band plugin).
 */
import { join } from 'node:path';
import { z } from 'zod';
import { describeIssue } from '../experiments/schema.ts';
import { InputError } from '../scenario/load.ts';
import { readFolderJson, readFolderText } from '../io/outputFolder.ts';
import { trajectoriesChart } from '../report/compareCharts.ts';
import { writeOutput, writePngs } from '../report/files.ts';
import { contentsHtml, escapeHtml, figureHtml, noteHtml, pageHtml, tableHtml } from '../report/html.ts';
import { csvNumber, parseCsvLine } from '../report/read.ts';
import { chartOptions, renderChart, type ChartConfig, type ChartImage } from '../report/render.ts';
import type { ReportResult } from '../report/runReport.ts';
import { OKABE_ITO, fmtNumber, seriesColour, withAlpha } from '../report/theme.ts';
import { CALIBRATION_TEXT } from '../i18n/calibrate.ts';
import type { Lang } from '../i18n/terms.ts';
import { metricName } from '../report/labels.ts';
import type { CalibrationResult } from './outputs.ts';
import { readingText } from './reading.ts';
import { CALIBRATION_FILES } from './store.ts';

const num = z.number().nullable();

/**
 * What the report reads of calibration.json, checked before drawing: a hand-edited file is bad
 * input (exit 2), never a crash in the charts. Numbers may be null (JSON's NaN).
 */
const resultShape = z.object({
  name: z.string(),
  title: z.string(),
  method: z.object({ type: z.string() }),
  distance: z.string(),
  budget: num,
  runsUsed: num,
  seeds: z.array(num),
  parameters: z.array(z.object({ path: z.string(), prior: z.string(), min: num, max: num, best: num, median: num, lo90: num, hi90: num, priorLo90: num, priorHi90: num })),
  correlations: z.array(z.object({ a: z.string(), b: z.string(), r: num })),
  series: z.array(z.object({ scope: z.string(), metric: z.string(), fitRmse: num, heldOutRmse: num, heldOutInBand: num })),
  populations: z.array(z.object({ population: num, epsilon: num })),
  reading: z.array(z.string()),
  rerun: z.string(),
  runBest: z.string(),
});

/** Reads calibration.json, refusing (InputError at the field) what urd calibrate would not have written. */
function readResult(dir: string): CalibrationResult {
  const path = join(dir, CALIBRATION_FILES.result);
  const raw = readFolderJson(path, CALIBRATION_FILES.result);
  const parsed = resultShape.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(path, issue.path.join('.') || null, null, `${describeIssue(issue, raw)} (edited by hand? expected the ${CALIBRATION_FILES.result} urd calibrate writes)`);
  }
  return raw as CalibrationResult;
}

/** A CSV file as header and rows of text. */
function readCsv(path: string): { header: string[]; rows: string[][] } {
  const lines = readFolderText(path).split('\n').filter((l) => l !== '');
  return { header: parseCsvLine(lines[0]), rows: lines.slice(1).map(parseCsvLine) };
}

function fitChart(result: CalibrationResult, fit: ReturnType<typeof readCsv>, scope: string, metric: string, lang: Lang): ChartConfig {
  const T = CALIBRATION_TEXT[lang];
  const col = (name: string) => fit.header.indexOf(name);
  const rows = fit.rows.filter((r) => r[col('scope')] === scope && r[col('metric')] === metric);
  const num = (r: string[], name: string) => csvNumber(r[col(name)]);
  const ticks = rows.map((r) => num(r, 'tick'));
  const held = rows.filter((r) => r[col('held_out')] === 'true').map((r) => num(r, 'tick'));
  const bands = held.length ? [{ from: Math.min(...held) - 0.5, to: Math.max(...held) + 0.5, label: T.heldOut, colour: OKABE_ITO.orange, lane: 0 }] : [];
  const cfg = trajectoriesChart(
    [
      { label: T.simulatedBand, ticks, mean: rows.map((r) => num(r, 'median')), lo: rows.map((r) => num(r, 'lo90')), hi: rows.map((r) => num(r, 'hi90')) },
      { label: T.bestLine, ticks, mean: rows.map((r) => num(r, 'best')) },
    ],
    { title: T.fitTitle(T.seriesName(metric, scope)), subtitle: T.fitSubtitle(result.method.type === 'abc-smc'), yTitle: metricName(metric, lang), lang },
    bands,
  );
  const years = rows.map((r) => r[col('year')]);
  if (years.every((y) => y !== 'NA')) cfg.options.scales.x.title.text = T.tickYears(years[0], years[years.length - 1]);
  cfg.data.datasets.push({ label: T.observed, type: 'scatter', data: rows.map((r) => ({ x: num(r, 'tick'), y: num(r, 'observed') })), backgroundColor: '#000000', borderColor: '#000000', pointRadius: 7, pointStyle: 'circle', showLine: false });
  return cfg;
}

function histogramChart(path: string, values: number[], weights: number[], lo: number, hi: number, logScale: boolean, lang: Lang): ChartConfig {
  const T = CALIBRATION_TEXT[lang];
  const bins = 20;
  const t = (x: number) => (logScale ? Math.log(x) : x);
  const [a, b] = [t(lo), t(hi)];
  const mass = new Array<number>(bins).fill(0);
  values.forEach((v, i) => (mass[Math.min(bins - 1, Math.max(0, Math.floor(((t(v) - a) / (b - a)) * bins)))] += weights[i]));
  const centre = (k: number) => (logScale ? Math.exp(a + ((k + 0.5) * (b - a)) / bins) : a + ((k + 0.5) * (b - a)) / bins);
  return {
    type: 'bar',
    data: { labels: mass.map((_, k) => fmtNumber(centre(k), 3)), datasets: [{ label: T.posteriorWeight, data: mass, backgroundColor: withAlpha(seriesColour(0), 0.8) }] },
    options: chartOptions({ title: T.posteriorOf(path), subtitle: T.histogramSubtitle(logScale), x: { title: path, type: 'category' }, y: { title: T.posteriorWeight, min: 0 }, legend: false }),
  };
}

function scatterChart(a: string, b: string, xs: number[], ys: number[], weights: number[], r: number, log: [boolean, boolean], lang: Lang): ChartConfig {
  const T = CALIBRATION_TEXT[lang];
  const top = Math.max(...weights);
  return {
    type: 'scatter',
    data: { datasets: [{ label: T.particles, data: xs.map((x, i) => ({ x, y: ys[i] })), backgroundColor: withAlpha(seriesColour(1), 0.6), pointRadius: weights.map((w) => 3 + 9 * Math.sqrt(w / top)) }] },
    options: chartOptions({ title: T.against(a, b), subtitle: T.scatterSubtitle(fmtNumber(r, 2)), x: { title: a, type: log[0] ? 'logarithmic' : 'linear' }, y: { title: b, type: log[1] ? 'logarithmic' : 'linear' }, legend: false }),
  };
}

function distanceChart(result: CalibrationResult, posterior: ReturnType<typeof readCsv>, lang: Lang): ChartConfig {
  const T = CALIBRATION_TEXT[lang];
  if (result.populations.length > 0) {
    return {
      type: 'line',
      data: { datasets: [{ label: T.tolerance, data: result.populations.map((p) => ({ x: p.population, y: p.epsilon })), borderColor: seriesColour(0), backgroundColor: seriesColour(0), borderWidth: 4, pointRadius: 6 }] },
      options: chartOptions({ title: T.byPopulation, subtitle: T.byPopulationSubtitle, x: { title: T.population }, y: { title: T.distanceAxis(result.distance), min: 0 } }),
    };
  }
  const d = posterior.header.indexOf('distance');
  return {
    type: 'line',
    data: { datasets: [{ label: T.eachEvaluation, data: posterior.rows.map((r, i) => ({ x: i, y: csvNumber(r[d]) })), borderColor: seriesColour(0), backgroundColor: seriesColour(0), borderWidth: 2, pointRadius: 3 }] },
    options: chartOptions({ title: T.byStep, subtitle: T.byStepSubtitle, x: { title: T.evaluation }, y: { title: T.distanceAxis(result.distance), min: 0 } }),
  };
}

/** Writes report.html and charts/*.png of a finished calibration folder (the same result shape as the other reports), in English or Chinese. */
export function writeCalibrationReport(dir: string, o: { lang?: Lang } = {}): ReportResult {
  const lang = o.lang ?? 'en';
  const T = CALIBRATION_TEXT[lang];
  const t0 = performance.now();
  const result = readResult(dir);
  const fit = readCsv(join(dir, CALIBRATION_FILES.fit));
  const posterior = readCsv(join(dir, CALIBRATION_FILES.posterior));
  // Folders written before the findings were kept as numbers have the English sentences only.
  const reading = result.readingFacts ? readingText(result.readingFacts, lang) : result.reading;
  const charts: ChartImage[] = [];
  result.series.forEach((s, i) => {
    charts.push(renderChart(`fit-${i}`, T.fitTitle(T.seriesName(s.metric, s.scope)), T.fitCaption, fitChart(result, fit, s.scope, s.metric, lang)));
  });
  if (result.populations.length > 0) {
    const popCol = posterior.header.indexOf('population');
    const last = posterior.rows.filter((r) => Number(r[popCol]) === result.populations.length - 1);
    const w = last.map((r) => csvNumber(r[posterior.header.indexOf('weight')]));
    const column = (path: string) => last.map((r) => csvNumber(r[posterior.header.indexOf(path)]));
    for (const p of result.parameters) {
      charts.push(renderChart(`posterior-${p.path}`, T.posteriorOf(p.path), T.posteriorCaption(fmtNumber(p.median as number, 3), fmtNumber(p.lo90 as number, 3), fmtNumber(p.hi90 as number, 3), fmtNumber(p.priorLo90, 3), fmtNumber(p.priorHi90, 3)), histogramChart(p.path, column(p.path), w, p.min, p.max, p.prior === 'log-uniform', lang)));
    }
    const isLog = (path: string) => result.parameters.some((p) => p.path === path && p.prior === 'log-uniform');
    for (const c of result.correlations) {
      charts.push(renderChart(`pair-${c.a}-${c.b}`, T.against(c.a, c.b), T.pairCaption, scatterChart(c.a, c.b, column(c.a), column(c.b), w, c.r, [isLog(c.a), isLog(c.b)], lang)));
    }
  }
  charts.push(renderChart('distance', result.populations.length > 0 ? T.byPopulation : T.byStepShort, T.distanceCaption, distanceChart(result, posterior, lang)));
  const fmt = (v: number | null) => (v === null ? '—' : fmtNumber(v, 4));
  const paramTable = tableHtml(
    T.paramHeader,
    result.parameters.map((p) => [p.path, `${p.prior} [${p.min}, ${p.max}]`, fmt(p.best), fmt(p.median), p.lo90 === null ? '—' : `${fmt(p.lo90)} – ${fmt(p.hi90)}`, `${fmt(p.priorLo90)} – ${fmt(p.priorHi90)}`]),
    T.parameters,
  );
  const seriesTable = tableHtml(
    T.seriesHeader,
    result.series.map((s) => [T.seriesName(s.metric, s.scope), fmt(s.fitRmse), fmt(s.heldOutRmse), s.heldOutInBand === null ? '—' : `${Math.round(100 * s.heldOutInBand)}%`]),
    T.fitPerSeries,
  );
  const body = `
<section class="verdict">
<h2>${escapeHtml(T.theReading)}</h2>
<ul>${reading.map((l) => `<li>${escapeHtml(l)}</li>`).join('\n')}</ul>
</section>
${paramTable}
${seriesTable}
${noteHtml(T.runsNote(result.runsUsed, result.budget, result.seeds.length, result.rerun, result.runBest))}
${contentsHtml(charts, lang)}
${charts.map((c, i) => figureHtml(c, i + 1, lang)).join('\n')}`;
  const html = pageHtml({
    title: result.title || T.title(result.name),
    subtitle: T.subtitle(result.method.type, result.parameters.length, result.series.length, result.distance),
    body,
    footer: T.footer,
    lang,
  });
  writePngs(join(dir, 'charts'), charts);
  const path = join(dir, 'report.html');
  writeOutput(path, html);
  return { path, charts, notes: [], ms: performance.now() - t0 };
}
