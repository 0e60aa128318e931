/**
 * Peer ABM libraries running the benchmark kernel (bench/kernel.ts): Flocc and AgentScript, both
 * from the npm registry. They are not dependencies of urd: {@link ensurePeers} installs the exact
 * versions below on demand into bench/peers (git-ignored), and the kernels import them from there
 * by file URL. AgentScript is GPL-3.0; it is only installed and run here, never shipped with urd.
 *
 * Each peer keeps residents as the library's own agents (Flocc `Agent` data, AgentScript turtles)
 * and steps them the library's way (`environment.tick()`, `turtles.ask()`), while the per-place
 * work (information field, hazards, production) reuses the kernel's typed-array helpers. That
 * favours the peers: only the per-resident work, where an ABM library spends its time, goes
 * through them.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import seedrandom from 'seedrandom';
import type { StreamState } from '../src/engine/rng.ts';
import type { Kernel, TickTrace } from './kernel.ts';
import { finishIncomes, placeHazards, placeProduction, startAggregates, traceOf } from './kernel.ts';

/** Exact versions installed and benchmarked. */
export const PEER_VERSIONS = { flocc: '0.7.0', agentscript: '0.10.27' } as const;
/** A peer library's package name. */
export type PeerName = keyof typeof PEER_VERSIONS;
/** Every peer, in a fixed order. */
export const PEER_NAMES = Object.keys(PEER_VERSIONS) as PeerName[];

/** Outcome of {@link ensurePeers}: which peers can run, and why the others cannot. */
export interface PeerAvailability {
  available: PeerName[];
  /** One line per peer that cannot run. */
  problems: string[];
}

function installedVersion(dir: string, name: string): string | null {
  const file = join(dir, 'node_modules', name, 'package.json');
  if (!existsSync(file)) return null;
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version ?? null;
  } catch {
    return null;
  }
}

/**
 * Makes sure bench/peers holds the exact peer versions: installs them with
 * `npm install --prefix <dir>` when missing or different (scripts disabled; a timeout of
 * `timeoutMs`). Never throws: without network the peers are reported unavailable and the
 * benchmark goes on without them. Also checks that node-canvas, which provides AgentScript's
 * OffscreenCanvas, loads.
 */
export function ensurePeers(dir: string, log: (line: string) => void, timeoutMs = 90_000): PeerAvailability {
  const missing = PEER_NAMES.filter((n) => installedVersion(dir, n) !== PEER_VERSIONS[n]);
  const problems: string[] = [];
  if (missing.length > 0) {
    mkdirSync(dir, { recursive: true });
    const manifest = join(dir, 'package.json');
    if (!existsSync(manifest)) {
      writeFileSync(manifest, JSON.stringify({ name: 'urd-bench-peers', private: true, description: 'Peer ABM libraries installed on demand by npm run bench; not part of urd.' }, null, 2) + '\n');
    }
    const specs = missing.map((n) => `${n}@${PEER_VERSIONS[n]}`);
    log(`installing peers into ${dir}: ${specs.join(' ')}`);
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const r = spawnSync(npm, ['install', '--prefix', dir, '--save-exact', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error', '--fetch-retries=1', '--fetch-timeout=30000', ...specs], {
      encoding: 'utf8',
      timeout: timeoutMs,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (r.status !== 0) {
      const why = r.error ? r.error.message : (r.stderr || r.stdout || `exit ${r.status}`).trim().split('\n').slice(0, 2).join(' | ');
      log(`peer install failed (no network?): ${why}`);
    }
  }
  const available: PeerName[] = [];
  for (const n of PEER_NAMES) {
    const v = installedVersion(dir, n);
    if (v === PEER_VERSIONS[n]) available.push(n);
    else problems.push(`${n}@${PEER_VERSIONS[n]} not available (${v ? `found ${v}` : 'not installed'}); install failed or no network`);
  }
  if (available.includes('agentscript')) {
    try {
      createRequire(import.meta.url)('canvas');
    } catch (err) {
      available.splice(available.indexOf('agentscript'), 1);
      problems.push(`agentscript skipped: node-canvas (its OffscreenCanvas shim) does not load: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  return { available, problems };
}

/** A peer that can be stepped one tick at a time, timed by the caller. */
export interface PeerModel {
  tick(): void;
  trace(): TickTrace;
}

function moduleUrl(dir: string, relative: string): string {
  return pathToFileURL(join(dir, 'node_modules', relative)).href;
}

/* The peer libraries ship no types that fit a strict build; these are the few members used. */
interface FloccAgent {
  get(name: string): number;
  set(name: string, value: unknown): void;
}
interface FloccEnvironment {
  addAgent(agent: FloccAgent, rebalance?: boolean): void;
  getAgents(): FloccAgent[];
  tick(opts?: { randomizeOrder?: boolean }): void;
}
interface FloccModule {
  Agent: new (data?: Record<string, unknown>) => FloccAgent;
  Environment: new (opts?: Record<string, unknown>) => FloccEnvironment;
}

/**
 * The kernel with Flocc: one `Agent` per resident with its data (place, level, skill, talent,
 * income) and a `tick` rule that slips or climbs and adds the resident to its place's sums;
 * `environment.tick()` activates the agents in order (randomizeOrder false, so the draws match),
 * then a second pass over `getAgents()` sets incomes.
 */
export async function floccModel(dir: string, k: Kernel, stream: StreamState): Promise<PeerModel> {
  const { Agent, Environment } = (await import(moduleUrl(dir, 'flocc/dist/flocc.es.js'))) as FloccModule;
  const rand = seedrandom.alea('', { state: stream });
  const pl = k.places;
  const c = k.params;
  const rs = k.residents;
  const env = new Environment();
  const rule = (agent: FloccAgent) => {
    let a = agent.get('level');
    const p = agent.get('place');
    const skill = agent.get('skill');
    let moved = false;
    if (a > 0) {
      const gate = a === 1 ? pl.gate1[p] : a === 2 ? skill : pl.gate3[p];
      if (rand() < c.slip * (1 - gate)) {
        agent.set('level', --a);
        moved = true;
      }
    }
    if (!moved && a !== 3) {
      const hazard = a === 0 ? pl.hazard1[p] : a === 1 ? skill * pl.hazard2[p] : pl.hazard3[p];
      if (rand() < hazard) agent.set('level', ++a);
    }
    const talent = agent.get('talent');
    pl.population[p] += 1;
    pl.talent[p] += talent;
    if (a === 3) {
      pl.digitalTalent[p] += talent * c.digitalPremium;
      pl.outcome[p] += 1;
    }
    pl.skillMean[p] += skill;
    if (a >= 1) pl.access[p] += 1;
    if (a >= 2) pl.use[p] += 1;
  };
  for (let i = 0; i < rs.count; i++) {
    const agent = new Agent({ place: rs.place[i], level: rs.level[i], skill: rs.skill[i], talent: rs.talent[i], income: 0 });
    agent.set('tick', rule);
    env.addAgent(agent, false);
  }
  const bonus = 1 + c.digitalPremium;
  return {
    tick() {
      placeHazards(k);
      startAggregates(pl);
      env.tick({ randomizeOrder: false });
      placeProduction(k);
      for (const agent of env.getAgents()) {
        const p = agent.get('place');
        const y = pl.perTalent[p] * agent.get('talent') * (agent.get('level') === 3 ? bonus : 1);
        agent.set('income', y);
        pl.incomePerResident[p] += y;
      }
      finishIncomes(pl);
    },
    trace() {
      return traceOf(
        env.getAgents().map((agent) => agent.get('level')),
        pl.output,
      );
    },
  };
}

interface Turtle {
  place: number;
  level: number;
  skill: number;
  talent: number;
  income: number;
}
interface TurtleSet {
  length: number;
  create(n: number, init: (t: Turtle) => void): void;
  ask(fn: (t: Turtle) => void): void;
  [index: number]: Turtle;
}
interface AgentScriptModule {
  Model: new () => { turtles: TurtleSet; setup(): void };
}

let canvasShimmed = false;

/** Gives Node an OffscreenCanvas (AgentScript creates one when its module loads), backed by node-canvas. */
function shimOffscreenCanvas(): void {
  if (canvasShimmed || 'OffscreenCanvas' in globalThis) return;
  const { createCanvas } = createRequire(import.meta.url)('canvas') as { createCanvas: (w: number, h: number) => unknown };
  (globalThis as Record<string, unknown>).OffscreenCanvas = function OffscreenCanvas(width: number, height: number) {
    return createCanvas(width, height);
  };
  canvasShimmed = true;
}

/**
 * The kernel with AgentScript: one turtle per resident in a `Model` (default world), with place,
 * level, skill, talent and income as turtle variables; `turtles.ask()` runs the slip-or-climb
 * step and adds each turtle to its place's sums, then a second `ask` sets incomes.
 */
export async function agentscriptModel(dir: string, k: Kernel, stream: StreamState): Promise<PeerModel> {
  shimOffscreenCanvas();
  const AS = (await import(moduleUrl(dir, 'agentscript/dist/agentscript.js'))) as AgentScriptModule;
  const rand = seedrandom.alea('', { state: stream });
  const pl = k.places;
  const c = k.params;
  const rs = k.residents;
  const model = new AS.Model();
  model.setup();
  let i = 0;
  model.turtles.create(rs.count, (t) => {
    t.place = rs.place[i];
    t.level = rs.level[i];
    t.skill = rs.skill[i];
    t.talent = rs.talent[i];
    t.income = 0;
    i++;
  });
  const bonus = 1 + c.digitalPremium;
  return {
    tick() {
      placeHazards(k);
      startAggregates(pl);
      model.turtles.ask((t) => {
        let a = t.level;
        const p = t.place;
        let moved = false;
        if (a > 0) {
          const gate = a === 1 ? pl.gate1[p] : a === 2 ? t.skill : pl.gate3[p];
          if (rand() < c.slip * (1 - gate)) {
            t.level = --a;
            moved = true;
          }
        }
        if (!moved && a !== 3) {
          const hazard = a === 0 ? pl.hazard1[p] : a === 1 ? t.skill * pl.hazard2[p] : pl.hazard3[p];
          if (rand() < hazard) t.level = ++a;
        }
        pl.population[p] += 1;
        pl.talent[p] += t.talent;
        if (a === 3) {
          pl.digitalTalent[p] += t.talent * c.digitalPremium;
          pl.outcome[p] += 1;
        }
        pl.skillMean[p] += t.skill;
        if (a >= 1) pl.access[p] += 1;
        if (a >= 2) pl.use[p] += 1;
      });
      placeProduction(k);
      model.turtles.ask((t) => {
        const p = t.place;
        const y = pl.perTalent[p] * t.talent * (t.level === 3 ? bonus : 1);
        t.income = y;
        pl.incomePerResident[p] += y;
      });
      finishIncomes(pl);
    },
    trace() {
      const levels = new Uint8Array(model.turtles.length);
      for (let j = 0; j < levels.length; j++) levels[j] = model.turtles[j].level;
      return traceOf(levels, pl.output);
    },
  };
}

/**
 * Loads the named peer's library (and for AgentScript the canvas shim) without building a model,
 * so that a later memory reading counts the agents and not the library's code.
 */
export async function loadPeer(name: PeerName, dir: string): Promise<void> {
  if (name === 'agentscript') {
    shimOffscreenCanvas();
    await import(moduleUrl(dir, 'agentscript/dist/agentscript.js'));
  } else {
    await import(moduleUrl(dir, 'flocc/dist/flocc.es.js'));
  }
}

/** Builds the named peer's model of the kernel from the kernel's initial state and stream. */
export function peerModel(name: PeerName, dir: string, k: Kernel, stream: StreamState): Promise<PeerModel> {
  return name === 'flocc' ? floccModel(dir, k, stream) : agentscriptModel(dir, k, stream);
}
