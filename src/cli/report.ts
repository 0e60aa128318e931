import { existsSync, statSync } from 'node:fs';
import { resolveLang } from '../i18n/lang.ts';
import type { Lang } from '../i18n/terms.ts';
import { join } from 'node:path';
import { writeComparisonReport } from '../report/compareReport.ts';
import type { ReportResult } from '../report/runReport.ts';
import { writeRunReport } from '../report/runReport.ts';
import { writeSweepReport } from '../report/sweepReport.ts';
import { readFolderJson, refuseLinks, settleSwap } from '../io/outputFolder.ts';
import { summaryProblem } from '../io/summaryCheck.ts';
import { scenarioSchema } from '../scenario/schema.ts';
import { CALIBRATION_FILES } from '../calibrate/store.ts';
import { writeCalibrationReport } from '../calibrate/report.ts';
import { InputError } from '../scenario/load.ts';
import { parseCommand } from './args.ts';
import { openInBrowser } from './browser.ts';
import { afterPendingSignals, stopOnSignals } from './signals.ts';

export const REPORT_HELP = `urd report DIR... [options]

Writes DIR/report.html — one self-contained page (pictures embedded, readable offline) with
the scenario's story and question, the charts, the summary table and the verdict in plain
words — and the pictures as DIR/charts/*.png. DIR may be:
  a run folder        (manifest.json, metrics.csv, summary.json), from urd run or urd demo
  a sweep folder      (runs.csv, aggregate.csv), from urd sweep or urd merge
  a comparison folder (compare-runs.csv), from urd compare
Uses only the files in DIR, so old folders can be reported again.

Options:
  --metric NAME   sweep: the summary metric of the heat map (default dpd_final);
                  comparison: the metric of the trajectories (default dpd)
  --lang zh|en    language of the report (default: from the locale, LANG)
  --open          open each report in the browser when written (the command in
                  BROWSER if set, else the system's default)
  --quiet         print only the path of each report
  -h, --help      this help`;

/** What kind of output folder DIR is, from the files in it. */
export function folderKind(dir: string): 'run' | 'sweep' | 'compare' | 'calibration' {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new InputError(dir, null, null, 'not a folder');
  if (existsSync(join(dir, 'manifest.json')) && existsSync(join(dir, 'metrics.csv'))) return 'run';
  // A run killed before its end has only streamed .partial files and no summary: nothing a report can tell yet.
  if (existsSync(join(dir, 'manifest.json')) && existsSync(join(dir, 'metrics.csv.partial'))) {
    throw new InputError(dir, null, null, `an incomplete run (stopped before its end: metrics.csv is still metrics.csv.partial, no summary.json); continue it with urd run --resume ${dir}, which writes its report`);
  }
  if (existsSync(join(dir, 'runs.csv'))) return 'sweep';
  if (existsSync(join(dir, 'compare-runs.csv'))) return 'compare';
  if (existsSync(join(dir, CALIBRATION_FILES.result))) return 'calibration';
  throw new InputError(dir, null, null, `expected a run folder (manifest.json + metrics.csv), a sweep folder (runs.csv), a comparison folder (compare-runs.csv) or a finished calibration (${CALIBRATION_FILES.result})`);
}

/**
 * Checks a run folder's manifest (its scenario valid) and summary before a report is
 * built from them: a hand-edited file is bad input (exit 2), never a crash in the charts.
 */
function checkRunFolder(dir: string): void {
  const manifestPath = join(dir, 'manifest.json');
  const manifest = readFolderJson(manifestPath, 'manifest.json') as { scenario?: unknown } | null;
  const scenario = scenarioSchema.safeParse(manifest?.scenario);
  if (!scenario.success) {
    const issue = scenario.error.issues[0];
    throw new InputError(manifestPath, ['scenario', ...issue.path].join('.'), null, `${issue.message} (edited by hand? expected the resolved scenario urd writes)`);
  }
  const path = join(dir, 'summary.json');
  const problem = summaryProblem(readFolderJson(path, 'summary.json'));
  if (problem) throw new InputError(path, null, null, `${problem} (edited by hand? expected the summary.json urd writes)`);
}

/** Writes the report of one folder of any kind. A --metric the folder does not have is refused before anything is written. */
export function writeReport(dir: string, metric?: string, lang: Lang = 'en'): ReportResult {
  settleSwap(dir);
  const kind = folderKind(dir);
  // The report writes report.html and charts/ into the folder: never through a link planted there.
  refuseLinks(dir, 1);
  if (kind === 'run') {
    checkRunFolder(dir);
    return writeRunReport(dir, { lang });
  }
  if (kind === 'sweep') return writeSweepReport(dir, { metric, lang });
  if (kind === 'calibration') return writeCalibrationReport(dir, { lang });
  return writeComparisonReport(dir, { metric, lang });
}

/** `urd report`: returns the exit code (130 when stopped by a signal, after the report being drawn is written). */
export function reportCommand(args: string[]): number | Promise<number> {
  const { values, positionals } = parseCommand('report', args, {
    metric: { type: 'string' },
    lang: { type: 'string' },
    open: { type: 'boolean', default: false },
    quiet: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (values.help) {
    process.stdout.write(REPORT_HELP + '\n');
    return 0;
  }
  if (positionals.length === 0) throw new InputError('urd report', null, null, 'expected at least one folder (see urd report --help)');
  const lang = resolveLang('report', values.lang);
  // A report is drawn in one go: a signal is seen when it is written, before the next folder.
  const signals = stopOnSignals('report');
  return reportAll(positionals, { metric: values.metric, lang, open: values.open, quiet: values.quiet }, signals.stopped).finally(signals.remove);
}

async function reportAll(dirs: string[], o: { metric?: string; lang: Lang; open: boolean; quiet: boolean }, stopped: () => string | null): Promise<number> {
  for (let i = 0; ; i++) {
    await afterPendingSignals();
    if (stopped()) {
      process.stderr.write(`urd: ${stopped()}: stopped after ${i} of ${dirs.length} reports (each one written whole); run urd report again for the others\n`);
      return 130;
    }
    if (i === dirs.length) return 0;
    const r = writeReport(dirs[i], o.metric, o.lang);
    if (o.open) openInBrowser(r.path);
    if (!o.quiet) {
      for (const n of r.notes) process.stderr.write(`note: ${n}\n`);
      process.stderr.write(`${r.charts.length} charts in ${(r.ms / 1000).toFixed(1)} s\n`);
    }
    process.stdout.write(`${r.path}\n`);
  }
}
