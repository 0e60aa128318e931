/**
 * The words of the calibration report and its reading in each language. English is the model;
 * the Chinese catalogue must have every key. Series are named as the other reports name their
 * metrics (src/report/labels.ts, through the glossary), so 数字势差 is 数字势差 here too.
 */
import { metricName } from '../report/labels.ts';
import type { Lang } from './terms.ts';

/** A number of the reading: three significant digits, exponent notation only when very large or small. */
export const readingNumber = (x: number): string => (Math.abs(x) >= 1000 || (Math.abs(x) < 0.001 && x !== 0) ? x.toExponential(2) : Number(x.toPrecision(3)).toString());

const en = {
  seriesName: (metric: string, scope: string) => `${metric} (${scope})`,
  optimizeOnly: 'optimize finds one best point and no posterior: nothing here says how well the data pin the parameters down; use method abc-smc for intervals and identifiability.',
  ridge: (a: string, b: string, r: string, positive: boolean) => `Ridge: ${a} and ${b} trade off (posterior correlation ${r}): the data pin down a ${positive ? 'ratio' : 'combination'} of the two better than either alone.`,
  wide: (path: string, lo: string, hi: string, plo: string, phi: string) => `Not identified: the 90% interval of ${path} (${lo} to ${hi}) is about as wide as its prior's (${plo} to ${phi}): the data say little about it.`,
  heldOutMiss: (name: string, fit: string, held: string, pct: number) => `Held-out miss for ${name}: the model fits the past (RMSE ${fit}) but misses the held-out ticks (RMSE ${held}; ${pct}% of them inside the 90% band).`,
  heldOutCheck: (name: string, fit: string, held: string, pct: number) => `Held-out check for ${name}: RMSE ${held} on the held-out ticks beside ${fit} on the fitted ones; ${pct}% of held-out observations inside the 90% band.`,
  nothingToSay: 'No ridge and no parameter as wide as its prior; no ticks were held out, so nothing says whether the fit carries forward (set fit.holdOut).',
  // the report
  title: (name: string) => `Calibration ${name}`,
  subtitle: (method: string, params: number, series: number, distance: string) => `${method} · ${params} parameters · ${series} series · distance ${distance}`,
  theReading: 'The reading',
  heldOut: 'held out',
  simulatedBand: 'simulated: median and 90% band',
  bestLine: 'best parameters (mean over seeds)',
  observed: 'observed',
  fitTitle: (series: string) => `${series}: observed and simulated`,
  fitSubtitle: (abc: boolean) => `Dots: observed. ${abc ? 'Band: 90% posterior predictive.' : 'Band: 90% over seeds at the best point.'}`,
  fitCaption: 'Dots are the observations; the line and band are the model at the calibrated parameters. The shaded period was kept out of the fit: there the model is predicting, not fitting.',
  tickYears: (from: string, to: string) => `tick (years ${from}–${to})`,
  posteriorOf: (path: string) => `Posterior of ${path}`,
  histogramSubtitle: (log: boolean) => `Weighted histogram of the last population over the prior's range${log ? ' (log-spaced bins)' : ''}.`,
  posteriorWeight: 'share of posterior weight',
  posteriorCaption: (median: string, lo: string, hi: string, plo: string, phi: string) => `Median ${median}, 90% interval ${lo} to ${hi} (prior's: ${plo} to ${phi}). A histogram as flat as the prior means the data say little about the parameter.`,
  against: (a: string, b: string) => `${a} against ${b}`,
  scatterSubtitle: (r: string) => `Last population; dot area ∝ weight. Weighted correlation ${r}.`,
  particles: 'particles',
  pairCaption: 'A cloud stretched along a diagonal is a ridge: the two parameters trade off and the data pin down only their combination.',
  byPopulation: 'Distance by population',
  byPopulationSubtitle: 'The tolerance shrinks as the populations close in on the data.',
  tolerance: 'tolerance ε (distance of the last particle kept)',
  population: 'population',
  distanceAxis: (d: string) => `distance (${d})`,
  byStep: 'Distance by step of the search',
  byStepShort: 'Distance by step',
  byStepSubtitle: 'Nelder-Mead: each evaluation in order.',
  eachEvaluation: 'distance of each evaluation',
  evaluation: 'evaluation',
  distanceCaption: 'How close the simulations came to the observations as the calibration went on.',
  paramHeader: ['parameter', 'prior', 'best', 'median', '90% interval', "prior's 90%"],
  parameters: 'Parameters',
  seriesHeader: ['series', 'fit RMSE', 'held-out RMSE', 'held-out inside 90% band'],
  fitPerSeries: 'Fit per series (best parameters)',
  runsNote: (runs: number, budget: number, seeds: number, rerun: string, best: string) => `${runs} model runs of a budget of ${budget}; ${seeds} seeds per evaluation (common random numbers). Rerun: \`${rerun}\`. Best point alone: \`${best}\`.`,
  footer: 'Made by <code>urd calibrate</code> from calibration.json, fit.csv and posterior.csv. The pictures are also in <code>charts/</code>.',
};

export type CalibrationText = typeof en;

const zh: CalibrationText = {
  seriesName: (metric, scope) => `${metricName(metric, 'zh')}（${SCOPES_ZH[scope] ?? scope}）`,
  optimizeOnly: 'optimize 只找到一个最优点，没有后验分布：无法说明数据对参数的约束有多强；要得到区间与可识别性，请用 abc-smc 方法。',
  ridge: (a, b, r, positive) => `参数脊：${a} 与 ${b} 相互抵换（后验相关 ${r}）：数据能确定两者的${positive ? '比值' : '组合'}，却难以分别确定各自的值。`,
  wide: (path, lo, hi, plo, phi) => `不可识别：${path} 的 90% 区间（${lo} 至 ${hi}）与其先验区间（${plo} 至 ${phi}）差不多宽：数据对它几乎没有约束。`,
  heldOutMiss: (name, fit, held, pct) => `留出检验未通过（${name}）：模型拟合了过去（RMSE ${fit}），却没能预测留出的时期（RMSE ${held}；只有 ${pct}% 落在 90% 带内）。`,
  heldOutCheck: (name, fit, held, pct) => `留出检验（${name}）：留出时期的 RMSE 为 ${held}，拟合时期为 ${fit}；留出观测有 ${pct}% 落在 90% 带内。`,
  nothingToSay: '没有参数脊，也没有与先验一样宽的参数；没有留出任何时期，因此无法判断拟合能否外推（设置 fit.holdOut）。',
  title: (name) => `校准 ${name}`,
  subtitle: (method, params, series, distance) => `${method} · ${params} 个参数 · ${series} 条序列 · 距离 ${distance}`,
  theReading: '解读',
  heldOut: '留出期',
  simulatedBand: '模拟：中位数与 90% 带',
  bestLine: '最优参数（各种子均值）',
  observed: '观测值',
  fitTitle: (series) => `${series}：观测与模拟`,
  fitSubtitle: (abc) => `点：观测值。${abc ? '带：90% 后验预测区间。' : '带：最优点上各种子的 90% 区间。'}`,
  fitCaption: '点为观测值；线与带是校准参数下的模型。阴影时期未参与拟合：在那里模型是在预测，而不是拟合。',
  tickYears: (from, to) => `期（${from}–${to} 年）`,
  posteriorOf: (path) => `${path} 的后验分布`,
  histogramSubtitle: (log) => `最后一代粒子在先验范围上的加权直方图${log ? '（对数等距分箱）' : ''}。`,
  posteriorWeight: '后验权重占比',
  posteriorCaption: (median, lo, hi, plo, phi) => `中位数 ${median}，90% 区间 ${lo} 至 ${hi}（先验：${plo} 至 ${phi}）。直方图若与先验一样平，说明数据对该参数几乎没有约束。`,
  against: (a, b) => `${a} 对 ${b}`,
  scatterSubtitle: (r) => `最后一代粒子；点的面积 ∝ 权重。加权相关 ${r}。`,
  particles: '粒子',
  pairCaption: '沿对角线拉长的点云是参数脊：两个参数相互抵换，数据只能确定它们的组合。',
  byPopulation: '各代的距离',
  byPopulationSubtitle: '随着各代逼近数据，容差逐步缩小。',
  tolerance: '容差 ε（保留的最后一个粒子的距离）',
  population: '代',
  distanceAxis: (d) => `距离（${d}）`,
  byStep: '搜索各步的距离',
  byStepShort: '各步的距离',
  byStepSubtitle: 'Nelder-Mead：按顺序的每次评估。',
  eachEvaluation: '每次评估的距离',
  evaluation: '评估',
  distanceCaption: '校准过程中模拟与观测的接近程度。',
  paramHeader: ['参数', '先验', '最优值', '中位数', '90% 区间', '先验 90%'],
  parameters: '参数',
  seriesHeader: ['序列', '拟合 RMSE', '留出 RMSE', '留出值落在 90% 带内'],
  fitPerSeries: '各序列的拟合（最优参数）',
  runsNote: (runs, budget, seeds, rerun, best) => `共 ${runs} 次模型运行（预算 ${budget}）；每次评估 ${seeds} 个种子（共同随机数）。重新运行：\`${rerun}\`。单独运行最优点：\`${best}\`。`,
  footer: '由 <code>urd calibrate</code> 根据 calibration.json、fit.csv 和 posterior.csv 生成。图片也保存在 <code>charts/</code>。',
};

/** The scopes an observed series can have, in Chinese (ring:k and place:k stay as they are). */
const SCOPES_ZH: Record<string, string> = { all: '全体', urban: '城市', rural: '乡村' };

export const CALIBRATION_TEXT: Record<Lang, CalibrationText> = { en, zh };
