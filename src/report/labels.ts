/**
 * Plain names and units of the metrics that reports show, so axis titles, tables and the
 * verdict text all call a metric the same thing.
 */
import { type Lang, TERMS, VERDICT_TERMS } from '../i18n/terms.ts';

/** Name and unit of a metric; `share` metrics are shown as percentages. */
export interface MetricInfo {
  name: string;
  unit: string;
  share?: boolean;
}

/** What each reported metric means, by its name in metrics.csv. */
export const METRIC_INFO: Record<string, MetricInfo> = {
  population: { name: 'Residents', unit: 'residents' },
  tau: { name: 'Digital infrastructure τ', unit: 'share of the frontier' },
  capital_pc: { name: 'Capital per resident', unit: 'output units' },
  talent: { name: 'Mean talent', unit: 'index, mean 1' },
  skill: { name: 'Digital skill', unit: 'index 0–1' },
  level0: { name: 'Share with no access (level 0)', unit: 'share', share: true },
  level1: { name: 'Share with access only (level 1)', unit: 'share', share: true },
  level2: { name: 'Share with skills and use (level 2)', unit: 'share', share: true },
  level3: { name: 'Share with digital outcomes (level 3)', unit: 'share', share: true },
  output_pc: { name: 'Output per resident', unit: 'output units per tick' },
  income_pc: { name: 'Income per resident', unit: 'output units per tick' },
  rights: { name: 'Rights and inclusion R', unit: 'index 0–1' },
  employment: { name: 'Employment rate', unit: 'share', share: true },
  dpd: { name: 'Digital potential difference (DPD)', unit: 'weighted sum of ln urban/rural' },
  ratio_technology: { name: 'Technology ratio urban/rural', unit: 'ratio' },
  ratio_capital: { name: 'Capital ratio urban/rural', unit: 'ratio' },
  ratio_talent: { name: 'Applied-talent ratio urban/rural', unit: 'ratio' },
  ratio_production: { name: 'Production (level 3) ratio urban/rural', unit: 'ratio' },
  ratio_rights: { name: 'Rights ratio urban/rural', unit: 'ratio' },
  gini: { name: 'Gini index of income', unit: 'index 0–1' },
  theil: { name: 'Theil T of income', unit: 'index' },
  theil_between_class: { name: 'Theil between urban and rural', unit: 'index' },
  theil_within_class: { name: 'Theil within urban and within rural', unit: 'index' },
  theil_between_ring: { name: 'Theil between rings', unit: 'index' },
  theil_within_ring: { name: 'Theil within rings', unit: 'index' },
  sigma_cv: { name: 'Coefficient of variation of place incomes', unit: 'ratio' },
  sigma_sd_log: { name: 'Standard deviation of log place incomes', unit: 'log units' },
  capital_net_to_rural: { name: 'Net capital flow to rural places', unit: 'output units per tick' },
  migrants_net_to_rural: { name: 'Net migration to rural places', unit: 'residents per tick' },
  rent: { name: 'Platform rent captured by the core', unit: 'output units per tick' },
  budget: { name: 'Fiscal budget', unit: 'output units per tick' },
  places_tipping: { name: 'Places in a digital run (services failed)', unit: 'places' },
  places_at_risk: { name: 'Places at risk of a digital run (early warning)', unit: 'places' },
  dpd_final: { name: 'Final DPD', unit: 'weighted sum of ln urban/rural' },
  dpd_change: { name: 'Change in DPD over the run', unit: 'DPD units' },
  narrowed: { name: `Share of runs whose gap ${VERDICT_TERMS.narrowed.en}`, unit: 'share of replications', share: true },
  spending_pc: { name: 'Public spending per resident', unit: 'output units per resident per tick' },
};

/** The same names and units in Chinese, with the seed's terms from the shared glossary. */
const METRIC_ZH: Record<string, MetricInfo> = {
  population: { name: '居民数', unit: '人' },
  tau: { name: '数字基础设施 τ', unit: '占前沿的比例' },
  capital_pc: { name: '人均资本', unit: '产出单位' },
  talent: { name: '平均人才水平', unit: '指数，均值 1' },
  skill: { name: '数字技能', unit: '指数 0–1' },
  level0: { name: '无接入者占比（第 0 级）', unit: '占比' },
  level1: { name: '仅有接入者占比（第 1 级）', unit: '占比' },
  level2: { name: '有技能并使用者占比（第 2 级）', unit: '占比' },
  level3: { name: '获得数字成果者占比（第 3 级）', unit: '占比' },
  output_pc: { name: '人均产出', unit: '产出单位/期' },
  income_pc: { name: '人均收入', unit: '产出单位/期' },
  rights: { name: '权利与包容 R', unit: '指数 0–1' },
  employment: { name: '就业率', unit: '占比' },
  dpd: { name: `${TERMS.dpd.zh}（DPD）`, unit: '城乡比对数的加权和' },
  ratio_technology: { name: '技术城乡比', unit: '比值' },
  ratio_capital: { name: '资本城乡比', unit: '比值' },
  ratio_talent: { name: '应用人才城乡比', unit: '比值' },
  ratio_production: { name: '生产（第 3 级）城乡比', unit: '比值' },
  ratio_rights: { name: '权利城乡比', unit: '比值' },
  gini: { name: '收入基尼系数', unit: '指数 0–1' },
  theil: { name: '收入泰尔指数 T', unit: '指数' },
  theil_between_class: { name: '城乡之间的泰尔指数', unit: '指数' },
  theil_within_class: { name: '城乡各自内部的泰尔指数', unit: '指数' },
  theil_between_ring: { name: `${TERMS.rings.zh}之间的泰尔指数`, unit: '指数' },
  theil_within_ring: { name: `${TERMS.rings.zh}内部的泰尔指数`, unit: '指数' },
  sigma_cv: { name: '地点收入变异系数', unit: '比值' },
  sigma_sd_log: { name: '地点对数收入标准差', unit: '对数单位' },
  capital_net_to_rural: { name: '流向乡村的资本净额', unit: '产出单位/期' },
  migrants_net_to_rural: { name: '流向乡村的净迁移', unit: '人/期' },
  rent: { name: '核心获取的平台租金', unit: '产出单位/期' },
  budget: { name: '财政预算', unit: '产出单位/期' },
  places_tipping: { name: `陷入${TERMS.digitalRun.zh}的地点（服务已失效）`, unit: '个' },
  places_at_risk: { name: `有${TERMS.digitalRun.zh}风险的地点（预警）`, unit: '个' },
  dpd_final: { name: `期末${TERMS.dpd.zh}`, unit: '城乡比对数的加权和' },
  dpd_change: { name: `${TERMS.dpd.zh}的变化`, unit: 'DPD 单位' },
  narrowed: { name: `差距${VERDICT_TERMS.narrowed.zh}的运行占比`, unit: '重复运行的占比' },
  spending_pc: { name: '人均公共支出', unit: '产出单位/人/期' },
};

/** The metric's name and unit in a language (undefined when unknown). */
function info(metric: string, lang: Lang): MetricInfo | undefined {
  const base = METRIC_INFO[metric];
  return lang === 'zh' && METRIC_ZH[metric] ? { ...METRIC_ZH[metric], share: base?.share } : base;
}

/** The metric's plain name (the raw name when unknown). */
export function metricName(metric: string, lang: Lang = 'en'): string {
  return info(metric, lang)?.name ?? metric.replace(/_/g, ' ');
}

/** Short names for axis titles, where the plain name is long. */
const AXIS_NAMES: Record<Lang, Record<string, string>> = {
  en: { dpd: 'DPD', dpd_final: 'Final DPD', dpd_change: 'Change in DPD' },
  zh: { dpd: TERMS.dpd.zh, dpd_final: `期末${TERMS.dpd.zh}`, dpd_change: `${TERMS.dpd.zh}变化` },
};

/** "Name (unit)" for an axis title; long titles come as two lines (name, then unit). */
export function axisTitle(metric: string, lang: Lang = 'en'): string | string[] {
  const i = info(metric, lang);
  if (!i) return metric.replace(/_/g, ' ');
  const name = AXIS_NAMES[lang][metric] ?? i.name;
  const text = lang === 'zh' ? `${name}（${i.unit}）` : `${name} (${i.unit})`;
  return text.length > 44 ? [name, lang === 'zh' ? `（${i.unit}）` : `(${i.unit})`] : text;
}

/** The axis title as one line (for places that cannot wrap). */
export function axisTitleLine(metric: string, lang: Lang = 'en'): string {
  const t = axisTitle(metric, lang);
  return Array.isArray(t) ? t.join(' ') : t;
}

/** Whether values of the metric are shares in [0, 1]. */
export function isShare(metric: string): boolean {
  return METRIC_INFO[metric]?.share === true;
}
