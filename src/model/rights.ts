import { account } from '../engine/ledger.ts';
import type { World } from '../engine/world.ts';
import { updateState } from '../engine/world.ts';
import { beyondSaturation, plannedIntensity, spendPlanned } from '../policy/plan.ts';
import { deductRent } from './economy.ts';

const RENT = account('income', 'rent');
const INCOME_TAXED = account('income', 'tax');
const BUDGET_TAXED = account('budget', 'tax');

/**
 * Stage 5, right core. A share φ(1−R) of each rural place's digital surplus (the part of its
 * output due to level-3 residents' premium) flows to its core as platform rent, and comes out of
 * those residents' incomes; benefit-sharing rules cut that share. Rights rise with digital
 * public services (the rights lever) and with local level-3 adoption (voice), and erode with the
 * log income gap to the core (alienation).
 * Finally the fiscal year closes: unspent budget lapses and next tick's budget is collected.
 */
export function rightCore(world: World): void {
  const { places: pl, ledger, scenario } = world;
  const r = scenario.rights;
  const sharing = plannedIntensity(world, 'rights', 'benefit-sharing');

  pl.rent.fill(0);
  const captured = world.scratch.b;
  captured.fill(0);
  for (let p = 0; p < pl.count; p++) {
    if (pl.urban[p] === 1 || pl.talent[p] <= 0) continue;
    const surplus = (pl.output[p] * pl.digitalTalent[p]) / pl.talent[p];
    const share = r.rentShare * (1 - pl.rights[p]) * (1 - Math.min(1, sharing ? sharing[p] : 0));
    const rent = Math.min(pl.income[p], share * Math.max(0, surplus));
    if (rent <= 0) continue;
    captured[p] = rent / surplus;
    const core = pl.root[p];
    ledger.moveTo(RENT, p, core, rent);
    pl.income[p] -= rent;
    pl.income[core] += rent;
    pl.rent[p] -= rent;
    pl.rent[core] += rent;
  }

  deductRent(world, captured);

  const services = world.scratch.a;
  services.fill(0);
  spendPlanned(world, 'rights', 'services', (p, amount) => {
    const full = scenario.policy.servicesCost * Math.max(1, pl.population[p]);
    services[p] = Math.min(1, amount / full);
    return beyondSaturation(amount, full, 1 - pl.rights[p]);
  });
  for (let p = 0; p < pl.count; p++) {
    const core = pl.root[p];
    const gap = pl.incomePerResident[p] > 0 && pl.incomePerResident[core] > 0 ? Math.max(0, Math.log(pl.incomePerResident[core] / pl.incomePerResident[p])) : 0;
    let R = pl.rights[p];
    R += services[p] * (1 - R) + r.voice * pl.outcome[p] * (1 - R) - r.alienation * gap * R;
    pl.rights[p] = R < 0 ? 0 : R > 1 ? 1 : R;
  }
  closeFiscalYear(world);
}

/**
 * Lapses what is left of this tick's budget and raises the next one: a tax share of output
 * (mode share) or a fixed appropriation (mode fixed). Both go through the ledger's treasury.
 */
export function closeFiscalYear(world: World): void {
  const { places: pl, ledger, scenario } = world;
  const fiscal = scenario.fiscal;
  const left = world.state.budget + ledger.booked('budget', ledger.treasury);
  ledger.book('budget', 'lapse', ledger.treasury, -left);
  let next = 0;
  if (fiscal.mode === 'share') {
    for (let p = 0; p < pl.count; p++) {
      const tax = Math.min(pl.income[p], fiscal.value * pl.output[p]);
      ledger.bookTo(INCOME_TAXED, p, -tax);
      ledger.bookTo(BUDGET_TAXED, ledger.treasury, tax);
      pl.income[p] -= tax;
      next += tax;
    }
  } else {
    ledger.book('budget', 'appropriation', ledger.treasury, fiscal.value);
    next = fiscal.value;
  }
  updateState(world, (d) => void (d.budget = next));
}
