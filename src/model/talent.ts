import type { World } from '../engine/world.ts';
import { beyondSaturation, plannedIntensity, spendPlanned } from '../policy/plan.ts';
import { updateEmployment } from './economy.ts';

const CANDIDATES = 6;
const raw = new Int32Array(CANDIDATES);
const choice = new Int32Array(CANDIDATES);
const weight = new Float64Array(CANDIDATES);

/**
 * Stage 3, talent application. Each resident considers moving with probability moveProbability
 * and then chooses by logit among staying, the parent place, the core, a random place on the
 * same ring, a random child place (one ring further out) and the place of origin, each distinct
 * place once. Utility = log expected wage (wage × Harris-Todaro employment probability,
 * informal income otherwise) + amenity + rights (of which a rural-registered resident can use
 * only serviceAccess in an urban place) − distance cost − registration barrier
 * (rural-registered, urban place) + attachment to the place of origin + a returnee incentive;
 * leaving gains a herding term from the place's recent exit share (the digital run). Skills
 * then grow by use where there is access, decay without it, move toward the local mean, and
 * rise with training spending.
 */
export function talentApplication(world: World): void {
  const { places: pl, residents: rs, ledger, scenario } = world;
  const t = scenario.talent;
  const rand = world.streams.talent;
  const P = pl.count;
  updateEmployment(world);

  // Per-place parts of utility, for urban-registered (base) and rural-registered (baseRural) residents.
  const base = world.scratch.a;
  const baseRural = world.scratch.b;
  const returnee = world.scratch.c;
  const exits = world.scratch.d;
  const startPopulation = world.scratch.e;
  startPopulation.set(pl.population);
  const reform = plannedIntensity(world, 'talent', 'registration');
  returnee.fill(0);
  spendPlanned(world, 'talent', 'returnee', (p, amount) => {
    returnee[p] = amount / (scenario.policy.returneeCost * Math.max(1, pl.population[p]));
  });
  for (let p = 0; p < P; p++) {
    const e = pl.employment[p];
    const expectedWage = Math.max(pl.wage[p] * (e + (1 - e) * t.informalIncome), 1e-12);
    const common = Math.log(expectedWage) + pl.amenity[p];
    base[p] = common + t.rightsWeight * pl.rights[p];
    baseRural[p] =
      pl.urban[p] === 1
        ? common + t.rightsWeight * pl.rights[p] * t.serviceAccess - t.barrier * (1 - Math.min(1, reform ? reform[p] : 0))
        : common + t.rightsWeight * pl.rights[p];
    exits[p] = 0;
  }

  const { place, origin, rural } = rs;
  const ringStart = pl.ringStart;
  const beta = t.choiceScale;
  for (let i = 0; i < rs.count; i++) {
    if (rand() >= t.moveProbability) continue;
    const cur = place[i];
    const isRural = rural[i] === 1;
    const util = isRural ? baseRural : base;
    const leave = t.herding * pl.peopleRun[cur];
    const r = pl.ring[cur];
    const sameRing = ringStart[r] + Math.floor(rand() * (ringStart[r + 1] - ringStart[r]));
    // Each distinct place is one alternative: a duplicate would double its logit weight.
    raw[0] = cur;
    raw[1] = pl.parent[cur] >= 0 ? pl.parent[cur] : cur;
    raw[2] = pl.root[cur];
    raw[3] = sameRing;
    raw[4] = origin[i];
    // One place further out, so that moves away from the centre (spread) are possible from every ring.
    const children = pl.childStart[cur + 1] - pl.childStart[cur];
    raw[5] = children > 0 ? pl.childList[pl.childStart[cur] + Math.floor(rand() * children)] : cur;
    let n = 0;
    for (let c = 0; c < CANDIDATES; c++) {
      let seen = false;
      for (let k = 0; k < n; k++) if (choice[k] === raw[c]) seen = true;
      if (!seen) choice[n++] = raw[c];
    }
    let best = -Infinity;
    for (let k = 0; k < n; k++) {
      const j = choice[k];
      let u = util[j];
      if (j === origin[i]) u += t.homeAttachment;
      if (j !== cur) {
        u += leave - t.distanceCost * Math.hypot(pl.x[cur] - pl.x[j], pl.y[cur] - pl.y[j]);
        if (j === origin[i]) u += returnee[j];
      }
      weight[k] = beta * u;
      if (weight[k] > best) best = weight[k];
    }
    let sum = 0;
    for (let k = 0; k < n; k++) sum += weight[k] = Math.exp(weight[k] - best);
    let draw = rand() * sum;
    let k = 0;
    while (k < n - 1 && draw >= weight[k]) draw -= weight[k++];
    const dest = choice[k];
    if (dest !== cur) {
      place[i] = dest;
      ledger.move('people', 'migration', cur, dest, 1);
      pl.population[cur] -= 1;
      pl.population[dest] += 1;
      exits[cur] += 1;
    }
  }

  for (let p = 0; p < P; p++) {
    const share = startPopulation[p] > 0 ? exits[p] / startPopulation[p] : 0;
    pl.peopleRun[p] = (1 - t.runMemory) * pl.peopleRun[p] + t.runMemory * share;
    const past = pl.peopleRun[p] > t.tippingThreshold ? 1 : 0;
    if (past !== pl.tipped[p]) {
      world.events.push({ tick: world.state.tick, type: past ? 'tipping' : 'recovery', place: p, ring: pl.ring[p], run: pl.peopleRun[p] });
      pl.tipped[p] = past;
    }
  }
  learnSkills(world);
}

/** Skill dynamics of every resident; training spending raises skills toward 1 in proportion to spending per resident. */
function learnSkills(world: World): void {
  const { places: pl, residents: rs, scenario } = world;
  const t = scenario.talent;
  const F = world.state.frontier;
  const threshold = scenario.diffusion.accessThreshold;
  const reach = world.scratch.a;
  const training = world.scratch.b;
  training.fill(0);
  spendPlanned(world, 'talent', 'training', (p, amount) => {
    const full = scenario.policy.trainingCost * Math.max(1, pl.population[p]);
    training[p] = Math.min(1, amount / full);
    // Training closes the gap left after this tick's learning and decay, not known yet: only the cap counts.
    return beyondSaturation(amount, full, 1);
  });
  for (let p = 0; p < pl.count; p++) reach[p] = Math.min(1, pl.tech[p] / F / threshold);
  const { place, skill, level } = rs;
  for (let i = 0; i < rs.count; i++) {
    const p = place[i];
    let s = skill[i];
    // Use teaches only as far as the local infrastructure reaches: skill moves toward the access gate.
    s += level[i] >= 1 ? t.learning * (reach[p] - s) : -t.skillDecay * s;
    s += t.peerLearning * (pl.skillMean[p] - s);
    s += training[p] * (1 - s);
    skill[i] = s < 0 ? 0 : s > 1 ? 1 : s;
  }
}
