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

/**
 * The verdict on the gap, one word each: how it went over the run (widened, narrowed,
 * unchanged) and lately (widening, narrowing, flat). The headline, the reading, the charts, the
 * sweep's maps and the classroom page all take them from here, so one verdict reads the same
 * everywhere (one Chinese verb for a narrowed gap, where there once were two).
 */
export const VERDICT_TERMS = {
  widened: { zh: '扩大', en: 'widened' },
  narrowed: { zh: '缩小', en: 'narrowed' },
  unchanged: { zh: '几乎不变', en: 'hardly changed' },
  widening: { zh: '正在扩大', en: 'widening' },
  narrowing: { zh: '正在缩小', en: 'narrowing' },
  flat: { zh: '基本持平', en: 'flat' },
  undetermined: { zh: '无法判断', en: 'undetermined' },
} as const satisfies Record<string, Term>;

/** The five levers of governance, policy → capital → talent → industry → rights, one per stage of the chain. */
export const LEVER_TERMS = {
  policy: { zh: '政策', en: 'policy' },
  capital: { zh: '资本', en: 'capital' },
  talent: { zh: '人才', en: 'talent' },
  industry: { zh: '产业', en: 'industry' },
  rights: { zh: '权利', en: 'rights' },
} as const satisfies Record<string, Term>;

/**
 * Chinese names of the parameters the stock experiments sweep, for the sweep report's axes and
 * legends; any other parameter is shown by its English meaning from the schema.
 */
export const PARAMETER_NAMES_ZH: Readonly<Record<string, string>> = {
  'talent.barrier': '户籍壁垒',
  'talent.herding': `人口的从众（${TERMS.digitalRun.zh}）`,
  'talent.moveProbability': '每期考虑迁移的概率',
  'capital.agglomeration': '集聚弹性 γ',
  'capital.mobility': '每期可流动的资本份额',
  'capital.returnSensitivity': '资本对回报的敏感度',
  'capital.herding': `资本的从众（${TERMS.digitalRun.zh}）`,
  'technology.spillover': '基础设施的溢出',
  'diffusion.p': 'Bass 创新系数 p',
  'diffusion.q': 'Bass 模仿系数 q',
  'diffusion.accessThreshold': '接入门槛 τ',
  'rights.rentShare': '核心攫取的乡村数字剩余份额 φ',
  'fiscal.value': '财政预算',
  'interventions.0.allocation': '第 1 项干预的分配次序',
  'interventions.0.budget': '第 1 项干预的每期预算',
};

/** A lever's name in a language (the key itself when it is not a lever). */
export function leverWord(lever: string, lang: Lang): string {
  return (LEVER_TERMS as Record<string, Term>)[lever]?.[lang] ?? lever;
}

/** A term in one language; in English with the Chinese original beside it, so both are learnt. */
export function term(key: TermKey, lang: Lang): string {
  const t = TERMS[key];
  return lang === 'zh' ? t.zh : `${t.en} (${t.zh})`;
}

/** The language a locale string (LANG, navigator.language) asks for; English otherwise. */
export function langFromLocale(locale: string | undefined): Lang {
  return locale !== undefined && /^zh\b|^zh[_-]/i.test(locale) ? 'zh' : 'en';
}
