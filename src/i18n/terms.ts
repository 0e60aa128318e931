/**
 * The seed paper's own terms in both languages. Reports, the classroom page and the CLI
 * all name these concepts; one table keeps the Chinese original and its English rendering
 * identical everywhere a teacher or researcher meets them.
 */

export type Lang = 'en' | 'zh';

export const LANGS: readonly Lang[] = ['en', 'zh'];

/** A term as the paper writes it (zh) and as urd renders it in English (en). */
export interface Term {
  zh: string;
  en: string;
}

export const TERMS = {
  dpd: { zh: '数字势差', en: 'digital potential difference' },
  rings: { zh: '圈层', en: 'rings (circle-level segmentation)' },
  differentialOrder: { zh: '差序格局', en: 'differential order (core first)' },
  reverseOrder: { zh: '逆差序', en: 'reverse differential order (periphery first)' },
  digitalRun: { zh: '数字挤兑', en: 'digital run' },
  reverseOrderWiseGovernance: { zh: '逆差序智治', en: 'reverse differential-order wise governance' },
  digitalDivide: { zh: '数字鸿沟', en: 'digital divide' },
  dualStructure: { zh: '二元结构', en: 'dual social structure' },
  // The five stages of the chain "technology foundation - capital momentum - talent application - production diffusion - right core".
  stageTechnology: { zh: '技术基础', en: 'technology foundation' },
  stageCapital: { zh: '资本动能', en: 'capital momentum' },
  stageTalent: { zh: '人才应用', en: 'talent application' },
  stageProduction: { zh: '生产扩散', en: 'production diffusion' },
  stageRights: { zh: '权利核心', en: 'right core' },
} as const satisfies Record<string, Term>;

export type TermKey = keyof typeof TERMS;

/** A term in one language; in English with the Chinese original beside it, so both are learnt. */
export function term(key: TermKey, lang: Lang): string {
  const t = TERMS[key];
  return lang === 'zh' ? t.zh : `${t.en} (${t.zh})`;
}

/** The language a locale string (LANG, navigator.language) asks for; English otherwise. */
export function langFromLocale(locale: string | undefined): Lang {
  return locale !== undefined && /^zh\b|^zh[_-]/i.test(locale) ? 'zh' : 'en';
}
