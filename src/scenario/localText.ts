/**
 * Reads a per-language map (`title: {en: ..., zh: ...}`) into the stored form (`title` and
 * `title_zh`) that every reader takes through src/i18n/localText.ts. Only the known languages
 * are accepted (a typo gets a "did you mean"), every text must be a line of text, and a map's
 * Chinese that disagrees with a `title_zh` beside it is refused, naming both.
 */
import { LOCAL_TEXT_FIELDS, type LocalTextField } from '../i18n/localText.ts';
import { LANGS } from '../i18n/terms.ts';
import { didYouMean } from './suggest.ts';

/** A problem at a field path of the input, with what was expected. */
export type LocalTextProblem = { path: (string | number)[]; expected: string };

const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * A copy of `data` with each per-language map among `fields` replaced by the flat fields; the
 * input is not changed. Problems are returned, in the order of the fields; a bad map is dropped.
 */
export function flattenLocalText(data: Record<string, unknown>, fields: readonly LocalTextField[] = LOCAL_TEXT_FIELDS): { data: Record<string, unknown>; problems: LocalTextProblem[] } {
  const problems: LocalTextProblem[] = [];
  let out = data;
  for (const key of fields) {
    const map = data[key];
    if (!isMap(map)) continue;
    if (out === data) out = { ...data };
    const zhKey = `${key}_zh`;
    const before = problems.length;
    const langs = Object.keys(map);
    for (const lang of langs) {
      if (!(LANGS as readonly string[]).includes(lang)) problems.push({ path: [key, lang], expected: `unknown language "${lang}"${didYouMean(lang, LANGS)}; expected ${LANGS.join(' or ')} (the text in that language)` });
      else if (typeof map[lang] !== 'string' || (map[lang] as string).trim() === '') problems.push({ path: [key, lang], expected: `expected a line of text, got ${JSON.stringify(map[lang])?.slice(0, 60)}` });
    }
    if (langs.length === 0) problems.push({ path: [key], expected: `expected a text or a map of languages (${LANGS.join(', ')}) to texts, got an empty map` });
    const zh = map.zh;
    if (typeof zh === 'string' && data[zhKey] !== undefined && data[zhKey] !== zh) {
      problems.push({ path: [key, 'zh'], expected: `${key}.zh and ${zhKey} both give the Chinese ${key}, differently; keep one of them` });
    }
    delete out[key];
    if (problems.length > before) continue;
    // Given only in Chinese, the English field is empty and readers fall back to the Chinese.
    out[key] = typeof map.en === 'string' ? map.en : '';
    if (typeof zh === 'string') out[zhKey] = zh;
  }
  return { data: out, problems };
}
