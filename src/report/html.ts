/**
 * The HTML of a report: one self-contained page (styles inline, pictures as base64 data URIs,
 * no scripts, no fonts or files fetched), sized for a projector and fine in print.
 */
import { reportText } from '../i18n/report.ts';
import type { Lang } from '../i18n/terms.ts';
import type { ChartImage } from './render.ts';

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: unknown): string {
  return String(text ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** A note for the reader: escaped, with `backquoted` parts shown as code. */
export function noteHtml(text: string): string {
  return `<p class="note">${escapeHtml(text).replace(/`([^`]+)`/g, '<code>$1</code>')}</p>`;
}

/** A PNG as a data URI. */
export function dataUri(png: Buffer): string {
  return `data:image/png;base64,${png.toString('base64')}`;
}

/** A numbered figure with its picture embedded and its caption. */
export function figureHtml(img: ChartImage, n: number, lang: Lang = 'en'): string {
  return `<figure id="fig-${escapeHtml(img.id)}">
<img src="${dataUri(img.png)}" width="${img.width}" height="${img.height}" alt="${escapeHtml(img.title)}">
<figcaption><strong>${escapeHtml(reportText(lang).figure(n))} ${escapeHtml(img.title)}.</strong> ${escapeHtml(img.caption)}</figcaption>
</figure>`;
}

/** Every figure, numbered in order. */
export function figuresHtml(charts: readonly ChartImage[], lang: Lang, from = 1): string {
  return charts.map((c, i) => figureHtml(c, from + i, lang)).join('\n');
}

/** Links to the files a report was made from or points to (relative paths, so the folder can move). */
export function filesHtml(title: string, links: readonly { href: string; text: string }[], note = ''): string {
  if (!links.length) return '';
  return `<section id="files"><h2>${escapeHtml(title)}</h2>${note ? `<p>${escapeHtml(note)}</p>` : ''}<ul>${links.map((l) => `<li><a href="${escapeHtml(l.href)}">${escapeHtml(l.text)}</a></li>`).join('')}</ul></section>`;
}

/** A table; cells are escaped, numbers right-aligned. */
export function tableHtml(columns: readonly string[], rows: readonly (readonly (string | number)[])[], caption = ''): string {
  const cell = (v: string | number, tag: string) => `<${tag}${typeof v === 'number' ? ' class="num"' : ''}>${escapeHtml(v)}</${tag}>`;
  return `<table>${caption ? `<caption>${escapeHtml(caption)}</caption>` : ''}
<thead><tr>${columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr></thead>
<tbody>
${rows.map((r) => `<tr>${r.map((v, i) => cell(v, i === 0 ? 'th' : 'td')).join('')}</tr>`).join('\n')}
</tbody></table>`;
}

/** A list of figure links, for moving around the page during a lesson. */
export function contentsHtml(charts: readonly ChartImage[], lang: Lang = 'en', sections: readonly { id: string; title: string }[] = []): string {
  if (!charts.length && !sections.length) return '';
  const T = reportText(lang);
  const figs = charts.map((c) => `<li><a href="#fig-${escapeHtml(c.id)}">${escapeHtml(c.title)}</a></li>`).join('');
  const secs = sections.map((s) => `<li><a href="#${escapeHtml(s.id)}">${escapeHtml(s.title)}</a></li>`).join('');
  return `<nav aria-label="${escapeHtml(T.contents)}"><h2>${escapeHtml(T.contents)}</h2><ol>${figs}${secs}</ol></nav>`;
}

/**
 * Latin fonts first, then the common Chinese fonts of each system — Windows (Microsoft YaHei,
 * SimHei), macOS (PingFang SC, Hiragino Sans GB, Heiti SC) and Linux (Noto Sans CJK SC, Source
 * Han Sans SC, WenQuanYi Micro Hei) — so a Chinese report reads on any projector's computer.
 */
export const FONT_STACK =
  "'DejaVu Sans', 'Segoe UI', Helvetica, Arial, 'Microsoft YaHei', 'PingFang SC', 'Hiragino Sans GB', 'Heiti SC', 'Noto Sans CJK SC', 'Source Han Sans SC', 'WenQuanYi Micro Hei', SimHei, sans-serif";

const STYLE = `
:root { --ink: #222; --muted: #555; --line: #ccc; --blue: #0072B2; --orange: #E69F00; --green: #009E73; --red: #D55E00; }
* { box-sizing: border-box; }
html { font-size: 21px; }
body { margin: 0; color: var(--ink); background: #fff; font-family: ${FONT_STACK}; line-height: 1.5; }
header, main, footer { max-width: 1320px; margin: 0 auto; padding: 0 1.2rem; }
header { padding-top: 1.4rem; border-bottom: 4px solid var(--blue); }
h1 { font-size: 2.1rem; line-height: 1.2; margin: 0 0 .4rem; }
h2 { font-size: 1.5rem; margin: 2rem 0 .6rem; }
.meta { color: var(--muted); margin: 0 0 1rem; }
.question { font-size: 1.2rem; font-style: italic; border-left: 6px solid var(--orange); padding: .2rem 0 .2rem 1rem; }
.verdict { border: 3px solid var(--muted); border-radius: 10px; padding: .6rem 1.4rem 1rem; margin: 1.6rem 0; }
.verdict h2 { margin-top: .6rem; }
.verdict .big { font-size: 1.55rem; font-weight: bold; margin: .4rem 0 .8rem; }
.verdict.narrowed { border-color: var(--green); background: #eef8f4; }
.verdict.widened { border-color: var(--red); background: #fcf1ea; }
.verdict.unchanged { border-color: var(--blue); background: #eef5fa; }
.verdict li { margin: .3rem 0; }
.note { border-left: 6px solid var(--orange); background: #fdf6e7; padding: .6rem 1rem; }
code { font-family: 'DejaVu Sans Mono', Consolas, monospace; font-size: .9em; background: #f2f2f2; padding: .05rem .3rem; border-radius: 4px; }
figure { margin: 2rem 0; page-break-inside: avoid; break-inside: avoid; }
figure img { display: block; width: 100%; height: auto; border: 1px solid var(--line); }
figcaption { margin-top: .5rem; color: var(--ink); }
nav ol { columns: 2; }
.lead figure { margin-top: 1rem; }
.answer-first .question { margin-top: .2rem; }
table { border-collapse: collapse; margin: .6rem 0 1.4rem; min-width: 60%; }
caption { text-align: left; font-weight: bold; padding-bottom: .3rem; }
th, td { border-bottom: 1px solid var(--line); padding: .35rem .9rem; text-align: left; vertical-align: top; }
thead th { border-bottom: 3px solid var(--ink); }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
details { margin: 1rem 0; }
summary { cursor: pointer; font-weight: bold; }
footer { color: var(--muted); border-top: 1px solid var(--line); margin-top: 3rem; padding-bottom: 2rem; font-size: .85rem; }
@media print { html { font-size: 12pt; } header { border-bottom-width: 2px; } nav { display: none; } }
`;

/** The whole page around a body. No dates, so re-reporting the same folder gives the same file. */
export function pageHtml(o: { title: string; subtitle: string; body: string; footer: string; lang?: Lang }): string {
  return `<!DOCTYPE html>
<html lang="${reportText(o.lang ?? 'en').htmlLang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(o.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${escapeHtml(o.title)}</h1>
<p class="meta">${escapeHtml(o.subtitle)}</p>
</header>
<main>
${o.body}
</main>
<footer>${o.footer}</footer>
</body>
</html>
`;
}
