/**
 * `npm run reliability [-- --property-runs N --fuzz-cases N --kills N --kill-seed N]`: runs the
 * property, hostile-input, kill and folder-fuzz suites at these sizes (default: the sizes CI
 * runs), collects what each counted and writes the figures into docs/reliability.md between its
 * `<!-- reliability:NAME -->` markers. The page is written only if every suite passed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeFileAtomic } from '../src/io/atomic.ts';
import { checkReliabilityPage, CI_KNOBS, type Knobs, RELIABILITY_PAGE, reliabilityPage, type Reports, SUITES } from './reliabilityDocs.ts';

const FLAGS = { 'property-runs': 'propertyRuns', 'fuzz-cases': 'fuzzCases', kills: 'kills', 'kill-seed': 'killSeed' } as const;

function fail(message: string, code = 2): never {
  process.stderr.write(`urd-reliability: ${message}\n`);
  process.exit(code);
}

let values: Record<string, string | undefined>;
try {
  values = parseArgs({ options: Object.fromEntries(Object.keys(FLAGS).map((f) => [f, { type: 'string' }])) as Record<keyof typeof FLAGS, { type: 'string' }> }).values;
} catch (err) {
  fail(`${(err as Error).message} (options: ${Object.keys(FLAGS).map((f) => `--${f} N`).join(', ')})`);
}
const knobs: Knobs = { ...CI_KNOBS };
for (const [flag, key] of Object.entries(FLAGS)) {
  const raw = values[flag];
  if (raw === undefined) continue;
  if (!/^\d+$/.test(raw) || (key !== 'killSeed' && Number(raw) < 1)) fail(`--${flag} ${JSON.stringify(raw)}: expected a whole number${key === 'killSeed' ? '' : ' of at least 1'}`);
  knobs[key] = Number(raw);
}

// Refuse a page without its markers before the long run, not after it.
try {
  checkReliabilityPage(RELIABILITY_PAGE.file);
} catch (err) {
  fail((err as Error).message);
}

const folder = mkdtempSync(join(tmpdir(), 'urd-reliability-'));
process.on('exit', () => rmSync(folder, { recursive: true, force: true }));
const env = {
  ...process.env,
  URD_PROPERTY_RUNS: String(knobs.propertyRuns),
  URD_FUZZ_CASES: String(knobs.fuzzCases),
  URD_KILLS: String(knobs.kills),
  URD_KILL_SEED: String(knobs.killSeed),
  URD_RELIABILITY_REPORT: folder,
};
const run = spawnSync('npx', ['vitest', 'run', ...Object.values(SUITES)], { stdio: 'inherit', env });
if (run.status !== 0) fail(`the suites did not pass (vitest exit ${run.status ?? run.signal}); ${RELIABILITY_PAGE.file} not written`, 1);
const reports = Object.fromEntries(
  Object.keys(SUITES).map((suite) => {
    const path = join(folder, `${suite}.json`);
    if (!existsSync(path)) fail(`${path} missing: the ${suite} suite wrote no report`);
    return [suite, JSON.parse(readFileSync(path, 'utf8'))];
  }),
) as Reports;
const page = reliabilityPage(RELIABILITY_PAGE.file, knobs, reports, new Date().toISOString().slice(0, 10));
writeFileAtomic(RELIABILITY_PAGE.file, page);
process.stdout.write(`${RELIABILITY_PAGE.file}: figures written\n`);
