import { z } from 'zod';

/** A statistic of a summary: a number, or null when it is undefined for the run (written as null). */
const stat = z.number().nullable();

/**
 * The shape of a run's summary.json (and of the summary in a sweep's run record), checked before
 * a report or a table is built from it, so a hand-edited file is bad input, never a crash.
 */
const summarySchema = z.looseObject({
  scenario: z.string(),
  seed: z.number().int().min(0),
  ticks: z.number().int().min(0),
  final: z.record(z.string(), stat),
  ruralShare: stat,
  dpd: z.looseObject({ initial: stat, final: stat, change: stat, peak: stat, peakTick: stat, halvingTick: stat }),
  trend: z.looseObject({ slope: stat, slopeSE: stat, verdict: z.string(), rule: z.string() }),
  beta: z.looseObject({ beta: stat, se: stat, halfLife: stat }),
  verdict: z.string(),
  spending: z.record(z.string(), stat),
  events: z.looseObject({ tipping: z.number(), overspend: z.number() }),
});

/** What is wrong with a summary ("field: expected ..."), or null when it has the shape urd writes. */
export function summaryProblem(value: unknown): string | null {
  const r = summarySchema.safeParse(value);
  if (r.success) return null;
  const issue = r.error.issues[0];
  return `${issue.path.join('.') || 'summary'}: ${issue.message}`;
}
