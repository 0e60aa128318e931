/**
 * Plain names and units of the metrics that reports show, so axis titles, tables and the
 * verdict text all call a metric the same thing.
 */

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
  narrowed: { name: 'Share of runs whose gap narrowed', unit: 'share of replications', share: true },
};

/** The metric's plain name (the raw name when unknown). */
export function metricName(metric: string): string {
  return METRIC_INFO[metric]?.name ?? metric.replace(/_/g, ' ');
}

/** Short names for axis titles, where the plain name is long. */
const AXIS_NAMES: Record<string, string> = { dpd: 'DPD', dpd_final: 'Final DPD', dpd_change: 'Change in DPD' };

/** "Name (unit)" for an axis title; long titles come as two lines (name, then unit). */
export function axisTitle(metric: string): string | string[] {
  const info = METRIC_INFO[metric];
  if (!info) return metric.replace(/_/g, ' ');
  const name = AXIS_NAMES[metric] ?? info.name;
  const text = `${name} (${info.unit})`;
  return text.length > 44 ? [name, `(${info.unit})`] : text;
}

/** The axis title as one line (for places that cannot wrap). */
export function axisTitleLine(metric: string): string {
  const t = axisTitle(metric);
  return Array.isArray(t) ? t.join(' ') : t;
}

/** Whether values of the metric are shares in [0, 1]. */
export function isShare(metric: string): boolean {
  return METRIC_INFO[metric]?.share === true;
}
