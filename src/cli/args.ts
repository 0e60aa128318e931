import { parseArgs, type ParseArgsConfig } from 'node:util';
import { InputError } from '../scenario/inputError.ts';
import { didYouMean } from '../scenario/suggest.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { Lang } from '../i18n/terms.ts';
import { noEffectWarnings } from '../scenario/warnings.ts';
import { safeText } from '../io/text.ts';
import { afterPendingSignals, type StopSignals } from './signals.ts';

/** Parses a command's arguments, turning parse failures into usage errors (exit 2). */
export function parseCommand<T extends NonNullable<ParseArgsConfig['options']>>(command: string, args: string[], options: T) {
  // `--seed -1` is a value, not an option: joined as `--seed=-1` so the option's own check says what is wrong with it.
  const joined = args.flatMap((a, i) => (i > 0 && /^-\d/.test(a) && /^--[\w-]+$/.test(args[i - 1]) && options[args[i - 1].slice(2)]?.type === 'string' ? [] : [a.startsWith('--') && /^-\d/.test(args[i + 1] ?? '') && options[a.slice(2)]?.type === 'string' ? `${a}=${args[i + 1]}` : a]));
  try {
    return parseArgs({ args: joined, options, allowPositionals: true, strict: true });
  } catch (err) {
    const message = (err as Error).message.split('\n')[0];
    const unknown = /Unknown option '(-{1,2}[^']+)'/.exec(message)?.[1];
    const hint = unknown ? didYouMean(unknown.replace(/^-+/, ''), Object.keys(options)).replace(/"([^"]+)"/, '"--$1"') : '';
    throw new InputError(`urd ${command}`, null, null, `${unknown ? `unknown option ${unknown}` : message}${hint} (see urd ${command} --help)`);
  }
}

/** Reads a non-negative integer option, or undefined when absent. */
export function intOption(command: string, name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new InputError(`urd ${command}`, `--${name}`, null, `expected a whole number ≥ 0, got "${value}"`);
  return Number(value);
}

/**
 * Whether a command writes its report.html at the end: yes, unless --no-report was given or the
 * URD_NO_REPORT environment variable is set (for scripted pipelines that report once at the end).
 */
export function reportWanted(noReport: boolean | undefined): boolean {
  return !noReport && !process.env.URD_NO_REPORT;
}

/**
 * The end of a command whose result `dir` is complete: writes its reports (unless
 * `writeReports` is null), prints what `print` makes of their paths (by default each path, then
 * the folder's, a line each), and returns the exit code.
 * `signals` have been listening since the work began and go on until the command returns, so
 * SIGINT or SIGTERM at any moment of the end (a swap into place, the summary, the report, the
 * last line) gives exit 130 and one line saying the result is complete and how to write its
 * report again. The reports are drawn synchronously: a signal during them is seen once they are
 * written (each is whole or absent: written atomically).
 */
export async function finishComplete(
  dir: string,
  signals: StopSignals,
  writeReports: (() => Promise<string[]>) | null,
  print = (reports: string[]) => reports.map((p) => `${p}\n`).join('') + `${dir}\n`,
): Promise<number> {
  signals.quiet();
  const stopped = async (): Promise<boolean> => {
    await afterPendingSignals();
    const name = signals.stopped();
    if (!name) return false;
    const again = writeReports ? ` (its report can be written again with urd report ${dir})` : '';
    process.stderr.write(`urd: ${name} received ${writeReports ? 'while writing the report' : 'as it finished'}; ${dir} is complete${again}\n`);
    return true;
  };
  if (await stopped()) return 130;
  process.stdout.write(print(writeReports ? await writeReports() : []));
  return (await stopped()) ? 130 : 0;
}

/** The report of any output folder, for {@link finishComplete} (the report module, with canvas, loads only when needed). */
export function folderReport(dir: string, lang: Lang): () => Promise<string[]> {
  return async () => {
    const { writeReport } = await import('./report.ts');
    return [writeReport(dir, undefined, lang).path];
  };
}

/**
 * Prints to stderr a `warning:` line for each intervention of a scenario file that can have no
 * effect. Even under --quiet (which silences progress, not advice about the input): a scripted run
 * is where a wasted run costs most. Results and exit code are unchanged.
 */
export function warnNoEffect(file: string, scenario: Scenario): void {
  for (const w of noEffectWarnings(scenario)) process.stderr.write(`warning: ${safeText(file)}: ${w}\n`);
}
