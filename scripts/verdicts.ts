/**
 * The verdict of every stock scenario (seed 1) at its own length and at other lengths, with
 * the qualifiers raised: how much of a scenario's story depends on the horizon.
 *
 *   npx tsx scripts/verdicts.ts [ticks ...]     (default: own length, 50 and 150)
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runScenario } from '../src/run/runScenario.ts';
import { loadScenario } from '../src/scenario/load.ts';

const lengths = process.argv.slice(2).map(Number);
const horizons: (number | undefined)[] = lengths.length > 0 ? lengths : [undefined, 50, 150];
const files = readdirSync('scenarios').filter((f) => f.endsWith('.yaml')).sort();
const cell = (v: number) => v.toFixed(2);
process.stdout.write('scenario\tticks\tdpd\t|dpd| start->end\tverdict\trecent\tqualifiers\trural share\twaste\tbudget cut\n');
for (const file of files) {
  for (const ticks of horizons) {
    const { summary: s } = runScenario(loadScenario(join('scenarios', file), { ticks }));
    const qualifiers = s.gap.qualifiers.map((q) => (q.id === 'stage-against' ? `stage-against:${q.values.stage}` : q.id)).join(',') || '-';
    process.stdout.write(
      [
        s.scenario,
        s.ticks,
        `${cell(s.dpd.initial)}->${cell(s.dpd.final)}`,
        `${cell(s.gap.gapInitial)}->${cell(s.gap.gapFinal)}`,
        s.verdict,
        s.recent,
        qualifiers,
        `${cell(s.population.ruralShareInitial)}->${cell(s.population.ruralShareFinal)}`,
        `${(100 * s.waste.share).toFixed(1)}%`,
        s.budget.capped ? `${s.budget.cut.toFixed(0)}/${s.budget.requested.toFixed(0)}` : '-',
      ].join('\t') + '\n',
    );
  }
}
