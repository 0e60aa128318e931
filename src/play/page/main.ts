import { stringify } from 'yaml';
import { buildLayout } from '../../engine/geometry.ts';
import { localText } from '../../i18n/localText.ts';
import { langFromLocale, LANGS, term, type Lang } from '../../i18n/terms.ts';
import type { RunSummary } from '../../metrics/summary.ts';
import { fmtNumber } from '../../report/theme.ts';
import { ALLOCATIONS, LEVERS, type Allocation, type Lever, type Scenario } from '../../scenario/schema.ts';
import { leverSetting, registrationSetting, type PlayParameter, type ProgrammeChange } from '../programme.ts';
import type { FromWorker, ToWorker } from '../protocol.ts';
import { PLACE_MEASURES, type Frame, type PlaceMeasure } from '../session.ts';
import { Charts } from './charts.ts';
import { RingMap } from './map.ts';
import { MAX_SPEED, PAGE_DATA_ID, RESULT_COMPARE_ID, RESULT_ID, type PageData } from './pageData.ts';
import { el, labelled, slider } from './dom.ts';
import { SETUP, type SetupKey } from './setup.ts';
import { tippingLabel, word, type Word } from './strings.ts';

declare const URD_WORKER_SOURCE: string;

/** Largest world the page builds: a classroom PC's memory and the teacher's patience. */
const MAX_RESIDENTS = 1_000_000;

/** A change on the timeline: per world the change sent and the settings it replaced (for undo). */
interface Entry {
  tick: number;
  text: string;
  changes: (ProgrammeChange | null)[];
  before: (ProgrammeChange | null)[];
  undone: boolean;
  isUndo: boolean;
}

const data = JSON.parse((document.getElementById(PAGE_DATA_ID) as HTMLElement).textContent as string) as PageData;
const params = new URLSearchParams(location.search);
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

let lang: Lang = (LANGS as readonly string[]).includes(params.get('lang') ?? '') ? (params.get('lang') as Lang) : langFromLocale(navigator.language);
let presetIndex = Math.max(0, data.presets.findIndex((p) => p.scenario.name === params.get('scenario') || p.file === params.get('scenario')));
if (!params.get('scenario')) presetIndex = data.initial;
const compareParam = params.get('compare');
let compare: Allocation | null = compareParam === null || compareParam === '0' ? null : (ALLOCATIONS as readonly string[]).includes(compareParam) ? (compareParam as Allocation) : 'periphery-first';
if (compare && !params.get('scenario') && data.presets.some((p) => p.scenario.name === 'allocation-core-first')) {
  presetIndex = data.presets.findIndex((p) => p.scenario.name === 'allocation-core-first');
}
const autoplay = params.get('autoplay') === '1' || params.get('autoplay') === 'true';

/** The set-up the next reset builds: the preset's values until the teacher (or the URL) changes them. */
let setup: Record<SetupKey, number> = readSetup(data.presets[presetIndex].scenario);
applyUrlSetup();
let setupDirty = false;
let speed = Number(params.get('speed') ?? (autoplay ? MAX_SPEED : 10));
let running = false;
/** A step or a reset is on its way to the worker (the step button waits for it). */
let inFlight = false;
let done = false;
let latest: Frame[] = [];
let timeline: Entry[] = [];
/** Number of the current run (each reset starts one); the worker tags its replies with it. */
let run = 0;
/** Entries whose tick the worker has not yet confirmed, oldest first. */
let unconfirmed: Entry[] = [];
let mapWorld = 0;
let summaries: RunSummary[] | null = null;
/** When each tick's frames reached the page (performance.now()), and how often each view was redrawn, for the browser benchmark (bench/play.ts). */
const arrivals: number[] = [];
const redraws: Record<string, number> = {};

const worker = new Worker(URL.createObjectURL(new Blob([URD_WORKER_SOURCE], { type: 'text/javascript' })));
const send = (m: ToWorker) => worker.postMessage(m);
const charts = new Charts({ dpd: $('c-dpd'), ratios: $('c-ratios'), ladder: $('c-ladder'), flows: $('c-flows'), spending: $('c-spending') });
const map = new RingMap($('c-map'), buildLayout(data.presets[presetIndex].scenario.world));

function readSetup(s: Scenario): Record<SetupKey, number> {
  return Object.fromEntries(SETUP.map((f) => [f.key, f.get(s)])) as Record<SetupKey, number>;
}

function applyUrlSetup(): void {
  for (const key of ['seed', 'ticks', 'residents'] as const) {
    const v = params.get(key);
    if (v !== null && Number.isFinite(Number(v))) setup[key] = Number(v);
  }
  setup.residents = Math.min(MAX_RESIDENTS, setup.residents);
}

/** The scenario of world w: the preset with the set-up applied; the second world takes the compared allocation. */
function scenarioOf(w: number): Scenario {
  const s = structuredClone(data.presets[presetIndex].scenario);
  for (const f of SETUP) f.set(s, setup[f.key]);
  if (w === 1 && compare) s.interventions = s.interventions.map((iv) => ({ ...iv, allocation: compare as Allocation }));
  return s;
}

function worldNames(): string[] {
  const first = scenarioOf(0).interventions.find((iv) => iv.budget > 0)?.allocation;
  return compare ? [`A: ${first ? word(first, lang) : '—'}`, `B: ${word(compare, lang)}`] : [''];
}

function reset(): void {
  running = false;
  done = false;
  inFlight = true;
  timeline = [];
  unconfirmed = [];
  summaries = null;
  setupDirty = false;
  $('urd-result').textContent = '';
  $(RESULT_COMPARE_ID).textContent = '';
  const worlds = compare ? 2 : 1;
  const scenarios = Array.from({ length: worlds }, (_, w) => scenarioOf(w));
  charts.reset(lang, worlds, scenarios[0].world.rings.map((r) => r.label), worldNames());
  map.reset(buildLayout(scenarios[0].world));
  mapWorld = 0;
  send({ type: 'init', run: ++run, scenarios });
  renderControls();
  renderMapControls();
}

/** Starts or stops the worker playing by itself, at the speed chosen. */
function sendPlaying(): void {
  send(running ? { type: 'play', perSecond: speed >= MAX_SPEED ? null : speed } : { type: 'pause' });
}

/**
 * Redrawing. The worker's ticks only add data (the charts keep every tick) and mark every view
 * stale; each animation frame then takes the stale views and redraws each once, however many
 * ticks arrived since the last frame. Each view is drawn in a task of its own, one after the
 * other, so the main thread's tasks stay a few milliseconds long (a tick's message can be taken
 * in between) and none grows long even on a slow classroom PC or a busy machine.
 */
const stale = new Set<string>();
/** The views this frame still has to draw, in order. */
const drawing = new Set<string>();
let frameRequested = false;
const nextView = new MessageChannel();
nextView.port1.onmessage = drawNext;

function drawView(view: string): void {
  redraws[view] = (redraws[view] ?? 0) + 1;
  if (view === 'map') map.draw(lang);
  else if (view === 'status') renderStatus();
  else charts.drawChart(view);
}

function drawNext(): void {
  const [view] = drawing;
  if (view === undefined) return;
  drawing.delete(view);
  drawView(view);
  if (drawing.size > 0) nextView.port2.postMessage(null);
}

function frame(): void {
  frameRequested = false;
  const idle = drawing.size === 0;
  for (const view of stale) drawing.add(view);
  stale.clear();
  if (idle) drawNext();
}

function queueDraw(): void {
  for (const view of ['status', ...charts.ids(), 'map']) stale.add(view);
  if (frameRequested) return;
  frameRequested = true;
  requestAnimationFrame(frame);
}

worker.onmessage = (event: MessageEvent<FromWorker>) => {
  const m = event.data;
  if (m.run !== run) return; // a reply to a run since reset
  switch (m.type) {
    case 'frames':
      send({ type: 'received', tick: m.frames[0].tick });
      arrivals[m.frames[0].tick] = performance.now();
      latest = m.frames;
      charts.add(m.frames);
      map.show(m.frames[Math.min(mapWorld, m.frames.length - 1)]);
      done = m.done;
      if (inFlight) {
        inFlight = false;
        renderButtons();
      }
      if (!timeline.some((e) => e.tick > latest[0].tick)) syncProgramme();
      if (timeline.length > 0) renderTimeline();
      queueDraw();
      return;
    case 'summary':
      summaries = m.summaries;
      running = false;
      // The final summary at full precision, as summary.json has it, for lesson pages and tests.
      $(RESULT_ID).textContent = JSON.stringify(m.summaries[0]);
      if (m.summaries[1]) $(RESULT_COMPARE_ID).textContent = JSON.stringify(m.summaries[1]);
      renderButtons();
      queueDraw();
      return;
    case 'scenario':
      download(m.scenario);
      return;
    case 'changed':
      // The worker's tick is the truth: a step may have been on its way when the change was sent.
      if (m.world === 0) {
        const entry = unconfirmed.shift();
        if (entry) entry.tick = m.tick;
      }
      renderTimeline();
      return;
    case 'cancelled':
      renderTimeline();
      return;
    case 'error':
      running = false;
      inFlight = false;
      $('status-error').textContent = `${word('error', lang)}: ${m.message}`;
      console.error(`urd play: ${m.message}`);
  }
};

/** Sends a programme change to every world that takes it and puts it on the timeline. */
function change(changes: (ProgrammeChange | null)[], text: string, isUndo = false): void {
  const tick = (latest[0]?.tick ?? 0) + 1;
  const before = changes.map((c, w) => (c ? settingBefore(c, w, tick) : null));
  changes.forEach((c, w) => c && send({ type: 'change', world: w, change: c }));
  const entry = { tick, text, changes, before, undone: false, isUndo };
  // A world slider shows what the first world now runs with (an undo moves it back), and a reset keeps it.
  const moved = changes[0]?.kind === 'parameter' ? changes[0] : null;
  const f = moved && SETUP.find((x) => 'path' in x && x.path === moved.path);
  if (moved && f) {
    setup[f.key] = moved.value;
    $<HTMLInputElement>(`setup-${f.key}`).value = String(moved.value);
    renderOutputs();
  }
  timeline.push(entry);
  unconfirmed.push(entry);
  renderTimeline();
}

/**
 * The change that restores what `c` replaces in world w: the settings `c` touches, as the
 * programme in force has them, updated by the changes still waiting for their tick.
 */
function settingBefore(c: ProgrammeChange, w: number, tick: number): ProgrammeChange {
  const ivs = latest[w].interventions.map(withId);
  const waiting = timeline.filter((e) => e.tick > latest[0].tick).map((e) => e.changes[w]);
  if (c.kind === 'parameter') {
    let value = latest[w].parameters[c.path as PlayParameter];
    for (const p of waiting) if (p?.kind === 'parameter' && p.path === c.path) value = p.value;
    return { kind: 'parameter', path: c.path, value };
  }
  if (c.kind === 'registration') {
    let intensity = registrationSetting(ivs, tick);
    for (const p of waiting) if (p?.kind === 'registration') intensity = p.intensity;
    return { kind: 'registration', intensity };
  }
  let { budget, allocation } = leverSetting(ivs, c.lever, tick);
  for (const p of waiting) {
    if (p?.kind !== 'lever' || p.lever !== c.lever) continue;
    budget = p.budget ?? budget;
    allocation = p.allocation ?? allocation;
  }
  return { kind: 'lever', lever: c.lever, ...(c.budget !== undefined ? { budget } : {}), ...(c.allocation ? { allocation: allocation ?? 'uniform' } : {}) };
}

function withId<T>(iv: T, k: number): T & { id: string } {
  return { ...iv, id: String(k) };
}

function undo(): void {
  const entry = [...timeline].reverse().find((e) => !e.undone && !e.isUndo);
  if (!entry) return;
  const now = latest[0]?.tick ?? 0;
  if (entry.tick > now && timeline[timeline.length - 1] === entry) {
    // Not applied yet: it simply never happens.
    send({ type: 'cancel', worlds: entry.changes.flatMap((c, w) => (c ? [w] : [])) });
    timeline.pop();
    renderTimeline();
    return;
  }
  entry.undone = true;
  change(entry.before, `${word('undone', lang)}: ${entry.text}`, true);
}

function download(scenario: Scenario): void {
  const { $schema: _schema, ...rest } = scenario;
  const text = `# Saved by urd play at tick ${latest[0]?.tick ?? 0}, with every change made while it ran.\n# Reproduce it with: urd run ${scenario.name}.yaml\n${stringify(rest, { lineWidth: 0 })}`;
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([text], { type: 'text/yaml' }));
  a.download = `${scenario.name}-seed-${scenario.seed}.yaml`;
  document.body.append(a);
  a.click();
  a.remove();
}

// ---- controls ----

function allocationSelect(id: string, value: string | null, withOff = false): HTMLSelectElement {
  const s = el('select', { id });
  if (withOff) s.append(el('option', { value: '' }, word('compareOff', lang)));
  for (const a of ALLOCATIONS) s.append(el('option', { value: a }, word(a, lang)));
  s.value = value ?? (withOff ? '' : 'uniform');
  return s;
}

const LEVER_MAX_BUDGET = 5000;

function renderControls(): void {
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  document.title = word('title', lang);
  $('title').textContent = word('title', lang);
  // The paper's answer, named in its own words: 逆差序智治.
  $('motto').textContent = term('reverseOrderWiseGovernance', lang);
  $('lang').textContent = word('language', lang);
  const preset = data.presets[presetIndex].scenario;
  const text = localText(preset, lang);
  const presetSelect = el('select', { id: 'preset' });
  data.presets.forEach((p, k) => presetSelect.append(el('option', { value: String(k) }, localText(p.scenario, lang).title || p.scenario.name)));
  presetSelect.value = String(presetIndex);
  const panel = $('controls');
  panel.replaceChildren(
    labelled(word('preset', lang), presetSelect, undefined, 'field stack'),
    el('p', { class: 'story' }, el('b', {}, `${word('story', lang)}: `), text.description),
    el('p', { class: 'question' }, el('b', {}, `${word('question', lang)}: `), text.question),
    el(
      'div',
      { class: 'buttons' },
      el('button', { id: 'play', type: 'button' }),
      el('button', { id: 'step', type: 'button' }, word('step', lang)),
      el('button', { id: 'reset', type: 'button' }, word('reset', lang)),
    ),
    labelled(word('speed', lang), slider('speed', 1, MAX_SPEED, 1, Math.min(speed, MAX_SPEED)), el('output', { id: 'speed-out' })),
    el('h2', {}, word('programme', lang)),
    ...LEVERS.map((lever) =>
      el(
        'div',
        { class: 'lever' },
        el('span', { class: 'name' }, `${word(lever, lang)}`),
        slider(`budget-${lever}`, 0, LEVER_MAX_BUDGET, 50, 0),
        el('output', { id: `budget-${lever}-out` }),
        allocationSelect(`allocation-${lever}`, null),
      ),
    ),
    labelled(word('registration', lang), slider('registration', 0, 1, 0.05, 0), el('output', { id: 'registration-out' })),
    el('h2', {}, word('timeline', lang)),
    el('ol', { id: 'timeline' }),
    el('button', { id: 'undo', type: 'button' }, word('undo', lang)),
    el('h2', {}, word('setup', lang)),
    el('p', { id: 'setup-pending', class: 'pending' }),
    ...SETUP.map((f) => {
      const range = f.range(preset);
      const input = slider(`setup-${f.key}`, range.min, range.max, range.step, setup[f.key]);
      input.type = f.input;
      const unit = f.key === 'fiscal' ? ` (${word(preset.fiscal.mode === 'share' ? 'fiscalShare' : 'fiscalFixed', lang)})` : '';
      return labelled(f.label(lang) + unit, input, el('output', { id: `setup-${f.key}-out` }));
    }),
    labelled(`${word('compare', lang)} — ${term('differentialOrder', lang)} / ${term('reverseOrder', lang)}`, allocationSelect('compare', compare, true), undefined, 'field stack'),
    el('button', { id: 'save', type: 'button' }, word('save', lang)),
  );
  wireControls();
  syncProgramme(true);
  renderButtons();
  renderTimeline();
  renderOutputs();
}

function wireControls(): void {
  $<HTMLSelectElement>('preset').onchange = (e) => {
    presetIndex = Number((e.target as HTMLSelectElement).value);
    setup = readSetup(data.presets[presetIndex].scenario);
    reset();
  };
  $('play').onclick = () => {
    running = !running && !done;
    renderButtons();
    sendPlaying();
  };
  $('step').onclick = () => {
    if (inFlight || done || running) return;
    inFlight = true;
    renderButtons();
    send({ type: 'step' });
  };
  $('reset').onclick = reset;
  $<HTMLInputElement>('speed').oninput = (e) => {
    speed = Number((e.target as HTMLInputElement).value);
    if (running) sendPlaying();
    renderOutputs();
  };
  for (const lever of LEVERS) {
    const budget = $<HTMLInputElement>(`budget-${lever}`);
    budget.oninput = renderOutputs;
    budget.onchange = () => leverChange(lever, { budget: Number(budget.value) });
    $<HTMLSelectElement>(`allocation-${lever}`).onchange = (e) => leverChange(lever, { allocation: (e.target as HTMLSelectElement).value as Allocation });
  }
  const registration = $<HTMLInputElement>('registration');
  registration.oninput = renderOutputs;
  registration.onchange = () => {
    const intensity = Number(registration.value);
    change(latest.map(() => ({ kind: 'registration', intensity })), `${word('registration', lang)} → ${intensity}`);
  };
  $('undo').onclick = undo;
  for (const f of SETUP) {
    const input = $<HTMLInputElement>(`setup-${f.key}`);
    input.oninput = () => {
      setup[f.key] = Number(input.value);
      renderOutputs();
    };
    input.onchange = () => {
      const path = 'path' in f ? f.path : null;
      if ((latest[0]?.tick ?? 0) === 0) reset();
      else if (path) change(latest.map(() => ({ kind: 'parameter', path, value: setup[f.key] })), `${f.label(lang)} → ${fmtNumber(setup[f.key])}`);
      else setupDirty = true;
      renderOutputs();
    };
  }
  $<HTMLSelectElement>('compare').onchange = (e) => {
    compare = ((e.target as HTMLSelectElement).value || null) as Allocation | null;
    reset();
  };
  $('save').onclick = () => send({ type: 'save' });
}

/** A lever change: the first world takes it as made; in the side-by-side view the second keeps its own allocation. */
function leverChange(lever: Lever, fields: { budget?: number; allocation?: Allocation }): void {
  const mine: ProgrammeChange = { kind: 'lever', lever, ...fields };
  const changes = latest.map((_, w) => {
    if (w === 0 || !compare) return mine;
    if (fields.budget === undefined) return null;
    return { kind: 'lever', lever, budget: fields.budget, allocation: compare } as ProgrammeChange;
  });
  const what = fields.budget !== undefined ? fmtNumber(fields.budget) : word(fields.allocation as Allocation, lang);
  change(changes, `${word(lever, lang)} → ${what}`);
}

/** The settings last put into the lever controls, so they are only touched when the programme changes them. */
let shownProgramme = '';

/** Puts the programme in force (for the next tick) into the lever controls. */
function syncProgramme(force = false): void {
  const frame = latest[0];
  if (!frame || !document.getElementById('registration')) return;
  const ivs = frame.interventions.map(withId);
  const levers = LEVERS.map((lever) => leverSetting(ivs, lever, frame.tick + 1));
  const registration = registrationSetting(ivs, frame.tick + 1);
  const key = JSON.stringify([levers, registration]);
  if (key === shownProgramme && !force) return;
  shownProgramme = key;
  LEVERS.forEach((lever, k) => {
    $<HTMLInputElement>(`budget-${lever}`).value = String(levers[k].budget);
    $<HTMLSelectElement>(`allocation-${lever}`).value = levers[k].allocation ?? 'uniform';
  });
  $<HTMLInputElement>('registration').value = String(registration);
  renderOutputs();
}

function renderOutputs(): void {
  $('speed-out').textContent = speed >= MAX_SPEED ? 'max' : String(speed);
  for (const lever of LEVERS) $(`budget-${lever}-out`).textContent = fmtNumber(Number($<HTMLInputElement>(`budget-${lever}`).value));
  $('registration-out').textContent = $<HTMLInputElement>('registration').value;
  for (const f of SETUP) $(`setup-${f.key}-out`).textContent = fmtNumber(setup[f.key]);
  $('setup-pending').textContent = setupDirty ? word('setupPending', lang) : '';
}

function renderButtons(): void {
  const play = $<HTMLButtonElement>('play');
  play.textContent = word(running ? 'pause' : 'play', lang);
  play.disabled = done;
  // Disabled while a tick is on its way, so a click is never silently dropped.
  $<HTMLButtonElement>('step').disabled = done || running || inFlight;
}

function renderTimeline(): void {
  const list = document.getElementById('timeline');
  if (!list) return;
  const now = latest[0]?.tick ?? 0;
  list.replaceChildren(
    ...(timeline.length === 0
      ? [el('li', { class: 'empty' }, word('noChanges', lang))]
      : timeline.map((e) =>
          el('li', { class: e.undone ? 'undone' : '' }, `${word('tick', lang)} ${e.tick}: ${e.text}${e.tick > now ? ` (${word('pending', lang)})` : ''}`),
        )),
  );
  $<HTMLButtonElement>('undo').disabled = !timeline.some((e) => !e.undone && !e.isUndo);
}

const VERDICTS: readonly string[] = ['widened', 'narrowed', 'unchanged'] satisfies Word[];

function verdictWord(v: string): string {
  return VERDICTS.includes(v) ? word(v as Word, lang) : v;
}

function renderStatus(): void {
  const parts = latest.map((f, w) => {
    const name = compare ? `${worldNames()[w]} — ` : '';
    return `${name}${term('dpd', lang)} ${fmtNumber(f.scopes.all.dpd)} · ${word('verdict', lang)}: ${verdictWord(f.summary.verdict)}`;
  });
  const tick = latest[0]?.tick ?? 0;
  $('status-tick').textContent = `${word('tick', lang)} ${tick} / ${setup.ticks}${summaries ? ` — ${word('finished', lang)}` : ''}`;
  $('status-verdict').replaceChildren(...parts.map((p) => el('div', {}, p)));
  renderButtons();
}

function renderPlace(p: number): void {
  const f = latest[mapWorld];
  const box = $('place-info');
  if (!f || p < 0) {
    box.textContent = word('clickPlace', lang);
    return;
  }
  const scenario = scenarioOf(0);
  const ringLabel = scenario.world.rings[map.ringOf(p)].label;
  const rows: [string, string][] = [
    [word('place', lang), `#${p} (${word('ring', lang)} ${ringLabel})`],
    [word('population', lang), fmtNumber(f.places.population[p])],
    ...PLACE_MEASURES.map((m) => [word(m, lang), fmtNumber(f.places[m][p])] as [string, string]),
    [tippingLabel(lang), f.places.tipped[p] ? '●' : '—'],
  ];
  box.replaceChildren(el('table', {}, ...rows.map(([k, v]) => el('tr', {}, el('th', {}, k), el('td', {}, v)))));
}

function renderMapControls(): void {
  const measure = el('select', { id: 'measure' });
  for (const m of PLACE_MEASURES) measure.append(el('option', { value: m }, word(m, lang)));
  measure.value = map.measure;
  const scale = el('select', { id: 'scale' }, el('option', { value: 'level' }, word('level', lang)), el('option', { value: 'change' }, word('changeSinceStart', lang)));
  scale.value = map.change ? 'change' : 'level';
  measure.onchange = scale.onchange = () => {
    map.setMeasure(measure.value as PlaceMeasure, scale.value === 'change');
    queueDraw();
  };
  const parts: HTMLElement[] = [
    el('h3', {}, `${word('map', lang)} · ${term('rings', lang)}`),
    labelled(word('colourBy', lang), measure),
    labelled(word('scale', lang), scale),
  ];
  if (compare) {
    const which = el('select', { id: 'map-world' }, el('option', { value: '0' }, 'A'), el('option', { value: '1' }, 'B'));
    which.value = String(mapWorld);
    which.onchange = () => {
      mapWorld = Number(which.value);
      if (latest[mapWorld]) map.show(latest[mapWorld]);
      queueDraw();
    };
    parts.push(labelled(word('mapWorld', lang), which));
  }
  $('map-controls').replaceChildren(...parts);
}

$('lang').onclick = () => {
  lang = lang === 'zh' ? 'en' : 'zh';
  renderControls();
  renderMapControls();
  renderPlace(map.selected);
  charts.relabel(lang, worldNames());
  queueDraw();
};

$('c-map').onclick = (e: MouseEvent) => {
  map.selected = map.placeAt(e.offsetX, e.offsetY);
  renderPlace(map.selected);
  queueDraw();
};
window.addEventListener('resize', queueDraw);

reset();
renderPlace(-1);
if (autoplay) {
  running = true;
  renderButtons();
  sendPlaying();
}

/** For lesson pages, tests and the benchmark: the tick shown, the numbers each chart shows, when each tick arrived, redraws per view. */
Object.assign(window, { urdPlay: { tick: () => latest[0]?.tick ?? 0, chartValues: () => charts.values(), arrivals: () => [...arrivals], redraws: () => ({ ...redraws }) } });
