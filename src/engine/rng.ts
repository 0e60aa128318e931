import seedrandom from 'seedrandom';

/** Saved state of one alea stream (seedrandom's own format: three floats and a carry). */
export type StreamState = seedrandom.State.Alea;

/** A uniform [0,1) generator whose state can be saved and restored. */
export interface Stream {
  (): number;
  state(): StreamState;
}

/** The named random streams a run owns: one per stage, so extra draws in one never shift another. */
export const STREAM_NAMES = ['init', 'technology', 'capital', 'talent', 'diffusion', 'rights'] as const;
export type StreamName = (typeof STREAM_NAMES)[number];
export type Streams = Record<StreamName, Stream>;

/**
 * Returns one alea stream per stage, each seeded from the run seed and the stage name.
 * alea is used because it is fast (~100M draws/s) and its state is four numbers that a
 * checkpoint can store.
 */
export function createStreams(seed: number, saved?: Partial<Record<StreamName, StreamState>>): Streams {
  const out = {} as Streams;
  for (const name of STREAM_NAMES) {
    const state = saved?.[name];
    out[name] = seedrandom.alea(`urd:${seed}:${name}`, { state: state ?? true });
  }
  return out;
}

/** Saves every stream's state, for checkpoints. */
export function saveStreams(streams: Streams): Record<StreamName, StreamState> {
  const out = {} as Record<StreamName, StreamState>;
  for (const name of STREAM_NAMES) out[name] = streams[name].state();
  return out;
}

/** A standard normal draw (Box-Muller, one value per two uniforms; the second is discarded for simplicity of state). */
export function normal(rand: Stream): number {
  const u = 1 - rand();
  const v = rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
