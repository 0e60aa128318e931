/**
 * A comparison file: the scenarios of a comparison with the question it asks, so a comparison
 * is a reviewable file rather than a command line (`urd compare COMPARISON.yaml`).
 */
import { dirname, resolve } from 'node:path';
import { InputError, lineOf, readInputFile, throwAll, type LoadedFile } from '../scenario/load.ts';
import { flattenLocalText } from '../scenario/localText.ts';
import { didYouMean } from '../scenario/suggest.ts';
import type { ComparisonText } from './compare.ts';
import { display } from './load.ts';

export interface ComparisonFile {
  /** Scenario paths, resolved against the comparison file's folder and shown as display() does. */
  scenarios: string[];
  text: ComparisonText;
  reference?: string;
  seeds?: number;
  /** The parsed file, for blaming a field once the scenarios are loaded (an unknown reference). */
  source: LoadedFile;
}

const TEXT_FIELDS = ['title', 'title_zh', 'question', 'question_zh'] as const;
const FIELDS = ['scenarios', ...TEXT_FIELDS, 'reference', 'seeds'];

/** Reads and checks a comparison file, reporting every bad field at once with its line. */
export function loadComparisonFile(path: string): ComparisonFile {
  const file = readInputFile(path);
  const errors: InputError[] = [];
  const fail = (field: string, expected: string, at: (string | number)[] = [field]) => errors.push(new InputError(file.path, at.join('.'), lineOf(file, at), expected));
  const data = file.data;
  // A lone scenario file given to urd compare is a missing second scenario, not a comparison file with forty unknown fields.
  if (!('scenarios' in data)) throw new InputError(file.path, null, null, 'expected a comparison file (with a scenarios: list) or at least two scenario files (see urd compare --help)');
  for (const key of Object.keys(data)) if (!FIELDS.includes(key)) fail(key, `unknown field "${key}"${didYouMean(key, FIELDS)}; expected one of ${FIELDS.join(', ')}`);
  const out: ComparisonFile = { scenarios: [], text: {}, source: file };
  const list = data.scenarios;
  if (!Array.isArray(list) || list.length < 2) fail('scenarios', 'expected a list of at least two scenario files (paths relative to this file)');
  else {
    list.forEach((p, i) => {
      if (typeof p !== 'string' || p === '') fail('scenarios', `expected the path of a scenario file, got ${JSON.stringify(p)}`, ['scenarios', i]);
      else out.scenarios.push(display(resolve(dirname(path), p)));
    });
  }
  // title: {en, zh} and question: {en, zh} read as title, title_zh, question, question_zh.
  const flat = flattenLocalText(data, ['title', 'question']);
  for (const p of flat.problems) fail(p.path.join('.'), p.expected, p.path);
  for (const key of TEXT_FIELDS) {
    const v = flat.data[key];
    if (v === undefined) continue;
    if (typeof v !== 'string' || v.trim() === '') fail(key, 'expected a line of text');
    else out.text[key] = v;
  }
  if (data.reference !== undefined) {
    if (typeof data.reference !== 'string') fail('reference', 'expected the name of one of the scenarios');
    else out.reference = data.reference;
  }
  if (data.seeds !== undefined) {
    if (!Number.isInteger(data.seeds) || (data.seeds as number) < 1) fail('seeds', `expected a whole number of seeds ≥ 1, got ${JSON.stringify(data.seeds)}`);
    else out.seeds = data.seeds as number;
  }
  if (errors.length) throwAll(errors);
  return out;
}
