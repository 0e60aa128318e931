/**
 * The verdict of a run in plain words, for a teacher to read aloud: which way the gap went,
 * by how much, which stage holds the widest gap, and what happened to the villages.
 */
import type { RunSummary } from '../metrics/summary.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { MetricTable } from './read.ts';
import { fmtNumber, fmtPercent } from './theme.ts';

/** One-line headline per verdict: the net change of |DPD| since the start (docs/metrics.md, "The verdict"). */
export const HEADLINES: Record<string, string> = {
  narrowed: 'The urban–rural digital gap narrowed.',
  widened: 'The urban–rural digital gap widened.',
  unchanged: 'The urban–rural digital gap hardly changed.',
  undetermined: 'The run is too short to tell which way the gap went.',
};

const STAGE_NAMES: Record<string, string> = {
  technology: 'technology foundation (digital infrastructure)',
  capital: 'capital momentum (capital per resident)',
  talent: 'talent application (talent × skill)',
  production: 'production diffusion (residents with digital outcomes)',
  rights: 'the right core (rights and inclusion)',
};

/** Each stage's share of the final DPD: weight × ln(ratio), largest first. */
export function stageContributions(summary: RunSummary, scenario: Scenario): { stage: string; ratio: number; term: number }[] {
  const w = (scenario.metrics?.dpdWeights ?? {}) as Record<string, number>;
  return Object.keys(STAGE_NAMES)
    .map((stage) => {
      const ratio = summary.final[`ratio_${stage}`];
      return { stage, ratio, term: (w[stage] ?? 0.2) * Math.log(ratio) };
    })
    .filter((c) => Number.isFinite(c.term))
    .sort((a, b) => Math.abs(b.term) - Math.abs(a.term));
}

/** The verdict as a headline and a few plain sentences (HTML-free text). */
export function runStory(summary: RunSummary, scenario: Scenario, table: MetricTable): { headline: string; points: string[] } {
  const d = summary.dpd;
  const points: string[] = [];
  const rel = d.initial !== 0 ? ` (${d.change < 0 ? '−' : '+'}${fmtPercent(Math.abs(d.change / d.initial), 0)})` : '';
  points.push(
    `Over ${summary.ticks} ticks the digital potential difference (DPD) went from ${fmtNumber(d.initial)} to ${fmtNumber(d.final)}${rel}. ` +
      `It peaked at ${fmtNumber(d.peak)}${d.peakTick !== null ? ` in tick ${d.peakTick}` : ''}, and ` +
      (d.halvingTick !== null ? `had halved by tick ${d.halvingTick}.` : 'never fell to half its starting value.'),
  );
  // The verdict's own sentence and qualifiers (src/metrics/verdict.ts), so the report says what the summary says.
  points.push(summary.sentence, ...summary.qualifierSentences);
  const top = stageContributions(summary, scenario)[0];
  if (top) {
    points.push(
      top.ratio >= 1
        ? `The widest remaining gap is in ${STAGE_NAMES[top.stage]}: urban places have ${fmtNumber(top.ratio, 3)} times the rural level.`
        : `The largest stage term is ${STAGE_NAMES[top.stage]}, where rural places are now ahead (urban/rural ratio ${fmtNumber(top.ratio, 3)}).`,
    );
  }
  const r0 = table.valueAt('population', 'rural', table.ticks()[0]) / table.valueAt('population', 'all', table.ticks()[0]);
  points.push(
    Number.isFinite(r0)
      ? `The rural places held ${fmtPercent(r0)} of residents at the start and ${fmtPercent(summary.ruralShare)} at the end.`
      : `At the end ${fmtPercent(summary.ruralShare)} of residents live in rural places.`,
  );
  const b = summary.beta;
  if (Number.isFinite(b.beta)) {
    const significant = Math.abs(b.beta) > 2 * b.se;
    points.push(
      b.beta < 0 && significant
        ? `Across places, poorer places grew faster (beta convergence, β = ${fmtNumber(b.beta, 3)}${b.halfLife !== null ? `, half-life ${fmtNumber(b.halfLife, 3)} ticks` : ''}).`
        : b.beta > 0 && significant
          ? `Across places, richer places grew faster (β = ${fmtNumber(b.beta, 3)}): place incomes drifted apart.`
          : `Across places, growth was not clearly related to the starting income (β = ${fmtNumber(b.beta, 3)}, standard error ${fmtNumber(b.se, 2)}).`,
    );
  }
  if (summary.events?.tipping > 0) {
    points.push(`Villages tipped into a digital run (a self-reinforcing exodus of capital and people) ${summary.events.tipping} times.`);
  }
  const spent = Object.values(summary.spending ?? {}).reduce((s, v) => s + v, 0);
  if (spent > 0) {
    const by = Object.entries(summary.spending)
      .filter(([, v]) => v > 0)
      .map(([k, v]) => `${k} ${fmtNumber(v, 3)}`)
      .join(', ');
    points.push(`Public spending totalled ${fmtNumber(spent, 3)} output units (${by})${summary.events.overspend > 0 ? `; in ${summary.events.overspend} ticks the programmes asked for more than the budget and were scaled down` : ''}.`);
  } else {
    points.push('No public money was spent: the dual structure was left to itself.');
  }
  return { headline: HEADLINES[summary.verdict] ?? `Verdict: ${summary.verdict}.`, points };
}
