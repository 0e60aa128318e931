import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SimEvent } from '../engine/world.ts';
import type { MetricRow } from '../metrics/reporters.ts';
import type { RunSummary } from '../metrics/summary.ts';
import type { Scenario } from '../scenario/schema.ts';
import { AtomicFile, ensureDir, writeFileAtomic } from './atomic.ts';
import { csvLine } from './csv.ts';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** urd's version, from package.json. */
export const URD_VERSION: string = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')).version;

/** The git commit of the checkout urd runs from, or null when it is not a git checkout. */
export function gitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: projectRoot, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim() || null;
  } catch {
    return null;
  }
}

/** Canonical JSON: keys sorted at every level, so equal scenarios hash equally. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

/** sha256 of a resolved scenario's canonical JSON. */
export function scenarioHash(scenario: Scenario): string {
  return createHash('sha256').update(canonicalJson(scenario)).digest('hex');
}

/** Default run folder: outputs/<scenario>/seed-<seed>-<first 8 hex of the scenario hash>. Deterministic, no clock. */
export function defaultRunDir(scenario: Scenario, root = 'outputs'): string {
  return join(root, scenario.name, `seed-${scenario.seed}-${scenarioHash(scenario).slice(0, 8)}`);
}

/** The files of a run folder. */
export const RUN_FILES = {
  manifest: 'manifest.json',
  metrics: 'metrics.csv',
  events: 'events.ndjson',
  summary: 'summary.json',
} as const;

/**
 * Writes one run folder. metrics.csv and events.ndjson stream to disk tick by tick under
 * partial names; summary.json and manifest.json are written last; `finish` renames everything
 * into place, the manifest last, so a folder whose manifest says complete is complete.
 */
export class RunWriter {
  private readonly metrics: AtomicFile;
  private readonly events: AtomicFile;

  constructor(
    readonly dir: string,
    private readonly scenario: Scenario,
  ) {
    ensureDir(dir);
    for (const f of Object.values(RUN_FILES)) rmSync(join(dir, f), { force: true });
    this.metrics = new AtomicFile(join(dir, RUN_FILES.metrics));
    this.events = new AtomicFile(join(dir, RUN_FILES.events));
    this.metrics.write('tick,scope,metric,value\n');
  }

  /** Appends one tick's metric rows. */
  writeRows(rows: readonly MetricRow[]): void {
    for (const r of rows) this.metrics.write(csvLine([r.tick, r.scope, r.metric, r.value]));
  }

  /** Appends events, one JSON object per line. */
  writeEvents(events: readonly SimEvent[]): void {
    for (const e of events) this.events.write(JSON.stringify(e) + '\n');
  }

  /** Flushes streamed files to their partial names (for checkpoints). */
  flush(): void {
    this.metrics.flush();
    this.events.flush();
  }

  /** Writes summary and manifest and renames everything into place. */
  finish(summary: RunSummary, extra: Record<string, unknown> = {}): void {
    this.metrics.commit();
    this.events.commit();
    writeFileAtomic(join(this.dir, RUN_FILES.summary), JSON.stringify(summary, null, 2) + '\n');
    writeFileAtomic(join(this.dir, RUN_FILES.manifest), JSON.stringify(this.manifest(true, extra), null, 2) + '\n');
  }

  /** Deletes partial files after a failure. */
  abandon(): void {
    this.metrics.abandon();
    this.events.abandon();
  }

  /** The manifest: resolved scenario, seed, versions and hash. */
  manifest(complete: boolean, extra: Record<string, unknown>): Record<string, unknown> {
    return {
      complete,
      urd: URD_VERSION,
      git: gitCommit(),
      node: process.version,
      seed: this.scenario.seed,
      scenarioHash: scenarioHash(this.scenario),
      files: Object.values(RUN_FILES),
      ...extra,
      scenario: this.scenario,
    };
  }
}
