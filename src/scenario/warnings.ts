/**
 * Interventions that are valid but can have no effect, found before a run wastes its time:
 * the scenario loads, and the user hears why a programme will not show in the results.
 */
import type { Scenario } from './schema.ts';

/** One sentence per intervention that cannot act, naming it as errors do (`interventions[i]`). */
export function noEffectWarnings(s: Scenario): string[] {
  const out: string[] = [];
  s.interventions.forEach((iv, i) => {
    const name = `interventions[${i}]${iv.label ? ` (${iv.label})` : ''}`;
    if (iv.start > s.ticks) out.push(`${name}: starts at tick ${iv.start}, after the run ends (ticks: ${s.ticks}); it never acts`);
    if (iv.instrument === 'registration') {
      // Registration reform lowers the barrier a rural-registered resident faces in an urban place (src/model/talent.ts): it has nothing to act on in rural places.
      const rings = iv.target.rings ?? s.world.rings.map((_, k) => k);
      const urban = rings.filter((k) => s.world.rings[k]?.class === 'urban');
      if (iv.target.class === 'rural' || urban.length === 0) out.push(`${name}: registration reform acts only in urban places, but it targets only rural ones; it has no effect`);
    }
  });
  return out;
}
