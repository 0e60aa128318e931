/**
 * The report's public API: what the run, compare, sweep and demo commands call. Everything
 * draws from files on disk (or from plain data handed over), never from a live simulation.
 */

// Whole reports: report.html plus charts/*.png in the folder.
export { writeRunReport, renderRunCharts, PLACE_ROWS_FLAG } from './runReport.ts';
export type { RunChartOptions, RunCharts, ReportResult } from './runReport.ts';
export { writeComparisonReport, compareGroups, comparisonStory } from './compareReport.ts';
export type { ComparisonInput } from './compareReport.ts';
export { writeSweepReport } from './sweepReport.ts';
export type { SweepReportOptions } from './sweepReport.ts';

// Charts from plain data (Chart.js configurations; render with renderChart or renderPng).
export { trajectoriesChart, gapBarsChart, heatMapChart } from './compareCharts.ts';
export type { TrajectorySeries, BarDatum, HeatGrid, ChartText } from './compareCharts.ts';
export { dpdChart, stageRatiosChart, flowsChart, ladderChart, inequalityChart, spendingChart } from './timeCharts.ts';
export { ringProfileChart, ringMapChart, ringMapData } from './ringCharts.ts';
export { renderChart, renderPng, pngSize } from './render.ts';
export type { ChartConfig, ChartImage, Size } from './render.ts';

// Readers.
export { readRunFolder, readMetrics, MetricTable } from './read.ts';
export type { RunFolder, MetricFilter, Series } from './read.ts';
export { readSweep, sweepGrid, sweepLine } from './sweepData.ts';
export type { SweepData } from './sweepData.ts';
export { trajectoriesFromRuns, finalBarsFromRuns, meanBand } from './compareData.ts';
export type { RunGroup } from './compareData.ts';
