/**
 * A places CSV (world.places.file) read into the columns of world.places.table. Every row is
 * checked here, so a problem names the CSV file, its line and its column; the schema checks the
 * resulting table once more. Rows may come in any order: they are sorted by level (stable), and
 * parents are given by id.
 */
import { parseCsvLine } from '../io/csv.ts';
import { InputError } from './inputError.ts';
import type { PlaceTable } from './schema.ts';

const REQUIRED = ['id', 'name', 'parent', 'level'] as const;
/** Optional numeric columns and their ranges (as in the ring fields they stand in for). */
const OPTIONAL: Record<'population' | 'tech' | 'capital' | 'rights', [number, number]> = {
  population: [0, 1e12],
  tech: [0, 2],
  capital: [0, 1000],
  rights: [0, 1],
};
/** Kilometres per degree of latitude, and of longitude at the equator (equirectangular projection). */
const KM_PER_DEGREE = 111.32;

interface Row {
  line: number;
  id: string;
  name: string;
  parent: string;
  level: number;
  a: number;
  b: number;
  extra: Partial<Record<keyof typeof OPTIONAL, number>>;
}

/**
 * Parses a places CSV: columns id, name, parent (an id, empty on level 0), level (the ring,
 * 0..levels−1), then x and y in distance units or lon and lat in degrees (projected around
 * their mean, `kmPerUnit` km per unit), and optionally population (relative start population
 * within the level), tech, capital, rights. `shown` names the file in errors.
 */
export function parsePlacesCsv(text: string, shown: string, kmPerUnit: number, levels: number): PlaceTable {
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const header = parseCsvLine(lines[0] ?? '').map((h) => h.trim());
  const fail = (line: number | null, column: string | null, expected: string): never => {
    throw new InputError(shown, column, line, expected);
  };
  const geographic = header.includes('lon') || header.includes('lat');
  const known = new Set<string>([...REQUIRED, ...(geographic ? ['lon', 'lat'] : ['x', 'y']), ...Object.keys(OPTIONAL)]);
  for (const c of [...REQUIRED, ...(geographic ? ['lon', 'lat'] : ['x', 'y'])]) {
    if (!header.includes(c)) fail(1, null, `expected a header with the columns id, name, parent, level, x and y (or lon and lat); "${c}" is missing`);
  }
  header.forEach((c) => void (known.has(c) || fail(1, c, `unknown column; expected ${[...known].join(', ')}`)));
  if (new Set(header).size !== header.length) fail(1, null, 'expected each column once');
  const col = (name: string) => header.indexOf(name);
  const [ca, cb] = geographic ? [col('lon'), col('lat')] : [col('x'), col('y')];
  const optional = (Object.keys(OPTIONAL) as (keyof typeof OPTIONAL)[]).filter((c) => header.includes(c));

  const num = (cell: string, line: number, column: string, lo: number, hi: number): number => {
    const v = cell.trim() === '' ? NaN : Number(cell);
    if (!Number.isFinite(v) || v < lo || v > hi) fail(line, column, `expected a number ${lo}..${hi}, got "${cell.slice(0, 40)}"`);
    return v;
  };
  const rows: Row[] = [];
  const seen = new Map<string, Row>();
  for (let i = 1; i < lines.length; i++) {
    const line = i + 1;
    const f = parseCsvLine(lines[i]);
    if (f.length !== header.length) fail(line, null, `expected ${header.length} fields, got ${f.length}`);
    const id = f[col('id')].trim();
    if (id === '') fail(line, 'id', 'expected an id');
    if (seen.has(id)) fail(line, 'id', `expected a unique id; "${id.slice(0, 40)}" is also on line ${seen.get(id)!.line}`);
    const level = num(f[col('level')], line, 'level', 0, levels - 1);
    if (!Number.isInteger(level)) fail(line, 'level', `expected a whole number 0..${levels - 1} (one level per ring)`);
    const row: Row = {
      line,
      id,
      name: f[col('name')].trim(),
      parent: f[col('parent')].trim(),
      level,
      a: num(f[ca], line, header[ca], geographic ? -180 : -1e6, geographic ? 180 : 1e6),
      b: num(f[cb], line, header[cb], geographic ? -90 : -1e6, geographic ? 90 : 1e6),
      extra: {},
    };
    for (const c of optional) row.extra[c] = num(f[col(c)], line, c, ...OPTIONAL[c]);
    rows.push(row);
    seen.set(id, row);
  }
  if (rows.length === 0) fail(null, null, 'expected at least one place after the header');
  for (const r of rows) {
    if (r.level === 0 && r.parent !== '') fail(r.line, 'parent', 'expected no parent on level 0 (the cores)');
    if (r.level > 0) {
      const p = seen.get(r.parent);
      if (!p) fail(r.line, 'parent', r.parent === '' ? 'expected the id of a parent place on a lower level' : `no place has the id "${r.parent.slice(0, 40)}"`);
      else if (p.level >= r.level) fail(r.line, 'parent', `expected a parent on a lower level than ${r.level}; "${p.id.slice(0, 40)}" is on level ${p.level}`);
    }
  }
  for (let l = 0; l < levels; l++) {
    if (!rows.some((r) => r.level === l)) fail(null, 'level', `expected places on every level 0..${levels - 1} (one per ring); level ${l} has none`);
  }

  const sorted = rows.map((r, k) => ({ r, k })).sort((u, v) => u.r.level - v.r.level || u.k - v.k).map((e) => e.r);
  const index = new Map(sorted.map((r, k) => [r.id, k]));
  let x = sorted.map((r) => r.a);
  let y = sorted.map((r) => r.b);
  if (geographic) {
    const lon0 = x.reduce((s, v) => s + v, 0) / x.length;
    const lat0 = y.reduce((s, v) => s + v, 0) / y.length;
    const cos = Math.cos((lat0 * Math.PI) / 180);
    x = x.map((lon) => ((lon - lon0) * cos * KM_PER_DEGREE) / kmPerUnit);
    y = y.map((lat) => ((lat - lat0) * KM_PER_DEGREE) / kmPerUnit);
  }
  const table: PlaceTable = {
    id: sorted.map((r) => r.id),
    name: sorted.map((r) => r.name),
    parent: sorted.map((r) => (r.level === 0 ? -1 : index.get(r.parent)!)),
    level: sorted.map((r) => r.level),
    x,
    y,
  };
  for (const c of optional) table[c] = sorted.map((r) => r.extra[c]!);
  return table;
}
