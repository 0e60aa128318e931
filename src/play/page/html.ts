import { PAGE_DATA_ID, RESULT_COMPARE_ID, RESULT_ID, type PageData } from './pageData.ts';
import { FONT_STACK } from './strings.ts';

const STYLE = `
* { box-sizing: border-box; }
html, body { margin: 0; font-family: ${FONT_STACK}; color: #222; background: #f6f6f4; font-size: 15px; }
header { display: flex; align-items: center; justify-content: space-between; gap: 12px; padding: 8px 16px; background: #0072B2; color: #fff; }
header h1 { font-size: 20px; margin: 0; font-weight: 600; }
header #motto { flex: 1; font-size: 15px; opacity: 0.9; }
header button { font: inherit; padding: 4px 14px; }
#app { display: grid; grid-template-columns: 380px minmax(0, 1fr); gap: 12px; padding: 12px; }
#controls { background: #fff; border-radius: 6px; padding: 10px 14px; align-self: start; }
#controls h2 { font-size: 15px; margin: 14px 0 6px; border-bottom: 1px solid #ddd; padding-bottom: 3px; }
.field { display: grid; grid-template-columns: 150px minmax(0, 1fr) 64px; align-items: center; gap: 6px; margin: 5px 0; }
.field.wide { grid-template-columns: 150px minmax(0, 1fr); }
.field.stack { grid-template-columns: minmax(0, 1fr); }
.field .name { overflow-wrap: anywhere; }
.field select, .field input[type=number] { min-width: 0; width: 100%; font: inherit; }
.field input[type=range] { min-width: 0; width: 100%; }
.field output { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; overflow: hidden; }
.lever { display: grid; grid-template-columns: 64px minmax(0, 1fr) 52px 128px; align-items: center; gap: 6px; margin: 5px 0; }
.lever select { min-width: 0; width: 100%; font: inherit; font-size: 13px; }
.lever input { min-width: 0; width: 100%; }
.lever output { text-align: right; font-variant-numeric: tabular-nums; }
.story, .question { margin: 6px 0; line-height: 1.4; font-size: 14px; }
.buttons { display: flex; gap: 8px; margin: 8px 0; flex-wrap: wrap; }
.buttons button, #undo, #save { font: inherit; padding: 5px 14px; }
#save { margin-top: 10px; width: 100%; }
#timeline { margin: 0 0 6px; padding-left: 20px; max-height: 120px; overflow-y: auto; font-size: 13px; }
#timeline li.undone { text-decoration: line-through; color: #777; }
#timeline li.empty { list-style: none; margin-left: -20px; color: #666; }
.pending { color: #D55E00; font-size: 13px; margin: 2px 0; min-height: 0; }
main { min-width: 0; }
#status { background: #fff; border-radius: 6px; padding: 8px 14px; margin-bottom: 12px; display: flex; gap: 24px; flex-wrap: wrap; align-items: baseline; }
#status-tick { font-weight: 600; font-size: 17px; }
#status-verdict { font-size: 16px; }
#status-error { color: #D55E00; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(420px, 1fr)); gap: 12px; }
.card { background: #fff; border-radius: 6px; padding: 8px; height: 330px; position: relative; min-width: 0; }
.card canvas { width: 100% !important; height: 100% !important; }
.card.map { grid-row: span 2; height: 672px; display: grid; grid-template-rows: auto minmax(0, 1fr) auto; gap: 4px; }
#map-controls { display: flex; gap: 12px; align-items: center; flex-wrap: wrap; }
#map-controls h3 { margin: 0; font-size: 15px; }
#map-controls .field { grid-template-columns: auto auto; margin: 0; }
#map-controls select { min-width: 64px; max-width: 100%; }
#map-controls #scale { min-width: 150px; }
#place-info { font-size: 13px; min-height: 40px; }
#place-info table { border-collapse: collapse; }
#place-info th { text-align: left; font-weight: normal; color: #555; padding-right: 10px; }
@media (max-width: 1400px) { #app { grid-template-columns: 360px minmax(0, 1fr); } .grid { grid-template-columns: repeat(auto-fill, minmax(380px, 1fr)); } }
`;

/** The page: skeleton, style and data inline; the script (with its worker inside) beside it as app.js, a classic script so file:// runs it. */
export function pageHtml(data: PageData): string {
  // JSON inside <script> must not be able to close the element.
  const json = JSON.stringify(data).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>urd play</title>
<style>${STYLE}</style>
</head>
<body>
<header><h1 id="title">urd play</h1><span id="motto"></span><button id="lang" type="button"></button></header>
<div id="app">
<aside id="controls"></aside>
<main>
<section id="status"><span id="status-tick"></span><span id="status-verdict"></span><span id="status-error"></span></section>
<div class="grid">
<div class="card"><canvas id="c-dpd"></canvas></div>
<div class="card map"><div id="map-controls"></div><canvas id="c-map"></canvas><div id="place-info"></div></div>
<div class="card"><canvas id="c-ratios"></canvas></div>
<div class="card"><canvas id="c-ladder"></canvas></div>
<div class="card"><canvas id="c-flows"></canvas></div>
<div class="card"><canvas id="c-spending"></canvas></div>
</div>
</main>
</div>
<pre id="${RESULT_ID}" hidden></pre>
<pre id="${RESULT_COMPARE_ID}" hidden></pre>
<script type="application/json" id="${PAGE_DATA_ID}">${json}</script>
<script src="app.js"></script>
</body>
</html>
`;
}
