import { drawIndex, loadWeights, placeSamplers, type SizeSampler } from '../engine/sizeSampler.ts';
import { account } from '../engine/ledger.ts';
import type { World } from '../engine/world.ts';
import { beyondSaturation, plannedIntensity, spendPlanned } from '../policy/plan.ts';
import { updateEmployment } from './economy.ts';
import { decayBetween, decayRow } from './gravity.ts';
import { netLoss, updateRun } from './run.ts';

const MIGRATED = account('people', 'migration');

/** Largest logit term exponentiated on its own: e^300 already makes an option certain, and products of three stay finite. */
const MAX_LOGIT = 200;

/** The exact choice's per-world buffers: movers grouped by (place, class), and one row of cumulative weights. */
interface ExactBuffers {
  movers: Int32Array;
  order: Int32Array;
  bucketStart: Int32Array;
  cumulative: Float64Array;
}
const buffers = new WeakMap<World, ExactBuffers>();

function exactBuffers(world: World): ExactBuffers {
  let b = buffers.get(world);
  if (!b) {
    const P = world.places.count;
    const N = world.residents.count;
    b = { movers: new Int32Array(N), order: new Int32Array(N), bucketStart: new Int32Array(2 * P + 1), cumulative: new Float64Array(P + 1) };
    buffers.set(world, b);
  }
  return b;
}

/**
 * Updates each place's adaptive expectation of the log expected wage, x̂ ← x̂ + λ(x − x̂), with x
 * the log of wage × Harris-Todaro employment probability (informal income otherwise). λ = 1 is
 * the naive rule (react to the last wage), which cobwebs when many react strongly (docs/ODD.md).
 */
function updateExpectations(world: World): void {
  const pl = world.places;
  const lambda = world.scenario.talent.expectationWeight;
  for (let p = 0; p < pl.count; p++) pl.expectedWage[p] += lambda * (logExpectedWage(world, p) - pl.expectedWage[p]);
}

/** Log of the Harris-Todaro expected wage of a place now: wage × (e + (1 − e) × informal income share). */
export function logExpectedWage(world: World, p: number): number {
  const pl = world.places;
  const e = pl.employment[p];
  return Math.log(Math.max(pl.wage[p] * (e + (1 - e) * world.scenario.talent.informalIncome), 1e-12));
}

/**
 * Stage 3, talent application. Each resident considers moving with probability moveProbability
 * (more often once their place has lost more than their run threshold: the digital run) and then
 * chooses by logit among **all** places, so no place gains from appearing on more lists than
 * another. A place is an aggregate of dwellings, so its weight carries the residents it started
 * with (McFadden 1978): (n⁰ + 1)·exp(β·u). Utility = adaptive expected log wage + amenity +
 * rights (of which a rural-registered resident can use only serviceAccess in an urban place) −
 * serviceLoss·(1 − σ) (failing services) − registration barrier (rural-registered, urban place) +
 * attachment and returnee incentive at the place of origin. Moving costs discount far places by
 * exp(−β·distanceCost·d) and the discounted share stays home, so they slow moves without making
 * central places more attractive. Skills then grow by use where there is access, decay without
 * it, move toward the local mean, and rise with training spending.
 */
export function talentApplication(world: World): void {
  const { places: pl, scenario } = world;
  const t = scenario.talent;
  const P = pl.count;
  updateEmployment(world);
  updateExpectations(world);
  const beta = t.choiceScale;

  // Per-place weights exp(β(u − max))·(n + 1), for urban-registered (0) and rural-registered (1) residents.
  const { e: urbanWeight, f: ruralWeight } = world.scratch;
  const returnee = world.scratch.c;
  const loss = world.scratch.d;
  const reform = plannedIntensity(world, 'talent', 'registration');
  returnee.fill(0);
  spendPlanned(world, 'talent', 'returnee', (p, amount) => {
    // Per resident the place started with: the incentive is for those who left, so emptier places must not get it cheaper.
    returnee[p] = amount / (scenario.policy.returneeCost * Math.max(1, pl.reference[p]));
  });
  let top = -Infinity;
  const best = [-Infinity, -Infinity];
  for (let p = 0; p < P; p++) {
    const common = pl.expectedWage[p] + pl.amenity[p] - t.serviceLoss * (1 - pl.services[p]);
    urbanWeight[p] = common + t.rightsWeight * pl.rights[p];
    ruralWeight[p] =
      pl.urban[p] === 1
        ? common + t.rightsWeight * pl.rights[p] * t.serviceAccess - t.barrier * (1 - Math.min(1, reform ? reform[p] : 0))
        : urbanWeight[p];
    top = Math.max(top, urbanWeight[p], ruralWeight[p]);
    best[0] = Math.max(best[0], urbanWeight[p]);
    best[1] = Math.max(best[1], ruralWeight[p]);
    loss[p] = netLoss(world, p);
  }
  // Weights relative to the best utility of either registration, except for a registration whose
  // own best is so far below it that all its weights would underflow to 0 (β·gap > 700): a choice
  // among zeros sent every mover to the last place. Its weights are then relative to its own best
  // (each registration chooses among its own weights, so a common factor changes nothing).
  const shift = best.map((b) => (beta * (top - b) > 700 ? b : top));
  const totals = [0, 0];
  for (let p = 0; p < P; p++) {
    const urban = Math.exp(beta * (urbanWeight[p] - shift[0])) * (pl.reference[p] + 1);
    // In a rural place both registrations see the same utility, so the same weight when both are
    // measured from the same best.
    ruralWeight[p] = pl.urban[p] === 1 || shift[0] !== shift[1] ? Math.exp(beta * (ruralWeight[p] - shift[1])) * (pl.reference[p] + 1) : urban;
    urbanWeight[p] = urban;
    totals[0] += urbanWeight[p];
    totals[1] += ruralWeight[p];
  }

  // The origin's pull, per place: attachment and the returnee incentive, which pays natives for
  // living at home (staying or returning). The scratch row of incentives becomes the row of pulls.
  const attach = Math.exp(Math.min(MAX_LOGIT, beta * t.homeAttachment));
  const pullOf = returnee;
  // Without an incentive (most places) the pull is the attachment alone: exp(0) is 1.
  for (let p = 0; p < P; p++) pullOf[p] = returnee[p] === 0 ? attach : attach * Math.exp(Math.min(MAX_LOGIT, beta * returnee[p]));
  // A resident whose place has lost more than their threshold has joined the run: they reconsider more often.
  const joined = 1 - (1 - t.moveProbability) * (1 - t.herding);
  const choice: Choice = { weight: [urbanWeight, ruralWeight], totals, pullOf, loss, joined, moveProbability: t.moveProbability, decay: beta * t.distanceCost };
  if (world.choice === 'exact') chooseExactly(world, exactBuffers(world), choice);
  else chooseBySampling(world, placeSamplers(world), choice);
  updateRun(world);
  learnSkills(world);
}

/** What both ways of choosing share: the weights W_j per registration, their totals, the origins' pulls and the run. */
interface Choice {
  weight: [Float64Array, Float64Array];
  totals: number[];
  pullOf: Float64Array;
  loss: Float64Array;
  /** Chance to reconsider: for a resident who has joined the run, and for the others. */
  joined: number;
  moveProbability: number;
  /** β · distanceCost. */
  decay: number;
}

function moveResident(world: World, i: number, cur: number, dest: number): void {
  const pl = world.places;
  world.residents.place[i] = dest;
  world.ledger.moveTo(MIGRATED, cur, dest, 1);
  pl.population[cur] -= 1;
  pl.population[dest] += 1;
}

/**
 * The exact choice: movers are grouped by (present place, registration) and each group's row of
 * weights W_k·G_ck over all places is built once, O(N + 2P² + movers·log P).
 */
function chooseExactly(world: World, buf: ExactBuffers, c: Choice): void {
  const rs = world.residents;
  const P = world.places.count;
  const rand = world.streams.talent;
  const { place, origin, rural, threshold } = rs;
  const { loss, joined, moveProbability } = c;
  const { movers, order, bucketStart, cumulative } = buf;
  bucketStart.fill(0);
  let count = 0;
  for (let i = 0; i < rs.count; i++) {
    if (rand() >= (threshold[i] < loss[place[i]] ? joined : moveProbability)) continue;
    movers[count++] = i;
    bucketStart[2 * place[i] + rural[i] + 1]++;
  }
  for (let k = 0; k < 2 * P; k++) bucketStart[k + 1] += bucketStart[k];
  for (let m = 0; m < count; m++) {
    const i = movers[m];
    order[bucketStart[2 * place[i] + rural[i]]++] = i;
  }
  for (let k = 2 * P; k > 0; k--) bucketStart[k] = bucketStart[k - 1];
  bucketStart[0] = 0;

  for (let key = 0; key < 2 * P; key++) {
    const first = bucketStart[key];
    const last = bucketStart[key + 1];
    if (first === last) continue;
    const cur = key >> 1;
    const w = c.weight[key & 1];
    const near = decayRow(world, 'moving', c.decay, cur);
    cumulative[0] = 0;
    for (let j = 0; j < P; j++) cumulative[j + 1] = cumulative[j] + w[j] * near[j];
    // What the moving cost discounts from the other places stays with the present one (see the doc comment).
    const here = cumulative[cur + 1] - cumulative[cur];
    const stay = here + Math.max(0, c.totals[key & 1] - cumulative[P]);
    for (let m = first; m < last; m++) {
      const i = order[m];
      const o = origin[i];
      // Three parts: stay, the origin (attachment, returnee incentive) and every other place.
      const pull = c.pullOf[o];
      const originMass = o === cur ? 0 : cumulative[o + 1] - cumulative[o];
      const home = originMass * pull;
      const rest = Math.max(0, cumulative[P] - here - originMass);
      const own = o === cur ? stay + here * (pull - 1) : stay;
      const draw = rand() * (own + home + rest);
      if (draw < own) continue;
      let dest = o;
      if (draw >= own + home) {
        // A point of the other places' mass, mapped past the two excluded segments, then found by bisection.
        let y = draw - own - home;
        const a = Math.min(cur, o);
        const b = Math.max(cur, o);
        if (y >= cumulative[a]) y += cumulative[a + 1] - cumulative[a];
        if (b !== a && y >= cumulative[b]) y += cumulative[b + 1] - cumulative[b];
        let lo = 0;
        let hi = P - 1;
        while (lo < hi) {
          const mid = (lo + hi + 1) >> 1;
          if (cumulative[mid] <= y) lo = mid;
          else hi = mid - 1;
        }
        dest = lo;
      }
      if (dest !== cur) moveResident(world, i, cur, dest);
    }
  }
}

/**
 * The sampled choice, the same probabilities without any row over all places. Because moving
 * costs are not in the denominator, the choice's total is Σ_k W_k + (A − 1)·W_o·G_co, whatever
 * the present place c. So a mover draws a point of that total: in the first Σ_k W_k it picks a
 * place k by size alone (a size sampler, O(1)) and goes there with probability G_ck, else stays
 * (what the moving cost discounts stays home); the rest, the origin's extra pull, takes it home.
 * Then P(k) = W_k·G_ck / total for k ≠ c, o, P(o) = A·W_o·G_co / total, and staying gets what is
 * left: the exact choice's probabilities (docs/ODD.md 7.3). O(P + N); movers in resident order.
 */
function chooseBySampling(world: World, samplers: [SizeSampler, SizeSampler], c: Choice): void {
  const rs = world.residents;
  const rand = world.streams.talent;
  const { place, origin, rural, threshold } = rs;
  const { loss, joined, moveProbability, totals } = c;
  // The samplers' totals are c.totals to the bit: the same sums in the same order.
  loadWeights(samplers[0], c.weight[0]);
  loadWeights(samplers[1], c.weight[1]);
  for (let i = 0; i < rs.count; i++) {
    if (rand() >= (threshold[i] < loss[place[i]] ? joined : moveProbability)) continue;
    const cur = place[i];
    const o = origin[i];
    const w = c.weight[rural[i]];
    const total = totals[rural[i]];
    const toOrigin = decayBetween(world, c.decay, cur, o);
    const draw = rand() * (total + (c.pullOf[o] - 1) * w[o] * toOrigin);
    let dest = o;
    if (draw < total) {
      dest = drawIndex(samplers[rural[i]], draw);
      if (dest === cur || rand() >= (dest === o ? toOrigin : decayBetween(world, c.decay, cur, dest))) continue;
    }
    if (dest !== cur) moveResident(world, i, cur, dest);
  }
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
