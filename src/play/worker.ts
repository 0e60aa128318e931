/// <reference lib="webworker" />
import { installFdlibm } from '../engine/fdlibm.ts';
import type { FromWorker, ToWorker } from './protocol.ts';
import { PlaySession, type Frame } from './session.ts';

/**
 * The page's Web Worker: owns the worlds and runs the model off the main thread, so the page
 * stays responsive however large the world. It plays by itself at the chosen speed and the page
 * draws the newest state once per animation frame, so neither waits for the other; only when
 * the page falls {@link AHEAD} ticks behind does the worker wait for it. Bundled as a classic
 * script (src/play/build.ts).
 */
declare const self: DedicatedWorkerGlobalScope;

// The browser's own Math.exp/log/sin/cos round differently from Node's in the last bit.
installFdlibm();

/** Ticks the worker may run past the last frames the page confirmed: enough that drawing a frame never holds it up, few enough that a page that stops taking frames stops it. */
const AHEAD = 8;

let sessions: PlaySession[] = [];
let run = 0;
let playing = false;
/** Milliseconds between the starts of two ticks while playing (0: as fast as it goes). */
let interval = 0;
let nextStart = 0;
let received = 0;
let scheduled = false;

type Untagged<T> = T extends unknown ? Omit<T, 'run'> : never;

function post(message: Untagged<FromWorker>, transfer: Transferable[] = []): void {
  self.postMessage({ ...message, run }, transfer);
}

/** The place arrays are fresh copies each tick (PlaySession.record), so they move to the page instead of being copied. */
function postFrames(frames: Frame[]): void {
  const transfer = frames.flatMap((f) => Object.values(f.places).map((a) => a.buffer));
  post({ type: 'frames', frames, done: sessions[0].done }, transfer);
}

function stepAll(): void {
  postFrames(sessions.map((s) => s.step()));
  if (!sessions[0].done) return;
  playing = false;
  post({ type: 'summary', summaries: sessions.map((s) => s.summary()) });
}

// A zero-delay task without setTimeout's 4 ms clamp on nested timers (which would cost a fast world a quarter of its speed).
const soon = new MessageChannel();
soon.port1.onmessage = () => playTick();

/** Schedules the next tick of play when one is due and the page is not too far behind. */
function schedule(): void {
  if (scheduled || !playing || sessions[0].done || sessions[0].world.state.tick - received >= AHEAD) return;
  scheduled = true;
  const wait = nextStart - performance.now();
  if (wait > 0) setTimeout(playTick, wait);
  else soon.port2.postMessage(null);
}

function playTick(): void {
  scheduled = false;
  if (!playing || sessions[0].done || sessions[0].world.state.tick - received >= AHEAD) return;
  nextStart = performance.now() + interval;
  stepAll();
  schedule();
}

function handle(message: ToWorker): void {
  switch (message.type) {
    case 'init':
      run = message.run;
      playing = false;
      received = 0;
      sessions = message.scenarios.map((s) => new PlaySession(s));
      postFrames(sessions.map((s) => s.latest));
      return;
    case 'play':
      playing = true;
      interval = message.perSecond === null ? 0 : 1000 / message.perSecond;
      nextStart = Math.min(nextStart, performance.now() + interval);
      schedule();
      return;
    case 'pause':
      playing = false;
      return;
    case 'step':
      if (!sessions[0].done) stepAll();
      return;
    case 'received':
      received = Math.max(received, message.tick);
      schedule();
      return;
    case 'change':
      post({ type: 'changed', world: message.world, tick: sessions[message.world].change(message.change) });
      return;
    case 'cancel':
      post({ type: 'cancelled', ok: message.worlds.map((w) => sessions[w].cancelPending()).every(Boolean) });
      return;
    case 'save':
      post({ type: 'scenario', scenario: sessions[0].scenarioFile() });
  }
}

self.onmessage = (event: MessageEvent<ToWorker>) => {
  try {
    handle(event.data);
  } catch (err) {
    playing = false;
    post({ type: 'error', message: (err as Error).message });
  }
};
