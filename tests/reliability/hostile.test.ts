import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { loadExperiment } from '../../src/experiments/load.ts';
import { safeText } from '../../src/io/text.ts';
import { InputError, loadScenario, MAX_FILE_BYTES } from '../../src/scenario/load.ts';
import { LIMITS } from '../../src/scenario/schema.ts';
import { envCount, noStack, ROOT, tempDir, urd } from './helpers.ts';
import { reportTally } from './tally.ts';

/**
 * Hostile input. The scenario and experiment loaders are fed random mutations of the stock
 * files (wrong types, missing fields, huge / negative / fractional / non-finite numbers, deep
 * nesting, unknown fields, random bytes, truncations) and a list of hand-made hostile files
 * (10 MB, not UTF-8, alias bombs, devices, cycles, prototype keys). Every case must either load
 * or throw an InputError with a one-line message; any other exception fails. A dozen of them
 * go through the real CLI, which must exit 2 with one line on stderr and no stack trace.
 */
const CASES = envCount('URD_FUZZ_CASES', 300);
const scratch = tempDir('urd-hostile-');
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

// Stock files, copied with the layout experiments expect (experiments/x.yaml → ../scenarios/baseline.yaml).
mkdirSync(join(scratch, 'scenarios'));
mkdirSync(join(scratch, 'experiments'));
copyFileSync(join(ROOT, 'scenarios', 'baseline.yaml'), join(scratch, 'scenarios', 'baseline.yaml'));
const BASELINE_TEXT = readFileSync(join(ROOT, 'scenarios', 'baseline.yaml'), 'utf8');
const EXPERIMENT_PATH = join(ROOT, 'experiments', 'quick.yaml');
const EXPERIMENT_TEXT = existsSync(EXPERIMENT_PATH) ? readFileSync(EXPERIMENT_PATH, 'utf8') : null;

let counter = 0;
/** Writes bytes to a fresh file next to the stock copies and returns its path. */
function file(bytes: string | Uint8Array, folder: 'scenarios' | 'experiments' = 'scenarios', ext = 'yaml'): string {
  const path = join(scratch, folder, `case-${counter++}.${ext}`);
  writeFileSync(path, bytes);
  return path;
}

/** Tally of outcomes, reported in the test output and in docs/reliability.md. */
const tally = { scenario: { loaded: 0, refused: 0 }, experiment: { loaded: 0, refused: 0 }, set: { loaded: 0, refused: 0 }, fixed: 0, cli: 0 };
afterAll(() => {
  console.info(`hostile input: ${JSON.stringify(tally)}`);
  reportTally('hostile', { fuzzCases: CASES }, tally);
});

/** Runs a loader on a file: it must return or throw an InputError whose every line is one error naming the file. */
function mustLoadOrRefuse(load: (path: string) => unknown, path: string, kind: 'scenario' | 'experiment'): InputError | null {
  try {
    load(path);
    tally[kind].loaded++;
    return null;
  } catch (err) {
    if (!(err instanceof InputError)) {
      throw new Error(`${kind} loader threw ${(err as Error)?.constructor?.name}: ${(err as Error)?.message}\n--- input (first 400 bytes):\n${readFileSync(path).subarray(0, 400).toString('latin1')}`);
    }
    // All the errors of a file, one per line (issue 15), each naming its file (or --set); every
    // message clips and escapes what it echoes (InputError does it for every loader).
    for (const line of err.message.split('\n')) {
      // The file as a message shows it: escaped and clipped (a mutated `base:` may be 5,000 characters long).
      expect(line.startsWith(safeText(err.file, 300)) || line.startsWith('--set'), line.slice(0, 200)).toBe(true);
      expect(line.length).toBeLessThan(1200);
      expect(line).not.toMatch(/[\x00-\x1f\x7f]/);
    }
    tally[kind].refused++;
    return err;
  }
}

// ---------------------------------------------------------------- mutations

type Tree = Record<string, unknown> | unknown[];

/** Every path to a value in a parsed document (objects and arrays included). */
function paths(value: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(prefix);
  if (prefix.length > 40) return out;
  if (Array.isArray(value)) value.forEach((v, i) => paths(v, [...prefix, i], out));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) paths(v, [...prefix, k], out);
  return out;
}

function nest(depth: number, leaf: unknown): unknown {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { k: v };
  return v;
}

/** Values that are wrong in some way for most fields. */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(1e12, -1, -1e9, 0, 0.5, 1.5, 1e-9, 2 ** 53 + 1, Number.MAX_VALUE, -Number.MAX_VALUE, 1e300, Infinity, -Infinity, NaN),
  fc.constantFrom('', 'x', 'yes', '1e3', 'null', '../../../../etc/passwd', '__proto__', 'é'.repeat(5000), '\u0000', '$(rm -rf /)'),
  fc.constantFrom(null, true, false, [], {}, [1, 2, 3], { a: 1 }, [[[[]]]]),
  fc.integer({ min: 0, max: 6000 }).map((d) => nest(d, 1)),
  fc.double(),
  fc.integer(),
  fc.string(),
);

/** A structured mutation of a parsed document: set a value, delete a field, add an unknown field, or repeat a layer. */
const mutation = fc.record({
  op: fc.constantFrom('set', 'set', 'set', 'delete', 'add', 'proto'),
  at: fc.nat(),
  value: hostileValue,
  key: fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor', 'prototype', 'extends', '$schema', '<<', 'residents', 'ticks')),
});

function mutate(doc: Tree, muts: { op: string; at: number; value: unknown; key: string }[]): unknown {
  const root = structuredClone(doc) as Record<string, unknown>;
  for (const m of muts) {
    const all = paths(root);
    const path = all[m.at % all.length];
    if (path.length === 0) continue;
    const parent = path.slice(0, -1).reduce<unknown>((v, k) => (v as Record<string, unknown>)[k as string], root) as Record<string, unknown>;
    const key = path[path.length - 1] as string;
    if (m.op === 'set') parent[key] = m.value;
    else if (m.op === 'delete') {
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete parent[key];
    } else if (m.op === 'add' && !Array.isArray(parent)) parent[m.key] = m.value;
    else if (m.op === 'proto' && !Array.isArray(parent)) Object.defineProperty(parent, '__proto__', { value: m.value, enumerable: true, writable: true, configurable: true });
  }
  return root;
}

/** Serializes a mutated document as YAML (non-finite numbers as .inf/.nan) or JSON (where it can). */
function serialize(data: unknown, asJson: boolean): string {
  if (asJson) {
    try {
      const text = JSON.stringify(data);
      if (text !== undefined) return text;
    } catch {
      // too deep for JSON.stringify: fall back to YAML
    }
  }
  try {
    return stringifyYaml(data, { aliasDuplicateObjects: false });
  } catch {
    return 'name: [unserializable';
  }
}

/** A byte-level mutation of a text: flip, insert, delete, duplicate or truncate. */
const byteEdit = fc.record({
  op: fc.constantFrom('flip', 'insert', 'delete', 'duplicate', 'truncate', 'invalid-utf8'),
  at: fc.nat(),
  len: fc.integer({ min: 1, max: 64 }),
  bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }),
});

function editBytes(text: string, edits: { op: string; at: number; len: number; bytes: Uint8Array }[]): Buffer {
  let buf = Buffer.from(text, 'utf8');
  for (const e of edits) {
    const at = buf.length ? e.at % buf.length : 0;
    const parts = [buf.subarray(0, at), buf.subarray(at)];
    if (e.op === 'flip' && buf.length) buf[at] ^= e.bytes[0] || 1;
    else if (e.op === 'insert') buf = Buffer.concat([parts[0], Buffer.from(e.bytes), parts[1]]);
    else if (e.op === 'delete') buf = Buffer.concat([parts[0], buf.subarray(at + e.len)]);
    else if (e.op === 'duplicate') buf = Buffer.concat([parts[0], buf.subarray(at, at + e.len), parts[1]]);
    else if (e.op === 'truncate') buf = buf.subarray(0, at);
    else if (e.op === 'invalid-utf8') buf = Buffer.concat([parts[0], Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0xed, 0xa0, 0x80]), parts[1]]);
  }
  return buf;
}

// ---------------------------------------------------------------- scenario loader

describe('the scenario loader under random mutations of scenarios/baseline.yaml', () => {
  const base = parseYaml(BASELINE_TEXT) as Tree;

  it(`structured mutations (${CASES} cases): wrong types, missing and unknown fields, huge, negative, fractional, non-finite numbers, deep nesting`, () => {
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), fc.boolean(), (muts, asJson) => {
        mustLoadOrRefuse(loadScenario, file(serialize(mutate(base, muts), asJson), 'scenarios', asJson ? 'json' : 'yaml'), 'scenario');
      }),
      { numRuns: CASES },
    );
  });

  it(`byte-level mutations (${CASES} cases): flipped, inserted, deleted, duplicated bytes, truncation, invalid UTF-8`, () => {
    fc.assert(
      fc.property(fc.array(byteEdit, { minLength: 1, maxLength: 6 }), (edits) => {
        mustLoadOrRefuse(loadScenario, file(editBytes(BASELINE_TEXT, edits)), 'scenario');
      }),
      { numRuns: CASES },
    );
  });

  it('command-line overrides: --set with hostile paths and values never reach a prototype', () => {
    const valid = file(BASELINE_TEXT);
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.constantFrom('__proto__.polluted', 'constructor.prototype.polluted', 'world.__proto__.x', 'a..b', '.', 'world.residents', 'interventions.99999.budget')), fc.string(), (path, value) => {
        try {
          loadScenario(valid, { set: [`${path}=${value}`] });
          tally.set.loaded++;
        } catch (err) {
          if (!(err instanceof InputError)) throw err;
          tally.set.refused++;
        }
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        expect(({} as Record<string, unknown>).x).toBeUndefined();
      }),
      { numRuns: CASES },
    );
  });
});

// ---------------------------------------------------------------- experiment loader

describe.skipIf(EXPERIMENT_TEXT === null)('the experiment loader under random mutations of experiments/quick.yaml', () => {
  const base = EXPERIMENT_TEXT ? (parseYaml(EXPERIMENT_TEXT) as Tree) : {};
  const cases = Math.max(20, Math.round(CASES / 3));

  it(`structured mutations (${cases} cases)`, () => {
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), fc.boolean(), (muts, asJson) => {
        mustLoadOrRefuse(loadExperiment, file(serialize(mutate(base, muts), asJson), 'experiments', asJson ? 'json' : 'yaml'), 'experiment');
      }),
      { numRuns: cases },
    );
  }, 120_000);

  it(`byte-level mutations (${cases} cases)`, () => {
    fc.assert(
      fc.property(fc.array(byteEdit, { minLength: 1, maxLength: 6 }), (edits) => {
        mustLoadOrRefuse(loadExperiment, file(editBytes(EXPERIMENT_TEXT as string, edits), 'experiments'), 'experiment');
      }),
      { numRuns: cases },
    );
  }, 120_000);
});

// ---------------------------------------------------------------- hand-made hostile files

/** Hostile scenario files, each with the refusal its message must contain. */
function fixedCases(): [string, string, RegExp][] {
  const big = Buffer.alloc(10 * 1024 * 1024, 'x');
  big.write('name: x\n# ');
  const bomb = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < 9; i++) bomb.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
  const fifo = join(scratch, 'scenarios', 'fifo.yaml');
  try {
    execFileSync('mkfifo', [fifo]);
  } catch {
    // no mkfifo here: the case below then reads a missing file
  }
  return [
    ['10 MB file', file(big), new RegExp(`is ${big.length} bytes; expected at most ${MAX_FILE_BYTES}`)],
    ['1 MiB + 1 byte', file(Buffer.alloc(MAX_FILE_BYTES + 1, ' ')), /expected at most 1048576/],
    ['Latin-1 bytes', file(Buffer.from('name: caf\xe9\n', 'latin1')), /not valid UTF-8/],
    ['UTF-16 with a byte-order mark', file(Buffer.from('\ufeffname: x\n', 'utf16le')), /not valid UTF-8/],
    ['an encoded surrogate (CESU-8)', file(Buffer.from([0x6e, 0x3a, 0x20, 0xed, 0xa0, 0xbd, 0x0a])), /not valid UTF-8/],
    ['an overlong encoding', file(Buffer.from([0x6e, 0x3a, 0x20, 0xc0, 0xaf, 0x0a])), /not valid UTF-8/],
    ['100,000 nested flow brackets', file(`world: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`), /nested more than 32 levels deep/],
    ['200,000 nested JSON objects', file('{"a":'.repeat(200_000) + '1' + '}'.repeat(200_000), 'scenarios', 'json'), /nested more than 32 levels deep|expected at most/],
    ['40 nested block mappings', file(Array.from({ length: 40 }, (_, i) => `${'  '.repeat(i)}k${i}:`).join('\n') + ' 1\n'), /nested more than 32 levels deep/],
    ['a YAML alias bomb (9^9 strings)', file(bomb.join('\n') + '\n'), /too many YAML aliases/],
    ['residents: 1e12', file('world: { residents: 1e12 }\n'), new RegExp(`world\\.residents: expected a value ≤ ${LIMITS.maxResidents}, got 1000000000000`)],
    ['residents: 10^30', file('world: { residents: 1000000000000000000000000000000 }\n'), new RegExp(`expected a value ≤ ${LIMITS.maxResidents}`)],
    ['residents: -5', file('world: { residents: -5 }\n'), /expected a value ≥ 1, got -5/],
    ['residents: 2.5', file('world: { residents: 2.5 }\n'), /expected int, got 2\.5/],
    ['ticks: .inf', file('ticks: .inf\n'), /ticks: expected number, got Infinity/],
    ['ticks: .nan', file('ticks: .nan\n'), /ticks: expected number, got NaN/],
    ['ticks beyond the limit', file(`ticks: ${LIMITS.maxTicks + 1}\n`), new RegExp(`expected a value ≤ ${LIMITS.maxTicks}`)],
    ['too many places', file(`world: { rings: [{ label: a, count: ${LIMITS.maxPlaces}, radius: 1, class: urban }, { label: b, count: 1, radius: 2, class: rural }] }\n`), /places in all; expected at most/],
    ['an information field too dense to allocate', file('world: { rings: [{ label: a, count: 1, radius: 0, class: urban }, { label: b, count: 19999, radius: 3, class: rural }] }\n'), /link more than .* pairs in the information field/],
    ['too many interventions', file(`interventions: [${Array(LIMITS.maxInterventions + 1).fill('{ lever: policy, instrument: broadband, budget: 1 }').join(', ')}]\n`), /interventions: expected a value ≤ 500/],
    ['a list at the top', file('- 1\n- 2\n'), /expected a mapping of fields/],
    ['an empty file', file(''), /expected a mapping of fields/],
    ['two documents', file('name: a\n---\nname: b\n'), /not valid YAML\/JSON/],
    ['a duplicate key', file('ticks: 3\nticks: 4\n'), /not valid YAML\/JSON: Map keys must be unique/],
    ['a binary tag', file('name: !!binary aGVsbG8=\n'), /name: expected string/],
    ['an unknown tag', file('name: !shell rm -rf\n'), /not valid YAML\/JSON: Unresolved tag: !shell/],
    ['an unknown directive', file('%FOO bar\n---\nname: x\n'), /not valid YAML\/JSON/],
    ['__proto__ at the top', file('__proto__: { polluted: 1 }\n'), /unknown field "__proto__"/],
    ['an unknown field', file('wrold: { residents: 5 }\n'), /unknown field "wrold"/],
    ['extends a missing file', file('extends: nowhere.yaml\n'), /extends: file .*nowhere\.yaml not found/],
    ['extends itself', (() => {
      const p = join(scratch, 'scenarios', 'self.yaml');
      writeFileSync(p, 'extends: self.yaml\n');
      return p;
    })(), /extends cycle/],
    ['extends /dev/zero (never ends): not a scenario file, not read', file('extends: /dev/zero\n'), /extends: expected the path of a scenario file \(\.yaml, \.yml or \.json\), got \/dev\/zero; it was not read/],
    ['extends a link zero.yaml to /dev/zero', (() => {
      const p = join(scratch, 'scenarios', 'zero.yaml');
      symlinkSync('/dev/zero', p);
      return file('extends: zero.yaml\n');
    })(), /zero\.yaml: is not a regular file/],
    ['extends a password file: refused unread, nothing of it echoed', file('extends: /etc/passwd\n'), /^(?!.*root:).*it was not read$/],
    ['extends a symbolic link loop', (() => {
      const p = join(scratch, 'scenarios', 'loop.yaml');
      symlinkSync(p, p);
      return file('extends: loop.yaml\n');
    })(), /extends: file .*loop\.yaml is a symbolic link that loops/],
    ['extends a FIFO (would block)', file(`extends: ${fifo}\n`), /is not a regular file|not found/],
    ['extends /proc/self/mem: not a scenario file, not read', file('extends: /proc/self/mem\n'), /it was not read/],
    ['extends a folder', (() => {
      mkdirSync(join(scratch, 'scenarios', 'folder.yaml'), { recursive: true });
      return file('extends: folder.yaml\n');
    })(), /is a folder/],
    ['a folder as the scenario', join(scratch, 'scenarios'), /is a folder/],
    ['world: !!omap (would drop every setting)', file('world: !!omap [residents: 5]\n'), /:1: !!omap is not read by urd; expected a plain mapping/],
    ['interventions: !!set', file('ticks: 3\ninterventions: !!set { a }\n'), /:2: !!set is not read by urd/],
    ['!!pairs at the top', file('!!pairs [ticks: 3]\n'), /!!pairs is not read by urd/],
    ['a world with no rural ring', file('world: { rings: [{ label: a, count: 1, radius: 0, class: urban }, { label: b, count: 3, radius: 1, class: urban }] }\n'), /world\.rings: no rural residents at the start .*the urban-rural gap is undefined/],
    ['rural rings all with popShare 0', file('world: { rings: [{ label: a, count: 1, radius: 0, class: urban, popShare: 1 }, { label: b, count: 3, radius: 1, class: rural, popShare: 0 }] }\n'), /no rural residents at the start/],
    ['a world with no urban ring', file('world: { rings: [{ label: a, count: 1, radius: 0, class: rural }, { label: b, count: 3, radius: 1, class: rural }] }\n'), /no urban residents at the start/],
    ['name: ".." (would put the run outside outputs/)', file('name: ".."\n'), /name: .*not only dots/],
    ['an escape sequence in a field name', file('wr\x1b]0;owned\x07old: 1\n'), /^[^\x00-\x1f]*: wr\\x1b\]0;owned\\x07old: unknown field "wr\\u001b\]0;owned\\u0007old"[^\x00-\x1f]*$/],
    ['a 900 KB field name', file(`${'k'.repeat(900_000)}: 1\n`), /^.{1,1000}$/],
  ];
}

describe('hand-made hostile scenario files', () => {
  it('are each refused with an InputError that says what is wrong', () => {
    for (const [what, path, expected] of fixedCases()) {
      const err = mustLoadOrRefuse(loadScenario, path, 'scenario');
      expect(err, what).toBeInstanceOf(InputError);
      expect((err as InputError).message, what).toMatch(expected);
      tally.fixed++;
    }
  }, 60_000);
});

describe('hostile --set paths and experiment keys', () => {
  const baseline = join(scratch, 'scenarios', 'baseline.yaml');
  it('list indices are checked before anything is allocated: out of range, negative or malformed is refused', () => {
    for (const [set, expected] of [
      ['world.rings.99999999.tech=1', /world\.rings has 4 entries; expected an index from 0 to 4, got "99999999"/],
      ['world.rings.-1.tech=1', /expected an index from 0 to 4, got "-1"/],
      ['world.rings.01.tech=1', /got "01"/],
      ['world.rings.x=1', /got "x"/],
      ['interventions.5.budget=1', /interventions has 0 entries; expected an index from 0 to 0, got "5"/],
    ] as const) {
      const err = mustLoadOrRefuse((p) => loadScenario(p, { set: [set] }), baseline, 'scenario');
      expect(err, set).toBeInstanceOf(InputError);
      expect((err as InputError).message, set).toMatch(expected);
    }
    expect(loadScenario(baseline, { set: ['world.rings.3.tech=0.1'] }).world.rings[3].tech).toBe(0.1);
  });

  it('a --set value that is a !!omap is refused, not dropped', () => {
    expect(() => loadScenario(baseline, { set: ['world=!!omap [residents: 5]'] })).toThrow(/!!omap is not read by urd/);
  });

  it.skipIf(EXPERIMENT_TEXT === null)('an experiment with __proto__ under parameters or set is refused by name', () => {
    for (const block of ['parameters:\n  __proto__: [1, 2]\n', 'set:\n  __proto__: { x: 1 }\n', 'parameters:\n  constructor: [1, 2]\n']) {
      const text = (EXPERIMENT_TEXT as string).replace(/^(parameters|set):.*(\n  .*)*\n/gm, '') + block;
      const err = mustLoadOrRefuse(loadExperiment, file(text, 'experiments'), 'experiment');
      expect(err, block).toBeInstanceOf(InputError);
      expect((err as InputError).message, block).toMatch(/(parameters|set)\.(__proto__|constructor): "(__proto__|constructor)" is not a scenario field/);
    }
  });
});

describe('the CLI on hostile input', () => {
  it('exits 2 with exactly one line on stderr and no stack trace', () => {
    const cases: [string, string[]][] = [
      ['10 MB file', ['validate', file(Buffer.alloc(10 * 1024 * 1024, '#'))]],
      ['not UTF-8', ['validate', file(Buffer.from([0x6e, 0x3a, 0x20, 0xff, 0x0a]))]],
      ['deep nesting', ['validate', file(`world: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`)]],
      ['alias bomb', ['validate', file(['a: &a [x,x,x,x,x,x,x,x,x]', 'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]', 'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]', 'd: [*c,*c,*c,*c,*c,*c,*c,*c,*c]'].join('\n'))]],
      ['residents 1e12 (refused before allocating)', ['run', file('world: { residents: 1e12 }\n'), '--out', join(scratch, 'never')]],
      ['negative count', ['validate', file('world: { rings: [{ label: a, count: -3, class: urban }, { label: b, count: 2, class: rural }] }\n')]],
      ['fractional ticks', ['run', file('ticks: 2.5\n'), '--out', join(scratch, 'never')]],
      ['wrong type', ['validate', file('world: { residents: many }\n')]],
      ['missing required field', ['validate', file('interventions: [{ instrument: broadband, budget: 1 }]\n')]],
      ['extends /dev/zero', ['validate', file('extends: /dev/zero\n')]],
      ['run --set __proto__', ['run', file('name: x\n'), '--set', '__proto__.polluted=1', '--out', join(scratch, 'never')]],
      ['bad --ticks', ['run', file('name: x\n'), '--ticks', '1e9', '--out', join(scratch, 'never')]],
    ];
    if (EXPERIMENT_TEXT) {
      cases.push(['experiment with a huge replication count', ['sweep', file(EXPERIMENT_TEXT.replace(/^replications: .*$/m, 'replications: 1e12'), 'experiments'), '--out', join(scratch, 'never')]]);
      cases.push(['experiment not UTF-8', ['sweep', file(Buffer.concat([Buffer.from(EXPERIMENT_TEXT), Buffer.from([0xff])]), 'experiments'), '--out', join(scratch, 'never')]]);
    }
    for (const [what, args] of cases) {
      const r = urd(args);
      expect(r.code, `${what}: ${r.stderr}`).toBe(2);
      expect(r.stderr.trimEnd().split('\n'), `${what}: ${r.stderr}`).toHaveLength(1);
      expect(r.stderr, what).toMatch(/^urd: /);
      expect(noStack(r.stderr), what).toBe(true);
      expect(existsSync(join(scratch, 'never')), what).toBe(false);
      tally.cli++;
    }
  }, 120_000);
});
