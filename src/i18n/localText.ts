/**
 * The one accessor for a scenario's (or a comparison's) own words in a language. Files give
 * them as `title` with `title_zh`, or as a per-language map `title: {en, zh}`; the loaders
 * turn the map into the first form (src/scenario/localText.ts), so every reader — reports,
 * `urd list`, the classroom page — reads the same fields through this function.
 */
import type { Lang } from './terms.ts';

/** The fields that carry text in a language. */
export const LOCAL_TEXT_FIELDS = ['title', 'description', 'question'] as const;
export type LocalTextField = (typeof LOCAL_TEXT_FIELDS)[number];

/** A scenario's or comparison's text fields as stored (English, and Chinese with the `_zh` suffix). */
export type LocalTextSource = { [K in LocalTextField]?: string } & { [K in `${LocalTextField}_zh`]?: string };

/** Title, story and question in `lang`, falling back to the other language where a text is given in only one. */
export function localText(s: LocalTextSource, lang: Lang): Record<LocalTextField, string> {
  const pick = (key: LocalTextField) => {
    const en = s[key] ?? '';
    const zh = s[`${key}_zh`] ?? '';
    return ((lang === 'zh' ? zh || en : en || zh) || '').trim();
  };
  return { title: pick('title'), description: pick('description'), question: pick('question') };
}
