/// <reference lib="webworker" />
import { installFdlibm } from './fdlibm.ts';
import type { FromWorker, ToWorker } from './protocol.ts';
import { PlaySession } from './session.ts';

/**
 * The page's Web Worker: owns the worlds and runs the model off the main thread, so the page
 * stays responsive however large the world. Bundled as a classic script (src/play/build.ts).
 */
declare const self: DedicatedWorkerGlobalScope;

// The browser's own Math.exp/log/sin/cos round differently from Node's in the last bit.
installFdlibm();

let sessions: PlaySession[] = [];
let run = 0;

type Untagged<T> = T extends unknown ? Omit<T, 'run'> : never;

function post(message: Untagged<FromWorker>): void {
  self.postMessage({ ...message, run });
}

function handle(message: ToWorker): void {
  switch (message.type) {
    case 'init':
      run = message.run;
      sessions = message.scenarios.map((s) => new PlaySession(s));
      post({ type: 'frames', frames: sessions.map((s) => s.latest), done: sessions[0].done });
      return;
    case 'step':
      for (let k = 0; k < message.ticks && !sessions[0].done; k++) post({ type: 'frames', frames: sessions.map((s) => s.step()), done: sessions[0].done });
      if (sessions[0].done) post({ type: 'summary', summaries: sessions.map((s) => s.summary()) });
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
    post({ type: 'error', message: (err as Error).message });
  }
};
