import { LEVERS, type Lever } from '../scenario/schema.ts';

/**
 * The one ledger through which every flow passes. Each stock lives in a place (the fiscal
 * budget lives in the treasury, an extra slot after the last place). A booking either moves an
 * amount of one stock between two slots, or creates/destroys it in one slot under a named term
 * (savings, depreciation, obsolescence, spending, ...). At the end of a tick the change of every
 * stock in every slot must equal what was booked for it: `reconcile` checks that.
 */

export const STOCKS = ['capital', 'tech', 'people', 'income', 'budget'] as const;
export type StockName = (typeof STOCKS)[number];

/** Named terms. Each changes exactly the stock its booking names. */
export const FLOWS = [
  'production', // income created by output
  'rent', // income moved from rural places to their core
  'tax', // income moved into the treasury
  'consumption', // income spent on consumption (leaves the model)
  'savings', // income turned into capital
  'depreciation',
  'capital-move', // mobile capital relocating
  'tech-investment', // income turned into infrastructure
  'spillover', // infrastructure copied from the parent place
  'obsolescence',
  'migration', // residents moving
  'appropriation', // fixed fiscal budget entering the treasury
  'spending', // budget leaving the treasury toward a lever's instrument
  'policy', // the stock change bought by spending (infrastructure, capital, ...)
  'lapse', // unspent budget returned at the end of a tick
] as const;
export type FlowName = (typeof FLOWS)[number];

const S = STOCKS.length;
const F = FLOWS.length;
/** The budget is the last stock; it lives in the treasury alone, every other stock in the places alone. */
const BUDGET = S - 1;
/*
 * The position of a stock or flow in its list. `book` runs a million times a tick at 100,000
 * places with every stock and flow name, and V8 resolves a switch over interned strings several
 * times faster than a lookup by key (which goes megamorphic there). The switches are written out
 * (no code generated at run time, which a page's content security policy may forbid);
 * tests/engine/ledger.test.ts checks them against STOCKS and FLOWS.
 */
export function stockAt(name: StockName): number {
  switch (name) {
    case 'capital':
      return 0;
    case 'tech':
      return 1;
    case 'people':
      return 2;
    case 'income':
      return 3;
    case 'budget':
      return 4;
  }
}

export function flowAt(name: FlowName): number {
  switch (name) {
    case 'production':
      return 0;
    case 'rent':
      return 1;
    case 'tax':
      return 2;
    case 'consumption':
      return 3;
    case 'savings':
      return 4;
    case 'depreciation':
      return 5;
    case 'capital-move':
      return 6;
    case 'tech-investment':
      return 7;
    case 'spillover':
      return 8;
    case 'obsolescence':
      return 9;
    case 'migration':
      return 10;
    case 'appropriation':
      return 11;
    case 'spending':
      return 12;
    case 'policy':
      return 13;
    case 'lapse':
      return 14;
  }
}

/**
 * A stock and a term resolved to one number (stock position · FLOWS.length + flow position).
 * Resolving the two names costs more than the booking itself (string switches that V8 does not
 * fold once a loop books several terms), so loops that book the same pair at every place
 * resolve it once, before the loop.
 */
export type Account = number;

export function account(stock: StockName, flow: FlowName): Account {
  return stockAt(stock) * F + flowAt(flow);
}

const STOCK_OF = Uint8Array.from({ length: S * F }, (_, stockFlow) => Math.floor(stockFlow / F));

export class Ledger {
  /** Number of slots: places plus the treasury. */
  readonly slots: number;
  readonly treasury: number;
  /**
   * Net booked change per stock and slot in the current tick: one row over the places per stock
   * but the budget (delta[s · places + place]), then the budget's one value, the treasury's
   * (delta[(STOCKS.length − 1) · places]). No stock but the budget is ever booked in the
   * treasury and the budget nowhere else, so full rows would be zeros (0.9 MB each at 111,111 places).
   */
  readonly delta: Float64Array;
  /** Gross amounts per flow and stock this tick, split by ring of the slot it touches (+ in, - out). */
  readonly byFlowRing: Float64Array;
  /** Amounts moved between classes this tick: [stock][flow][0 = urban→rural, 1 = rural→urban]. */
  readonly crossClass: Float64Array;
  /** Totals since the run started, per stock and flow (net). */
  readonly cumulative: Float64Array;
  /** Spending this tick per lever and ring of the place it went to: [lever * rings + ring]. */
  readonly spendingTick: Float64Array;
  /** Spending since the run started per lever and ring. */
  readonly spendingTotal: Float64Array;
  /**
   * Part of that spending that bought nothing because the instrument had saturated (its effect
   * was capped: the frontier reached, the whole gap closed), this tick and since the start,
   * per lever and ring. Booked spending includes it; effective spending is spending − waste.
   */
  readonly wasteTick: Float64Array;
  readonly wasteTotal: Float64Array;
  /**
   * The fiscal cap since the start: [requested, cut, capped ticks]. `requested` is what the
   * interventions asked for, `cut` what the pro-rata rule withheld when they asked for more
   * than the budget, and `capped ticks` how many ticks that happened.
   */
  readonly budgetCap: Float64Array;
  private readonly ringOf: Uint8Array;
  private readonly urbanOf: Uint8Array;
  readonly rings: number;

  constructor(ring: Uint8Array, urban: Uint8Array, rings: number) {
    const places = ring.length;
    this.slots = places + 1;
    this.treasury = places;
    this.rings = rings + 1; // last "ring" is the treasury
    this.ringOf = new Uint8Array(this.slots);
    this.ringOf.set(ring);
    this.ringOf[places] = rings;
    this.urbanOf = new Uint8Array(this.slots);
    this.urbanOf.set(urban);
    this.urbanOf[places] = 2;
    this.delta = new Float64Array(BUDGET * places + 1);
    this.byFlowRing = new Float64Array(S * F * this.rings);
    this.crossClass = new Float64Array(S * F * 2);
    this.cumulative = new Float64Array(S * F);
    this.spendingTick = new Float64Array(LEVERS.length * this.rings);
    this.spendingTotal = new Float64Array(LEVERS.length * this.rings);
    this.wasteTick = new Float64Array(LEVERS.length * this.rings);
    this.wasteTotal = new Float64Array(LEVERS.length * this.rings);
    this.budgetCap = new Float64Array(3);
  }

  /** Starts a new tick's books; cumulative totals carry on. */
  clearTick(): void {
    this.delta.fill(0);
    this.byFlowRing.fill(0);
    this.crossClass.fill(0);
    this.spendingTick.fill(0);
    this.wasteTick.fill(0);
  }

  /** Books spending of a lever out of the treasury toward one place, by lever and ring. */
  spend(lever: Lever, place: number, amount: number): void {
    this.book('budget', 'spending', this.treasury, -amount);
    const k = LEVERS.indexOf(lever) * this.rings + this.ringOf[place];
    this.spendingTick[k] += amount;
    this.spendingTotal[k] += amount;
  }

  /**
   * Records that `amount` of a lever's spending on one place bought nothing (the instrument had
   * saturated). It is already booked as spending: this only marks it, by lever and ring.
   */
  waste(lever: Lever, place: number, amount: number): void {
    if (!(amount > 0)) return;
    const k = LEVERS.indexOf(lever) * this.rings + this.ringOf[place];
    this.wasteTick[k] += amount;
    this.wasteTotal[k] += amount;
  }

  /** Records one tick's requested policy spending and the part the budget cap withheld. */
  request(requested: number, cut: number): void {
    this.budgetCap[0] += requested;
    if (cut > 0) {
      this.budgetCap[1] += cut;
      this.budgetCap[2] += 1;
    }
  }

  /** Creates (amount > 0) or destroys (amount < 0) a stock in one slot under a named term. */
  book(stock: StockName, flow: FlowName, slot: number, amount: number): void {
    this.bookTo(account(stock, flow), slot, amount);
  }

  /** {@link book} with the stock and the term resolved once by {@link account}, for a loop over places. */
  bookTo(stockFlow: Account, slot: number, amount: number): void {
    if (amount === 0) return;
    this.delta[this.deltaAt(STOCK_OF[stockFlow], slot)] += amount;
    this.byFlowRing[stockFlow * this.rings + this.ringOf[slot]] += amount;
    this.cumulative[stockFlow] += amount;
  }

  /** Moves a non-negative amount of a stock from one slot to another. */
  move(stock: StockName, flow: FlowName, from: number, to: number, amount: number): void {
    this.moveTo(account(stock, flow), from, to, amount);
  }

  /** {@link move} with the stock and the term resolved once by {@link account}. */
  moveTo(stockFlow: Account, from: number, to: number, amount: number): void {
    if (amount === 0 || from === to) return;
    const s = STOCK_OF[stockFlow];
    this.delta[this.deltaAt(s, from)] -= amount;
    this.delta[this.deltaAt(s, to)] += amount;
    const ring = stockFlow * this.rings;
    this.byFlowRing[ring + this.ringOf[from]] -= amount;
    this.byFlowRing[ring + this.ringOf[to]] += amount;
    const uf = this.urbanOf[from];
    const ut = this.urbanOf[to];
    if (uf === 1 && ut === 0) this.crossClass[stockFlow * 2] += amount;
    else if (uf === 0 && ut === 1) this.crossClass[stockFlow * 2 + 1] += amount;
  }

  /** Position of a stock's slot in delta; throws for the budget outside the treasury or another stock in it. */
  private deltaAt(s: number, slot: number): number {
    if ((s === BUDGET) !== (slot === this.treasury)) {
      throw new Error(`${STOCKS[s]} booked in slot ${slot}: the budget lives in the treasury (slot ${this.treasury}), every other stock in the places`);
    }
    return s * this.treasury + (s === BUDGET ? 0 : slot);
  }

  /** This tick's net booked change of a stock, per place (or, for the budget, the treasury's alone). */
  bookedRow(stock: StockName): Float64Array {
    const s = stockAt(stock);
    return this.delta.subarray(s * this.treasury, s === BUDGET ? this.delta.length : (s + 1) * this.treasury);
  }

  /** Spending of a lever on one ring, this tick or since the run started. */
  spentOnRing(lever: Lever, ring: number, period: 'tick' | 'total'): number {
    return (period === 'tick' ? this.spendingTick : this.spendingTotal)[LEVERS.indexOf(lever) * this.rings + ring];
  }

  /** Spending of a lever over all rings, this tick or since the run started. */
  spent(lever: Lever, period: 'tick' | 'total'): number {
    let sum = 0;
    for (let r = 0; r < this.rings; r++) sum += this.spentOnRing(lever, r, period);
    return sum;
  }

  /** Wasted (saturated) spending of a lever on one ring, this tick or since the run started. */
  wastedOnRing(lever: Lever, ring: number, period: 'tick' | 'total'): number {
    return (period === 'tick' ? this.wasteTick : this.wasteTotal)[LEVERS.indexOf(lever) * this.rings + ring];
  }

  /** Net amount booked this tick for a flow of a stock on one ring (treasury ring = number of rings). */
  ringFlow(stock: StockName, flow: FlowName, ring: number): number {
    return this.byFlowRing[(stockAt(stock) * F + flowAt(flow)) * this.rings + ring];
  }

  /** Net amount booked this tick for a flow of a stock, over all slots. */
  flowTotal(stock: StockName, flow: FlowName): number {
    const base = (stockAt(stock) * F + flowAt(flow)) * this.rings;
    let sum = 0;
    for (let r = 0; r < this.rings; r++) sum += this.byFlowRing[base + r];
    return sum;
  }

  /** Amount moved this tick between classes: direction 0 = urban→rural, 1 = rural→urban. */
  crossFlow(stock: StockName, flow: FlowName, direction: 0 | 1): number {
    return this.crossClass[(stockAt(stock) * F + flowAt(flow)) * 2 + direction];
  }

  /** Net booked change of one stock in one slot this tick. */
  booked(stock: StockName, slot: number): number {
    return this.delta[this.deltaAt(stockAt(stock), slot)];
  }

  /** Cumulative net amount of a flow of a stock since the run started. */
  total(stock: StockName, flow: FlowName): number {
    return this.cumulative[stockAt(stock) * F + flowAt(flow)];
  }
}

/** Each stock's values at some moment: per place, and for the budget the treasury's value alone (an array of one). */
export type StockSnapshot = Record<StockName, Float64Array>;

/** Where a stock's values are now: an array over the places (null where it has none) and the treasury's value. */
export type StockReader = (stock: StockName) => { places: Float64Array | null; treasury: number };

/**
 * Checks that each stock changed in each slot by exactly what was booked, to `relTol` relative
 * to the larger of the stock's size and the flows through it. `after` is a second snapshot or
 * the live stocks (read in place, so a tick needs no copy of them). Returns the worst mismatch
 * found (null when everything reconciles).
 */
export function reconcile(
  ledger: Ledger,
  before: StockSnapshot,
  after: StockSnapshot | StockReader,
  relTol = 1e-9,
): { stock: StockName; slot: number; expected: number; actual: number } | null {
  const read: StockReader = typeof after === 'function' ? after : (stock) => (stock === 'budget' ? { places: null, treasury: after[stock][0] } : { places: after[stock], treasury: 0 });
  for (const stock of STOCKS) {
    const b = before[stock];
    const { places: a, treasury } = read(stock);
    const booked = ledger.bookedRow(stock);
    for (let k = 0; k < booked.length; k++) {
      const now = stock === 'budget' ? treasury : a ? a[k] : 0;
      const expected = booked[k];
      const actual = now - b[k];
      const scale = Math.max(1, Math.abs(now), Math.abs(b[k]), Math.abs(expected));
      if (Math.abs(actual - expected) > relTol * scale) return { stock, slot: stock === 'budget' ? ledger.treasury : k, expected, actual };
    }
  }
  return null;
}
