/**
 * The look of every chart: the Okabe-Ito palette (safe for the common forms of colour
 * blindness), a viridis ramp for continuous values, projector-sized fonts, and number
 * formatting. One place, so every picture in a report reads the same way.
 */
import { readable } from '../i18n/format.ts';

/** Okabe & Ito (2008) colour-universal-design palette. */
export const OKABE_ITO = {
  black: '#000000',
  orange: '#E69F00',
  sky: '#56B4E9',
  green: '#009E73',
  yellow: '#F0E442',
  blue: '#0072B2',
  vermillion: '#D55E00',
  purple: '#CC79A7',
  grey: '#999999',
} as const;

/** Colours for a sequence of unrelated series (scenarios, programmes, ticks), in order. */
export const SERIES_COLOURS = [
  OKABE_ITO.blue,
  OKABE_ITO.orange,
  OKABE_ITO.green,
  OKABE_ITO.black,
  OKABE_ITO.sky,
  OKABE_ITO.vermillion,
  OKABE_ITO.purple,
  OKABE_ITO.yellow,
] as const;
// The first five avoid the two Okabe-Ito pairs that come close under deuteranopia
// (orange–vermillion, green–purple); tests/report/colour.test.ts simulates it.

/** Dash patterns that back up colour, so series stay apart in greyscale too. */
export const DASHES: readonly number[][] = [[], [16, 6], [3, 5], [14, 5, 3, 5], [14, 4, 3, 4, 3, 4], [7, 5]];

/** Colour of series number i (cycles). */
export function seriesColour(i: number): string {
  return SERIES_COLOURS[i % SERIES_COLOURS.length];
}

/** The two institutional classes. */
export const CLASS_COLOURS = { urban: OKABE_ITO.blue, rural: OKABE_ITO.orange } as const;

/** One colour per stage of the chain, and the same colour for the lever acting on it. */
export const STAGE_COLOURS: Record<string, string> = {
  technology: OKABE_ITO.blue,
  capital: OKABE_ITO.orange,
  talent: OKABE_ITO.green,
  production: OKABE_ITO.black,
  rights: OKABE_ITO.sky,
  policy: OKABE_ITO.blue,
  industry: OKABE_ITO.black,
};

/** One dash per stage (and its lever), so no two stages share a line style. */
export const STAGE_DASHES: Record<string, number[]> = {
  technology: DASHES[0],
  capital: DASHES[1],
  talent: DASHES[2],
  production: DASHES[3],
  rights: DASHES[4],
  policy: DASHES[0],
  industry: DASHES[3],
};

/** Divide levels 0 (no access) to 3 (outcomes): grey, then lighter to stronger blues, then orange. */
export const LEVEL_COLOURS = ['#BBBBBB', OKABE_ITO.sky, OKABE_ITO.blue, OKABE_ITO.orange] as const;


/** The CJK font the setup installs on Debian; charts register it so Chinese labels are drawn, not boxes. */
export const CJK_FONT = { path: '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc', family: 'WenQuanYi Micro Hei' } as const;

/** Font family of the charts: DejaVu (ships with fontconfig on Debian) for Latin, then the CJK font. */
export const FONT_FAMILY = `'DejaVu Sans', '${CJK_FONT.family}', 'Helvetica Neue', Arial, sans-serif`;

/** Font sizes in pixels for a 1280×720 chart seen from the back of a classroom. */
export const FONT = { title: 30, subtitle: 20, axisTitle: 21, tick: 18, legend: 19, note: 17 } as const;

/** Default chart size: 16:9, what a projector shows. */
export const DEFAULT_SIZE = { width: 1280, height: 720 } as const;

/** Text colour and grid colour. */
export const INK = '#222222';
export const GRID = 'rgba(0,0,0,0.12)';

/** `#RRGGBB` with an alpha, as rgba(). */
export function withAlpha(hex: string, alpha: number): string {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255},${(n >> 8) & 255},${n & 255},${alpha})`;
}

/** Viridis at 9 stops (perceptually uniform, colour-blind safe, readable in greyscale). */
const VIRIDIS = [
  [68, 1, 84],
  [71, 45, 123],
  [59, 82, 139],
  [44, 114, 142],
  [33, 145, 140],
  [39, 173, 129],
  [92, 200, 99],
  [170, 220, 50],
  [253, 231, 37],
] as const;

/** Diverging ramp blue → near-white → vermillion, built from Okabe-Ito ends (for values around 0). */
const DIVERGING = [
  [0, 114, 178],
  [120, 176, 214],
  [247, 247, 247],
  [236, 160, 110],
  [213, 94, 0],
] as const;

function ramp(stops: readonly (readonly number[])[], t: number): string {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  const c = stops[i].map((v, k) => Math.round(v + f * (stops[i + 1][k] - v)));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

/** Viridis colour at t in [0, 1]. */
export function viridis(t: number): string {
  return ramp(VIRIDIS, t);
}

/** Diverging colour at t in [0, 1], 0.5 being the neutral middle. */
export function diverging(t: number): string {
  return ramp(DIVERGING, t);
}

/** Text colour (black or white) readable on a ramp colour `rgb(r,g,b)`. */
export function inkOn(rgb: string): string {
  const [r, g, b] = (rgb.match(/\d+/g) ?? ['0', '0', '0']).map(Number);
  return 0.299 * r + 0.587 * g + 0.114 * b > 140 ? INK : '#FFFFFF';
}

/** A number for a label: 4 significant digits, thousands grouped, noise below 1e-9 of `scale` as 0. */
export function fmtNumber(v: number, digits = 4, scale?: number): string {
  return readable(v, { digits, scale });
}

/** A share in [0, 1] as a percentage. */
export function fmtPercent(v: number, digits = 1): string {
  return Number.isFinite(v) ? `${(100 * v).toFixed(digits)}%` : 'n/a';
}
