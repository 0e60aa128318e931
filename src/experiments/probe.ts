import { runScenario } from '../run/runScenario.ts';
import type { Scenario } from '../scenario/schema.ts';

/**
 * Returns the names of the `final.*` metrics runs of this scenario report, from a one-tick run
 * of a small copy of it (a few milliseconds). Asking the model, rather than keeping a list here,
 * means `metrics:` is checked against what runs really report, even as reporters change.
 */
export function probeFinalMetrics(scenario: Scenario): string[] {
  const small: Scenario = {
    ...scenario,
    ticks: 1,
    world: { ...scenario.world, residents: Math.min(scenario.world.residents, 1000) },
    metrics: { ...scenario.metrics, placeMetrics: false },
  };
  return Object.keys(runScenario(small).summary.final);
}
