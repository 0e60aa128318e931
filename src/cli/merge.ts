import { IncompleteMerge, mergeSweeps } from '../experiments/merge.ts';
import { InputError } from '../scenario/load.ts';
import { finishComplete, folderReport, parseCommand, reportWanted } from './args.ts';
import { LANG_HELP, resolveLang } from '../i18n/lang.ts';
import { stopOnSignals } from './signals.ts';

export const MERGE_HELP = `urd merge DIR... [--out OUT]

Combines the folders of a sharded sweep (urd sweep --shard I/N) into OUT, which then holds the
very files a one-machine sweep writes: runs/, runs.csv, aggregate.csv (and morris.csv), byte
for byte. With one DIR (shards that shared a folder) OUT defaults to DIR itself.
Exits 1, naming the missing runs, when some shard has not finished.

Options:
  --out OUT     folder to write (required with more than one DIR)
  --no-report   do not write report.html and charts/ (also: URD_NO_REPORT=1), as urd sweep
${LANG_HELP}
  -h, --help    this help`;

/** `urd merge`: returns the exit code. */
export async function mergeCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand('merge', args, {
    out: { type: 'string' },
    'no-report': { type: 'boolean', default: false },
    lang: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (values.help) {
    process.stdout.write(MERGE_HELP + '\n');
    return 0;
  }
  const lang = resolveLang('merge', values.lang);
  if (positionals.length === 0) throw new InputError('urd merge', null, null, 'expected at least one sweep folder (see urd merge --help)');
  if (positionals.length > 1 && values.out === undefined) throw new InputError('urd merge', '--out', null, 'expected --out OUT when merging several folders');
  const out = values.out ?? positionals[0];
  // Merging is synchronous: a signal during it is seen once the merge is complete, like one during the report.
  const signals = stopOnSignals('merge', false);
  try {
    try {
      const result = mergeSweeps(positionals, out);
      process.stderr.write(`merged ${result.runs} runs from ${positionals.length} folder${positionals.length > 1 ? 's' : ''} (${result.copied} records copied)\n`);
    } catch (err) {
      if (!(err instanceof IncompleteMerge)) throw err;
      process.stderr.write(`urd merge: ${err.message}\n`);
      return 1;
    }
    // The same report a one-machine sweep writes, so merged folders match it file for file.
    return await finishComplete(out, signals, reportWanted(values['no-report']) ? folderReport(out, lang) : null);
  } finally {
    signals.remove();
  }
}
