import { InputError } from '../scenario/inputError.ts';
import { type Lang, LANGS, langFromLocale } from './terms.ts';

/** The language of reports and readings: `--lang` when given, else the environment's locale (LC_ALL, LC_MESSAGES, LANG). */
export function resolveLang(command: string, flag: string | undefined, env: NodeJS.ProcessEnv = process.env): Lang {
  if (flag === undefined) return langFromLocale(env.LC_ALL || env.LC_MESSAGES || env.LANG);
  if ((LANGS as readonly string[]).includes(flag)) return flag as Lang;
  throw new InputError(`urd ${command}`, '--lang', null, `expected one of ${LANGS.join(', ')}, got "${flag}"`);
}

/** Help text of the --lang option, the same for every command that has it. */
export const LANG_HELP = '  --lang zh|en     language of the report and the reading (default: from the locale, LANG)';
