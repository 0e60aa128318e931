import { parseArgs, type ParseArgsConfig } from 'node:util';
import { InputError } from '../scenario/inputError.ts';
import { didYouMean } from '../scenario/suggest.ts';
import type { Scenario } from '../scenario/schema.ts';
import { noEffectWarnings } from '../scenario/warnings.ts';
import { safeText } from '../io/text.ts';
import { afterPendingSignals, stopOnSignals } from './signals.ts';

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
 * Writes the report of a finished output folder at the end of a command (the report module, with
 * canvas, loads only when needed) and prints its path; returns the exit code. The report is drawn
 * synchronously, so SIGINT or SIGTERM is seen once it is written (or before it starts): the result
 * is complete either way, the report is whole or absent (written atomically), and the one line
 * says how to write it again. 130, as for any stop by a signal.
 */
export async function writeFolderReport(dir: string): Promise<number> {
  const signals = stopOnSignals('report', false);
  const stopped = async (): Promise<boolean> => {
    await afterPendingSignals();
    if (!signals.stopped()) return false;
    process.stderr.write(`urd: ${signals.stopped()} received while writing the report; ${dir} is complete (its report can be written again with urd report ${dir})\n`);
    return true;
  };
  try {
    const { writeReport } = await import('./report.ts');
    if (await stopped()) return 130;
    process.stdout.write(`${writeReport(dir).path}\n`);
    return (await stopped()) ? 130 : 0;
  } finally {
    signals.remove();
  }
}

/**
 * Prints to stderr a `warning:` line for each intervention of a scenario file that can have no
 * effect. Even under --quiet (which silences progress, not advice about the input): a scripted run
 * is where a wasted run costs most. Results and exit code are unchanged.
 */
export function warnNoEffect(file: string, scenario: Scenario): void {
  for (const w of noEffectWarnings(scenario)) process.stderr.write(`warning: ${safeText(file)}: ${w}\n`);
}
