import { z } from 'zod';
import { intParam, param } from './param.ts';

/** Hard limits, checked before anything is allocated (docs/reliability.md). */
export const LIMITS = {
  maxResidents: 20_000_000,
  maxPlaces: 200_000,
  maxTicks: 10_000,
  maxRings: 16,
  maxInterventions: 500,
  /** Place pairs close enough to share information (diffusion.infoField); the field grows with their number. */
  maxInfoPairs: 20_000_000,
} as const;

const ringSchema = z
  .strictObject({
    label: z.string().min(1).max(40).meta({ description: 'Name of the ring, e.g. core, suburbs, towns, villages' }),
    count: intParam(1, 1, LIMITS.maxPlaces, 'places', 'Number of places on this ring'),
    radius: param(0, 0, 1000, 'distance units', 'Distance of the ring from the centre'),
    class: z.enum(['urban', 'rural']).meta({ description: 'Institutional class of the places (dual structure)' }),
    popShare: param(0.25, 0, 1, 'share', "Share of all residents living on this ring at the start"),
    tech: param(0.5, 0, 2, 'τ = T/F', 'Initial digital infrastructure relative to the frontier'),
    capital: param(1, 0, 1000, 'output units per resident', 'Initial capital per resident'),
    rights: param(0.5, 0, 1, 'index', 'Initial rights/inclusion R'),
    skill: param(0.4, 0, 1, 'index', 'Mean initial digital skill of residents'),
    access: param(0.5, 0, 1, 'share', 'Initial share of residents at divide level ≥ 1'),
    amenity: param(0, -5, 5, 'utility', 'Amenity of living here (log-wage equivalent)'),
    // Bass's market potential m for each divide level (docs/ODD.md, stage 4).
    ceiling: z
      .strictObject({
        access: param(1, 0, 1, 'share of residents', 'Largest share of residents that ever reach divide level ≥ 1 (access)'),
        use: param(1, 0, 1, 'share of residents', 'Largest share of residents that ever reach level ≥ 2 (skills and use)'),
        outcome: param(1, 0, 1, 'share of residents', 'Largest share of residents that ever reach level 3 (outcomes)'),
      })
      .default({ access: 1, use: 1, outcome: 1 })
      .meta({ description: 'Adoption ceilings (market potential m of Bass) per divide level; climbing slows as a level nears its ceiling and stops there' }),
  })
  .meta({ description: 'One concentric ring of places' });

export type RingSpec = z.infer<typeof ringSchema>;

const defaultRings: RingSpec[] = (
  [
    { label: 'core', count: 1, radius: 0, class: 'urban', popShare: 0.3, tech: 0.9, capital: 3, rights: 0.8, skill: 0.6, access: 0.9, amenity: 0.2 },
    { label: 'suburbs', count: 6, radius: 1, class: 'urban', popShare: 0.2, tech: 0.75, capital: 2.2, rights: 0.7, skill: 0.5, access: 0.8, amenity: 0.1 },
    { label: 'towns', count: 24, radius: 2.5, class: 'rural', popShare: 0.2, tech: 0.5, capital: 1.3, rights: 0.5, skill: 0.35, access: 0.6, amenity: 0 },
    { label: 'villages', count: 120, radius: 4.5, class: 'rural', popShare: 0.3, tech: 0.3, capital: 0.8, rights: 0.35, skill: 0.25, access: 0.4, amenity: 0 },
  ] satisfies z.input<typeof ringSchema>[]
).map((r) => ringSchema.parse(r));

// ---- Places beyond rings: a generated central-place hierarchy, or a table read from a CSV file
// (src/scenario/placesCsv.ts turns `file` into `table` when the scenario loads).

const hierarchySchema = z
  .strictObject({
    cores: intParam(1, 1, 1000, 'places', 'Places on level 0 (the cores), evenly on a circle of coreRadius'),
    coreRadius: param(0, 0, 1e6, 'distance units', 'Distance of the cores from the centre (> 0 when there is more than one core)'),
    branching: z.array(z.number().int().min(1).max(1000)).min(1).meta({ description: 'Children of each place, for levels 1, 2, ... (one entry per ring after the first)' }),
    radius: z.array(z.number().min(0).max(1e6)).min(1).meta({ description: 'Distance of a child from its parent, for levels 1, 2, ... (one entry per ring after the first)' }),
  })
  .meta({ description: 'A central-place hierarchy: levels are the rings; each place of a level has branching children around it' });

export type HierarchySpec = z.infer<typeof hierarchySchema>;

const column = (item: z.ZodNumber, what: string) => z.array(item).meta({ description: what });
const placeTableSchema = z
  .strictObject({
    id: z.array(z.string()).meta({ description: 'Identifier of each place' }),
    name: z.array(z.string()).meta({ description: 'Name of each place' }),
    parent: column(z.number().int().min(-1), 'Row of the parent place (−1: none, level 0 only)'),
    level: column(z.number().int().min(0).max(LIMITS.maxRings - 1), 'Ring (level) of each place; rows sorted by level'),
    x: column(z.number(), 'Position east, distance units'),
    y: column(z.number(), 'Position north, distance units'),
    population: column(z.number().min(0), 'Relative start population within its level').optional(),
    tech: column(z.number().min(0).max(2), 'Initial τ (else the ring\'s)').optional(),
    capital: column(z.number().min(0).max(1000), 'Initial capital per resident (else the ring\'s)').optional(),
    rights: column(z.number().min(0).max(1), 'Initial rights R (else the ring\'s)').optional(),
  })
  .superRefine((t, ctx) => {
    const n = t.id.length;
    for (const key of ['name', 'parent', 'level', 'x', 'y', 'population', 'tech', 'capital', 'rights'] as const) {
      if (t[key] !== undefined && t[key].length !== n) ctx.addIssue({ code: 'custom', path: [key], message: `expected ${n} entries, one per place` });
    }
    for (let i = 0; i < n; i++) {
      if (i > 0 && t.level[i] < t.level[i - 1]) return void ctx.addIssue({ code: 'custom', path: ['level', i], message: 'expected rows sorted by level' });
      const q = t.parent[i];
      const ok = t.level[i] === 0 ? q === -1 : q >= 0 && q < i && t.level[q] < t.level[i];
      if (!ok) return void ctx.addIssue({ code: 'custom', path: ['parent', i], message: t.level[i] === 0 ? 'expected no parent on level 0' : 'expected the row of a place on a lower level' });
    }
  })
  .meta({ description: 'Places as columns (what a places CSV becomes when the scenario loads)' });

export type PlaceTable = z.infer<typeof placeTableSchema>;

const placesSchema = z
  .union([
    z.strictObject({ hierarchy: hierarchySchema }),
    z.strictObject({
      file: z.string().min(1).meta({ description: 'CSV of places, relative to the scenario file: id, name, parent, level, x and y (or lon and lat), and optionally population, tech, capital, rights' }),
      kmPerUnit: param(10, 0.001, 1e6, 'km', 'Kilometres per distance unit when the CSV gives lon/lat'),
    }),
    z.strictObject({ table: placeTableSchema }),
  ])
  .meta({ description: 'Places beyond evenly spaced rings; the rings then give each level its class and start values, and their count and radius are derived' });

export type PlacesSpec = z.infer<typeof placesSchema>;

const worldSchema = z.strictObject({
  residents: intParam(100_000, 1, LIMITS.maxResidents, 'residents', 'Number of residents (constant: no births or deaths)'),
  rings: z.array(ringSchema).min(2).max(LIMITS.maxRings).default(defaultRings).meta({ description: 'Rings from the core outward; ring 0 holds the core(s)' }),
  talentSigma: param(0.5, 0, 3, 'log units', 'Standard deviation of log talent (lognormal, mean talent 1)'),
  initialOutcome: param(0.5, 0, 1, 'factor', 'Initial chance of level 3 for a level-2 resident, times the place\'s rights and market access'),
  skillSpread: param(0.1, 0, 0.5, 'index', 'Standard deviation of initial skill around the ring mean'),
  places: placesSchema.optional(),
}).superRefine((w, ctx) => {
  if (w.places && 'hierarchy' in w.places) {
    const h = w.places.hierarchy;
    const levels = w.rings.length - 1;
    if (h.branching.length !== levels) ctx.addIssue({ code: 'custom', path: ['places', 'hierarchy', 'branching'], message: `expected ${levels} entries, one per ring after the first` });
    if (h.radius.length !== levels) ctx.addIssue({ code: 'custom', path: ['places', 'hierarchy', 'radius'], message: `expected ${levels} entries, one per ring after the first` });
    let count = h.cores;
    let total = h.cores;
    for (const b of h.branching) total += count *= b;
    if (h.cores > 1 && h.coreRadius === 0) ctx.addIssue({ code: 'custom', path: ['places', 'hierarchy', 'coreRadius'], message: 'expected a coreRadius > 0 when there is more than one core' });
    if (total > LIMITS.maxPlaces) ctx.addIssue({ code: 'custom', path: ['places', 'hierarchy', 'branching'], message: `${total} places in all; expected at most ${LIMITS.maxPlaces}` });
  }
  if (w.places && 'table' in w.places && w.places.table.level.some((l) => l >= w.rings.length)) {
    ctx.addIssue({ code: 'custom', path: ['places', 'table', 'level'], message: `expected levels 0..${w.rings.length - 1}, one per ring` });
  }
  if (w.rings.reduce((sum, r) => sum + r.popShare, 0) <= 0) ctx.addIssue({ code: 'custom', path: ['rings'], message: 'expected some ring with popShare > 0' });
});

const technologySchema = z.strictObject({
  frontierGrowth: param(0.03, 0, 0.5, 'per tick', 'Growth rate g of the technology frontier F'),
  obsolescence: param(0.06, 0, 1, 'per tick', 'Share δ of infrastructure T that becomes obsolete each tick'),
  privateInvestment: param(0.08, 0, 1, 'share of retained output', 'Base share of retained output invested in infrastructure'),
  productivitySensitivity: param(1, 0, 5, 'elasticity', 'How much more is invested where productivity is above the population-weighted mean'),
  productivityCap: param(3, 1, 100, 'times the mean', 'Relative productivity beyond which investment rises no further'),
  unitCost: param(1.5, 0.01, 1000, 'output units per resident per unit of τ', 'Cost of raising a place\'s infrastructure by one frontier unit per resident'),
  spillover: param(0.1, 0, 1, 'per tick', 'Share of the gap to the parent place\'s infrastructure closed by spillover at distance 0'),
  spilloverDecay: param(3, 0.01, 1000, 'distance units', 'Distance over which spillover decays by a factor e'),
});

const capitalSchema = z.strictObject({
  alpha: param(0.35, 0.05, 0.95, 'share', 'Capital share α in production'),
  productivity: param(1, 0.01, 100, 'output units', 'Base total factor productivity A0'),
  techElasticity: param(0.5, 0, 5, 'elasticity', 'Rise of productivity with relative infrastructure τ'),
  adoptionEffect: param(0.5, 0, 5, 'per share', 'Rise of productivity with the local share at divide level 3'),
  agglomeration: param(0.06, 0, 1, 'elasticity', 'Agglomeration elasticity γ of productivity in population'),
  congestion: param(0.005, 0, 1, 'per (population / mean place population)', 'Congestion: productivity falls by this share per mean-place multiple of population'),
  savingsRate: param(0.2, 0, 1, 'share', 'Share of retained output saved as capital'),
  depreciation: param(0.05, 0, 1, 'per tick', 'Capital depreciation rate'),
  mobility: param(0.08, 0, 1, 'share per tick', 'Share of a place\'s capital that may relocate each tick'),
  returnSensitivity: param(25, 0, 1000, 'per unit of return', 'Logit sensitivity of capital location to net returns'),
  friction: param(0.01, 0, 10, 'return per distance unit', 'Distance friction on capital returns'),
  herding: param(2, 0, 1000, 'logit units per unit of net loss', 'Digital run: extra pull on mobile capital to leave a place per unit of its net population loss since the start'),
  capitalPerJob: param(3, 0.01, 1000, 'output units', 'Capital that creates one job (Harris-Todaro employment)'),
});

const talentSchema = z.strictObject({
  moveProbability: param(0.05, 0, 1, 'per tick', 'Probability that a resident considers moving in a tick'),
  choiceScale: param(1.5, 0, 1000, 'per utility unit', 'Logit scale of the location choice (large: little noise)'),
  distanceCost: param(0.15, 0, 100, 'utility per distance unit', 'Cost of moving one distance unit'),
  barrier: param(1, 0, 100, 'utility', 'Registration barrier: cost for a rural-registered resident to live in an urban place'),
  serviceAccess: param(0.5, 0, 1, 'share', 'Share of urban rights a rural-registered resident can use in an urban place'),
  homeAttachment: param(1, 0, 100, 'utility', 'Attachment to the place of origin (family, land, social ties)'),
  rightsWeight: param(0.5, 0, 100, 'utility per unit of R', 'Weight of rights/inclusion in location choice'),
  informalIncome: param(0.4, 0, 1, 'share of wage', 'Income of the unemployed as a share of the local wage'),
  expectationWeight: param(0.3, 0.01, 1, 'weight', 'Adaptive expectations: share of the gap between the latest log expected wage and the expected one closed per tick (1: movers react to the last wage alone)'),
  herding: param(0.05, 0, 1, 'per tick', 'Digital run: chance per tick that a resident whose place has lost, net since the start, more than the resident\'s own threshold reconsiders where to live (on top of moveProbability)'),
  runThreshold: param(0.3, 0.001, 1, 'share of the starting population', 'Digital run: median of residents\' thresholds (Granovetter), as a net loss of the place\'s starting population'),
  thresholdSpread: param(0.5, 0, 3, 'log units', 'Digital run: standard deviation of log thresholds across residents'),
  criticalShare: param(0.5, 0, 1, 'share of the starting population', 'Digital run: services, markets and platforms carry fixed costs and work fully only above this share of the place\'s starting population; below it the place has tipped'),
  serviceLoss: param(1, 0, 100, 'utility', 'Digital run: utility lost by living in a place whose services have failed entirely (scaled by the missing share of users)'),
  warningLoss: param(0.15, 0, 1, 'share of the starting population', 'Early warning: a place not yet tipped is at risk once its net loss since the start passes this share'),
  learning: param(0.15, 0, 1, 'per tick', 'Learning by use: share of the gap to the skill local infrastructure supports (min(1, τ/accessThreshold)) closed per tick, for residents with access'),
  peerLearning: param(0.05, 0, 1, 'per tick', 'Pull of skill toward the place mean'),
  skillDecay: param(0.03, 0, 1, 'per tick', 'Skill decay for residents without access'),
});

const diffusionSchema = z.strictObject({
  p: param(0.02, 0, 1, 'per tick', 'Bass innovation (external push) coefficient'),
  q: param(0.35, 0, 5, 'per tick', 'Bass imitation coefficient'),
  infoField: param(0.3, 0, 1, 'share', 'Weight of nearby places (mean information field) in the adopter share a resident sees'),
  infoDecay: param(1.5, 0.01, 1000, 'distance units', 'Distance over which the information field decays by a factor e'),
  infoNeighbours: intParam(0, 0, 10_000, 'places', 'Most places each place hears from in the information field, the nearest (0: every place within reach, where exp(−d/infoDecay) ≥ 0.001). A cap keeps the field linear in places for large maps; docs/performance.md gives the tolerance'),
  accessThreshold: param(0.6, 0.01, 2, 'τ', 'Infrastructure level τ at which access is fully available'),
  marketDecay: param(6, 0.01, 1000, 'distance units', 'Distance to the core over which market access decays by a factor e'),
  slip: param(0.1, 0, 1, 'per tick', 'Chance of slipping back a level when the present level\'s gate is fully closed'),
  digitalPremium: param(0.5, 0, 10, 'share', 'Extra effective talent of a resident at divide level 3'),
  time: z
    .enum(['per-tick', 'continuous'])
    .default('per-tick')
    .meta({ description: 'How p and q are read: per-tick climbing probabilities (hazard p + q·F held over the tick), or continuous-time Bass rates per year integrated exactly over each tick (literature values, e.g. p ≈ 0.03, q ≈ 0.38)' }),
});

const rightsSchema = z.strictObject({
  voice: param(0.08, 0, 1, 'per tick', 'Rise of R per unit of local level-3 share (voice)'),
  alienation: param(0.04, 0, 1, 'per tick per log-income gap', 'Erosion of R per unit of log income gap to the core'),
  rentShare: param(0.3, 0, 1, 'share', 'Share φ of rural digital surplus captured by the core when R = 0'),
});

const policySchema = z.strictObject({
  broadbandAbove: param(0.25, 0, 10, 'efficiency', 'Efficiency of broadband spending where τ is already above the access threshold (1 below it)'),
  upgradeBelow: param(0.5, 0, 10, 'efficiency', 'Efficiency of next-generation upgrade spending where τ is below the access threshold'),
  upgradeAbove: param(1.5, 0, 10, 'efficiency', 'Efficiency of next-generation upgrade spending where τ is at or above the access threshold'),
  creditLeverage: param(2, 0, 20, 'capital per unit spent', 'Capital mobilised per unit of interest subsidy (subsidised credit)'),
  trainingCost: param(1, 0.001, 1e6, 'output units per resident', 'Spending per resident that closes the whole gap to full skill'),
  returneeCost: param(1, 0.001, 1e6, 'output units per resident per utility unit', 'Spending per resident of a place that adds one utility unit to returning there'),
  ecommerceCost: param(5, 0.001, 1e6, 'output units per resident per unit of p', 'Spending per resident that adds 1 to the external push p of climbing'),
  logisticsCost: param(2, 0.001, 1e6, 'output units per resident', 'Spending per resident that closes the whole gap to full market access'),
  servicesCost: param(1, 0.001, 1e6, 'output units per resident', 'Spending per resident that closes the whole gap to full rights'),
});

const fiscalSchema = z.strictObject({
  mode: z.enum(['share', 'fixed']).default('share').meta({ description: 'Budget per tick as a share of last tick\'s total output, or a fixed amount. When interventions ask for more, all are scaled down pro rata (an overspend event records it)' }),
  value: param(0.02, 0, 1e12, 'share or output units', 'Tax share of output (mode share) or fixed budget per tick (mode fixed)'),
});

export const LEVERS = ['policy', 'capital', 'talent', 'industry', 'rights'] as const;
export type Lever = (typeof LEVERS)[number];

/** Instruments per lever; each acts on the state as docs/ODD.md (Submodels, Interventions) describes. */
export const INSTRUMENTS = {
  policy: ['broadband', 'upgrade'],
  capital: ['transfer', 'credit'],
  talent: ['training', 'returnee', 'registration'],
  industry: ['ecommerce', 'logistics'],
  rights: ['services', 'benefit-sharing'],
} as const satisfies Record<Lever, readonly string[]>;

/** Instruments set by an intensity (rules, not money); all others spend a budget. */
export const INTENSITY_INSTRUMENTS = ['registration', 'benefit-sharing'] as const;

export const ALLOCATIONS = ['core-first', 'uniform', 'periphery-first', 'need-based'] as const;
export type Allocation = (typeof ALLOCATIONS)[number];

export const interventionSchema = z
  .strictObject({
    label: z.string().max(80).optional(),
    lever: z.enum(LEVERS),
    instrument: z.string(),
    target: z
      .strictObject({
        rings: z.array(z.number().int().min(0).max(LIMITS.maxRings - 1)).optional().meta({ description: 'Ring indices targeted (default: all)' }),
        class: z.enum(['urban', 'rural', 'all']).default('all'),
      })
      .default({ class: 'all' }),
    allocation: z.enum(ALLOCATIONS).default('uniform').meta({ description: 'How spending is spread over rings' }),
    start: intParam(1, 1, LIMITS.maxTicks, 'tick', 'First tick the intervention acts (ticks count from 1)'),
    end: intParam(LIMITS.maxTicks, 1, LIMITS.maxTicks, 'tick', 'Last tick the intervention acts (inclusive)'),
    ramp: intParam(0, 0, LIMITS.maxTicks, 'ticks', 'Ticks over which the budget or intensity rises linearly to full'),
    budget: param(0, 0, 1e12, 'output units per tick', 'Spending requested per tick'),
    intensity: param(0, 0, 100, 'instrument units', 'Strength of a non-spending instrument (registration reform, benefit-sharing)'),
  })
  .superRefine((iv, ctx) => {
    const allowed: readonly string[] = INSTRUMENTS[iv.lever];
    if (!allowed.includes(iv.instrument)) {
      ctx.addIssue({ code: 'custom', path: ['instrument'], message: `expected one of ${allowed.join(', ')} for lever ${iv.lever}` });
    }
    if (iv.end < iv.start) ctx.addIssue({ code: 'custom', path: ['end'], message: 'expected end ≥ start' });
    const byIntensity = (INTENSITY_INSTRUMENTS as readonly string[]).includes(iv.instrument);
    if (byIntensity && iv.budget > 0) ctx.addIssue({ code: 'custom', path: ['budget'], message: `expected no budget: ${iv.instrument} is set by intensity and spends nothing` });
    if (byIntensity && iv.intensity <= 0) ctx.addIssue({ code: 'custom', path: ['intensity'], message: `expected an intensity > 0 for ${iv.instrument}` });
    if (!byIntensity && iv.intensity > 0) ctx.addIssue({ code: 'custom', path: ['intensity'], message: `expected no intensity: ${iv.instrument} is set by budget` });
    if (!byIntensity && iv.budget <= 0) ctx.addIssue({ code: 'custom', path: ['budget'], message: `expected a budget > 0 for ${iv.instrument}` });
  });

export type InterventionSpec = z.infer<typeof interventionSchema>;

const metricsSchema = z.strictObject({
  dpdWeights: z
    .strictObject({
      technology: param(0.2, 0, 10, 'weight', 'Weight of the technology-foundation gap in the DPD'),
      capital: param(0.2, 0, 10, 'weight', 'Weight of the capital-momentum gap'),
      talent: param(0.2, 0, 10, 'weight', 'Weight of the talent-application gap'),
      production: param(0.2, 0, 10, 'weight', 'Weight of the production-diffusion gap'),
      rights: param(0.2, 0, 10, 'weight', 'Weight of the right-core gap'),
    })
    .default({ technology: 0.2, capital: 0.2, talent: 0.2, production: 0.2, rights: 0.2 }),
  trendWindow: intParam(10, 2, LIMITS.maxTicks, 'ticks', 'Trailing window of the |DPD| trend behind the verdict\'s recent direction'),
  trendThreshold: param(0.002, 0, 10, '|DPD| per tick', 'Slope of |DPD| over the trend window beyond which the gap is widening or narrowing (otherwise flat)'),
  // The verdict's net change and qualifiers (docs/metrics.md, "The verdict").
  netThreshold: param(0.02, 0, 10, '|DPD|', 'Change of |DPD| since the start beyond which the gap widened or narrowed (otherwise unchanged); also the smallest |DPD| on either side for a sign reversal'),
  hollowingFraction: param(0.5, 0, 1, 'share of the start', 'Hollowing: raised when the rural population share, or a rural place\'s population, falls below this share of its start'),
  stageThreshold: param(0.2, 0, 10, 'log points', 'A stage moved against the DPD when its |ln ratio| changed by more than this in the opposite direction'),
  placeMetrics: z.boolean().default(false).meta({ description: 'Write per-place rows (scope place:i) to metrics.csv at every tick' }),
  placeSnapshots: z.boolean().default(true).meta({ description: 'Write per-place rows at the first, middle and last tick (for ring maps), when placeMetrics is off' }),
});

// --- schedule: time-varying parameters (src/policy/schedule.ts applies them) ---

/** Sections whose parameters a schedule may change: they are read every tick, not only at initialization. */
const SCHEDULABLE: Record<string, z.ZodObject> = {
  technology: technologySchema,
  capital: capitalSchema,
  talent: talentSchema,
  diffusion: diffusionSchema,
  rights: rightsSchema,
  policy: policySchema,
};
/** Parameters used only when the world is built, so changing them later would do nothing. */
const INIT_ONLY = ['diffusion.infoDecay', 'diffusion.marketDecay', 'talent.runThreshold', 'talent.thresholdSpread'];

const scheduleEntrySchema = z
  .strictObject({
    path: z.string().meta({ description: 'Parameter to change: section.name (e.g. talent.herding), fiscal.value, or world.rings.K.amenity' }),
    at: intParam(1, 1, LIMITS.maxTicks, 'tick', 'Tick from which the new value holds (or its ramp starts)'),
    value: z.number().meta({ description: 'New value, within the parameter\'s range' }),
    ramp: intParam(0, 0, LIMITS.maxTicks, 'ticks', 'Ticks over which the value moves linearly from the one in force to the new one (0: at once)'),
  })
  .meta({ description: 'A change of one parameter at a tick (a shock, a reform, a sweep step)' });

export type ScheduleEntry = z.infer<typeof scheduleEntrySchema>;

/** The schema of the parameter a schedule path names, or an explanation of why it cannot be scheduled. */
export function schedulableParameter(path: string, rings: number): z.ZodType | string {
  const parts = path.split('.');
  if (parts[0] === 'world') {
    const k = Number(parts[2]);
    if (parts.length === 4 && parts[1] === 'rings' && parts[3] === 'amenity' && Number.isInteger(k) && k >= 0 && k < rings) return ringSchema.shape.amenity;
    return `expected world.rings.K.amenity with K a ring index below ${rings}; other world fields build the world and cannot change during a run`;
  }
  if (path === 'fiscal.value') return fiscalSchema.shape.value;
  if (INIT_ONLY.includes(path)) return `${path} is used only when the world is built; a schedule cannot change it`;
  const section = SCHEDULABLE[parts[0]];
  const field = parts.length === 2 && section ? section.shape[parts[1]] : undefined;
  if (!field) return `expected a parameter path like talent.herding (sections ${Object.keys(SCHEDULABLE).join(', ')}), fiscal.value or world.rings.K.amenity`;
  return field as z.ZodType;
}

/** Names that are safe as one folder name: no separators, not "." or "..". */
export const SAFE_NAME = /^(?!\.+$)[A-Za-z0-9._-]+$/;
export const SAFE_NAME_TEXT = 'letters, digits, dot, dash or underscore (not only dots: the name becomes a folder name)';

/** The scenario file, after `extends` is resolved. Every field has a default except where noted. */
export const scenarioSchema = z.strictObject({
  $schema: z.string().optional(),
  // The name becomes a folder name (outputs/<name>/...): never a path like "..", never too long for a file system.
  name: z.string().max(80).regex(SAFE_NAME, SAFE_NAME_TEXT).default('scenario'),
  title: z.string().default('').meta({ description: 'The title, for reports and urd list' }),
  description: z.string().default('').meta({ description: 'The story, in plain words, for a teacher' }),
  question: z.string().default('').meta({ description: 'The question the scenario asks, for a researcher' }),
  title_zh: z.string().min(1).optional().meta({ description: 'The title in Chinese (reports with --lang zh)' }),
  description_zh: z.string().min(1).optional().meta({ description: 'The story in Chinese (reports with --lang zh)' }),
  question_zh: z.string().min(1).optional().meta({ description: 'The question in Chinese (reports with --lang zh)' }),
  seed: intParam(1, 0, 2 ** 32 - 1, 'integer', 'Run seed'),
  ticks: intParam(50, 1, LIMITS.maxTicks, 'ticks (years)', 'Number of ticks to run'),
  world: worldSchema.default(worldSchema.parse({})),
  technology: technologySchema.default(technologySchema.parse({})),
  capital: capitalSchema.default(capitalSchema.parse({})),
  talent: talentSchema.default(talentSchema.parse({})),
  diffusion: diffusionSchema.default(diffusionSchema.parse({})),
  rights: rightsSchema.default(rightsSchema.parse({})),
  policy: policySchema.default(policySchema.parse({})),
  fiscal: fiscalSchema.default(fiscalSchema.parse({})),
  interventions: z.array(interventionSchema).max(LIMITS.maxInterventions).default([]),
  schedule: z.array(scheduleEntrySchema).max(LIMITS.maxInterventions).default([]).meta({ description: 'Parameter changes at given ticks, applied at the start of the tick and recorded in events.ndjson' }),
  metrics: metricsSchema.default(metricsSchema.parse({})),
}).superRefine((s, ctx) => {
  s.schedule.forEach((entry, i) => {
    const field = schedulableParameter(entry.path, s.world.rings.length);
    if (typeof field === 'string') {
      ctx.addIssue({ code: 'custom', path: ['schedule', i, 'path'], message: field });
      return;
    }
    const checked = field.safeParse(entry.value);
    if (!checked.success) ctx.addIssue({ code: 'custom', path: ['schedule', i, 'value'], message: `${entry.path}: ${checked.error.issues[0]?.message ?? 'invalid value'}` });
  });
});

export type Scenario = z.infer<typeof scenarioSchema>;
export type ScenarioInput = z.input<typeof scenarioSchema>;
