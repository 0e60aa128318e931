/**
 * The verdict of a run in plain words, for a teacher to read aloud: which way the gap went,
 * by how much, which stage holds the widest gap, and what happened to the villages.
 */
import type { RunSummary } from '../metrics/summary.ts';
import { verdictSentences } from '../metrics/verdict.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { MetricTable } from './read.ts';
import { fmtNumber, fmtPercent } from './theme.ts';
import { CHART_TEXT } from '../i18n/charts.ts';
import { HEADLINES } from '../i18n/report.ts';
import { type Lang, TERMS } from '../i18n/terms.ts';
import { verdictWord } from './comparisonReading.ts';

const STAGE_NAMES: Record<Lang, Record<string, string>> = {
  en: {
    technology: 'technology foundation (digital infrastructure)',
    capital: 'capital momentum (capital per resident)',
    talent: 'talent application (talent × skill)',
    production: 'production diffusion (residents with digital outcomes)',
    rights: 'the right core (rights and inclusion)',
  },
  zh: { technology: '技术基础（数字基础设施）', capital: '资本动能（人均资本）', talent: '人才应用（人才 × 技能）', production: '生产扩散（获得数字成果的居民）', rights: '权利内核（权利与包容）' },
};

/** Each stage's share of the final DPD: weight × ln(ratio), largest first. */
export function stageContributions(summary: RunSummary, scenario: Scenario): { stage: string; ratio: number; term: number }[] {
  const w = (scenario.metrics?.dpdWeights ?? {}) as Record<string, number>;
  return Object.keys(STAGE_NAMES.en)
    .map((stage) => {
      const ratio = summary.final[`ratio_${stage}`];
      return { stage, ratio, term: (w[stage] ?? 0.2) * Math.log(ratio) };
    })
    .filter((c) => Number.isFinite(c.term))
    .sort((a, b) => Math.abs(b.term) - Math.abs(a.term));
}

/** The verdict as a headline and a few plain sentences (HTML-free text). The verdict is the summary's own, never re-derived. */
export function runStory(summary: RunSummary, scenario: Scenario, table: MetricTable, lang: Lang = 'en'): { headline: string; points: string[] } {
  const zh = lang === 'zh';
  const d = summary.dpd;
  const points: string[] = [];
  const rel = d.initial !== 0 ? (zh ? `（${d.change < 0 ? '−' : '+'}${fmtPercent(Math.abs(d.change / d.initial), 0)}）` : ` (${d.change < 0 ? '−' : '+'}${fmtPercent(Math.abs(d.change / d.initial), 0)})`) : '';
  points.push(
    zh
      ? `${summary.ticks} 期内${TERMS.dpd.zh}从 ${fmtNumber(d.initial)} 变为 ${fmtNumber(d.final)}${rel}。峰值 ${fmtNumber(d.peak)}${d.peakTick !== null ? `（第 ${d.peakTick} 期）` : ''}，` +
          (d.halvingTick !== null ? `第 ${d.halvingTick} 期已减半。` : '始终未降到初始值的一半。')
      : `Over ${summary.ticks} ticks the digital potential difference (DPD) went from ${fmtNumber(d.initial)} to ${fmtNumber(d.final)}${rel}. ` +
          `It peaked at ${fmtNumber(d.peak)}${d.peakTick !== null ? ` in tick ${d.peakTick}` : ''}, and ` +
          (d.halvingTick !== null ? `had halved by tick ${d.halvingTick}.` : 'never fell to half its starting value.'),
  );
  // The verdict's own sentence and qualifiers (src/metrics/verdict.ts), so the report says what the summary says.
  const said = verdictSentences(summary.gap, summary.ticks, summary.trend.window, lang);
  points.push(said.sentence, ...said.qualifiers);
  const top = stageContributions(summary, scenario)[0];
  if (top) {
    const name = STAGE_NAMES[lang][top.stage];
    points.push(
      top.ratio >= 1
        ? zh
          ? `剩余差距最大的环节是${name}：城市是乡村的 ${fmtNumber(top.ratio, 3)} 倍。`
          : `The widest remaining gap is in ${name}: urban places have ${fmtNumber(top.ratio, 3)} times the rural level.`
        : zh
          ? `贡献最大的环节是${name}，乡村已经领先（城乡比 ${fmtNumber(top.ratio, 3)}）。`
          : `The largest stage term is ${name}, where rural places are now ahead (urban/rural ratio ${fmtNumber(top.ratio, 3)}).`,
    );
  }
  const r0 = table.valueAt('population', 'rural', table.ticks()[0]) / table.valueAt('population', 'all', table.ticks()[0]);
  points.push(
    Number.isFinite(r0)
      ? zh
        ? `乡村地点的居民占比从期初的 ${fmtPercent(r0)} 变为期末的 ${fmtPercent(summary.ruralShare)}。`
        : `The rural places held ${fmtPercent(r0)} of residents at the start and ${fmtPercent(summary.ruralShare)} at the end.`
      : zh
        ? `期末 ${fmtPercent(summary.ruralShare)} 的居民住在乡村地点。`
        : `At the end ${fmtPercent(summary.ruralShare)} of residents live in rural places.`,
  );
  const b = summary.beta;
  if (Number.isFinite(b.beta)) {
    const significant = Math.abs(b.beta) > 2 * b.se;
    const beta = fmtNumber(b.beta, 3);
    points.push(
      b.beta < 0 && significant
        ? zh
          ? `各地点中较穷的增长更快（β 收敛，β = ${beta}${b.halfLife !== null ? `，半衰期 ${fmtNumber(b.halfLife, 3)} 期` : ''}）。`
          : `Across places, poorer places grew faster (beta convergence, β = ${beta}${b.halfLife !== null ? `, half-life ${fmtNumber(b.halfLife, 3)} ticks` : ''}).`
        : b.beta > 0 && significant
          ? zh
            ? `各地点中较富的增长更快（β = ${beta}）：地点收入在拉开。`
            : `Across places, richer places grew faster (β = ${beta}): place incomes drifted apart.`
          : zh
            ? `各地点的增长与初始收入没有明显关系（β = ${beta}，标准误 ${fmtNumber(b.se, 2)}）。`
            : `Across places, growth was not clearly related to the starting income (β = ${beta}, standard error ${fmtNumber(b.se, 2)}).`,
    );
  }
  if (summary.events?.tipping > 0) {
    points.push(zh ? `村庄 ${summary.events.tipping} 次陷入${TERMS.digitalRun.zh}（资本与人口自我强化的外流）。` : `Villages tipped into a digital run (a self-reinforcing exodus of capital and people) ${summary.events.tipping} times.`);
  }
  const spent = Object.values(summary.spending ?? {}).reduce((s, v) => s + v, 0);
  if (spent > 0) {
    const by = Object.entries(summary.spending)
      .filter(([, v]) => v > 0)
      .map(([k, v]) => `${CHART_TEXT[lang].leverName(k)} ${fmtNumber(v, 3)}`)
      .join(zh ? '，' : ', ');
    const over = summary.events.overspend > 0;
    points.push(
      zh
        ? `公共支出共计 ${fmtNumber(spent, 3)} 产出单位（${by}）${over ? `；有 ${summary.events.overspend} 期政策需求超出预算，按比例缩减` : ''}。`
        : `Public spending totalled ${fmtNumber(spent, 3)} output units (${by})${over ? `; in ${summary.events.overspend} ticks the programmes asked for more than the budget and were scaled down` : ''}.`,
    );
  } else {
    points.push(zh ? `没有公共支出：${TERMS.dualStructure.zh}任其自然演变。` : 'No public money was spent: the dual structure was left to itself.');
  }
  return { headline: HEADLINES[lang][summary.verdict] ?? `Verdict: ${summary.verdict}.`, points };
}
