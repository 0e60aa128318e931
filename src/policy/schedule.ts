import type { World } from '../engine/world.ts';
import { updateState } from '../engine/world.ts';
import type { Scenario, ScheduleEntry } from '../scenario/schema.ts';

/**
 * Time-varying parameters (the scenario's `schedule:`). A parameter's value at tick t follows
 * from the scenario alone: its value in the file, then each entry for that path in order of
 * `at`, moving linearly over `ramp` ticks from the value in force to the new one (full at tick
 * at + ramp − 1, like interventions' ramps). Because the value depends only on the tick, a run
 * resumed from a checkpoint applies exactly what the uninterrupted run applied; the values in
 * force are also kept in the world state (`parameters`) and so in every checkpoint.
 *
 * A run with a schedule works on its own copy of the scenario, so other runs of the same
 * scenario object (sweeps, comparisons) never see its changes.
 */

const originals = new WeakMap<World, Scenario>();

/** Reads a numeric parameter by its dotted path (validated by the schema). */
export function parameterValue(scenario: Scenario, path: string): number {
  let node: unknown = scenario;
  for (const key of path.split('.')) node = (node as Record<string, unknown>)[key];
  return node as number;
}

function write(scenario: Scenario, path: string, value: number): void {
  const keys = path.split('.');
  let node = scenario as unknown as Record<string, unknown>;
  for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>;
  node[keys[keys.length - 1]] = value;
}

/** The schedule a run follows: its file's entries, then those added while it runs. */
export function scheduleOf(world: World): ScheduleEntry[] {
  return (originals.get(world) ?? world.scenario).schedule;
}

/**
 * Adds an entry while the world runs (the classroom page's parameter sliders). Only a future
 * tick: the value at a tick must stay a function of the schedule alone, so the saved scenario
 * with this entry reproduces the run.
 */
export function addScheduleEntry(world: World, entry: ScheduleEntry): void {
  if (entry.at <= world.state.tick) throw new RangeError(`schedule entry for tick ${entry.at} is in the past (now at tick ${world.state.tick})`);
  scheduleOf(world).push(entry);
}

/** Removes an added entry that has not taken effect yet; false when it has (or is not there). */
export function removeScheduleEntry(world: World, entry: ScheduleEntry): boolean {
  const list = scheduleOf(world);
  const k = list.lastIndexOf(entry);
  if (k < 0 || entry.at <= world.state.tick) return false;
  list.splice(k, 1);
  return true;
}

/** The value a schedule gives a parameter at a tick, starting from its value in the file. */
export function scheduledValue(entries: readonly ScheduleEntry[], initial: number, tick: number): number {
  let value = initial;
  for (const e of entries) {
    if (tick < e.at) break;
    const progress = e.ramp > 0 ? Math.min(1, (tick - e.at + 1) / e.ramp) : 1;
    value = progress >= 1 ? e.value : value + (e.value - value) * progress;
  }
  return value;
}

/** Entries grouped by path, each group in order of `at` (entries at the same tick keep file order). */
function byPath(schedule: readonly ScheduleEntry[]): Map<string, ScheduleEntry[]> {
  const out = new Map<string, ScheduleEntry[]>();
  for (const e of schedule) out.set(e.path, [...(out.get(e.path) ?? []), e]);
  for (const list of out.values()) list.sort((a, b) => a.at - b.at);
  return out;
}

/**
 * Sets every scheduled parameter to its value at the present tick, records the values in force
 * in the world state, and logs a `schedule` event for each value that changed. Called at the
 * start of each tick, before anything reads the parameters.
 */
export function applySchedule(world: World): void {
  if (world.scenario.schedule.length === 0) return;
  let original = originals.get(world);
  if (!original) {
    original = world.scenario;
    world.scenario = structuredClone(original);
    originals.set(world, original);
  }
  const tick = world.state.tick;
  const changed: Record<string, number> = {};
  for (const [path, entries] of byPath(original.schedule)) {
    const value = scheduledValue(entries, parameterValue(original, path), tick);
    // Written every tick (a world restored from a checkpoint starts from the file's values)...
    write(world.scenario, path, value);
    const ring = /^world\.rings\.(\d+)\.amenity$/.exec(path);
    if (ring) for (let p = 0; p < world.places.count; p++) if (world.places.ring[p] === Number(ring[1])) world.places.amenity[p] = value;
    // ...but recorded only when it differs from the previous tick's, so resumed runs log what uninterrupted ones do.
    if (value === scheduledValue(entries, parameterValue(original, path), tick - 1)) continue;
    changed[path] = value;
    world.events.push({ tick, type: 'schedule', path, value });
  }
  if (Object.keys(changed).length > 0) updateState(world, (d) => void Object.assign(d.parameters, changed));
}
