import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { OutputError } from '../../src/io/atomic.ts';
import {
  checkOutPath,
  commitStaged,
  discardStaging,
  discardUnstarted,
  findLink,
  isStaging,
  MAX_META_BYTES,
  openPlannedFolder,
  prepareOutput,
  readFolderJson,
  readFolderText,
  refuseLinks,
  settleSwap,
  STAGING_MARK,
  stagedTarget,
  stagingDir,
  SWAP_STEPS,
  type SwapStep,
} from '../../src/io/outputFolder.ts';
import { InputError } from '../../src/scenario/load.ts';
import { tempDir } from '../support.ts';

/** A folder's files and their text, recursively: what must not change when a folder is refused. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const p = join(e.parentPath, e.name);
    out[p.slice(dir.length)] = e.isFile() ? readFileSync(p, 'utf8') : e.isDirectory() ? '<dir>' : '<other>';
  }
  return out;
}

/** A run folder as urd leaves it: a manifest (complete or not) and a result file carrying `tag`. */
function runFolder(dir: string, tag: string, complete = true, extra: string[] = []): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ complete, scenarioHash: 'h' }));
  writeFileSync(join(dir, 'metrics.csv'), tag);
  for (const f of extra) writeFileSync(join(dir, f), '');
  return dir;
}

function refused(f: () => unknown, pattern: RegExp): void {
  let error: unknown;
  try {
    f();
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(InputError);
  expect((error as Error).message).toMatch(pattern);
}

let stderr = vi.spyOn(process.stderr, 'write');
beforeEach(() => {
  stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
// Also when a test fails half-way (as under a mutant), no mock outlives it.
afterEach(() => vi.restoreAllMocks());

describe('checkOutPath', () => {
  it('refuses an empty path, the root and the working folder or a parent of it, also through a link', () => {
    refused(() => checkOutPath(''), /^urd: --out: expected a folder path, got an empty string$/);
    refused(() => checkOutPath('  ', '--dir'), /--dir: expected a folder path/);
    refused(() => checkOutPath('/'), /^urd: --out: \/ is the root of the file system/);
    refused(() => checkOutPath('.'), /^urd: --out: \. is the working folder \(or holds it\)/);
    refused(() => checkOutPath('..'), /is the working folder/);
    const root = tempDir();
    symlinkSync(process.cwd(), join(root, 'here'));
    refused(() => checkOutPath(join(root, 'here')), /is the working folder/);
    symlinkSync('/', join(root, 'top'));
    refused(() => checkOutPath(join(root, 'top')), /is the root of the file system/);
  });

  it('accepts a new folder, one beside the working folder whose name starts the same, and a subfolder', () => {
    expect(() => checkOutPath(join(tempDir(), 'new'))).not.toThrow();
    expect(() => checkOutPath(process.cwd() + 'x')).not.toThrow();
    expect(() => checkOutPath('outputs/mine')).not.toThrow();
    // A folder whose path is a prefix of the working folder's, but not a parent of it.
    const root = tempDir();
    mkdirSync(join(root, 'abc'));
    vi.spyOn(process, 'cwd').mockReturnValue(join(root, 'abc'));
    expect(() => checkOutPath(join(root, 'ab'))).not.toThrow();
    refused(() => checkOutPath(root), /is the working folder \(or holds it\)/);
  });
});

describe('links in an output folder', () => {
  it('findLink looks into subfolders to the depth given; refuseLinks names the link', () => {
    const root = tempDir();
    mkdirSync(join(root, 'a', 'b', 'c'), { recursive: true });
    writeFileSync(join(root, 'a', 'f'), '');
    expect(findLink(root)).toBeNull();
    expect(findLink(join(root, 'missing'))).toBeNull();
    symlinkSync('/etc/passwd', join(root, 'a', 'b', 'c', 'l'));
    expect(findLink(root)).toBeNull();
    expect(findLink(root, 3)).toBe(join(root, 'a', 'b', 'c', 'l'));
    symlinkSync('/nowhere', join(root, 'a', 'b', 'dangling'));
    expect(findLink(root)).toBe(join(root, 'a', 'b', 'dangling'));
    expect(findLink(root, 1)).toBeNull();
    refused(() => refuseLinks(root), /dangling: is a symbolic link; urd never writes through links/);
    // Found behind any number of subfolders without links, whatever order they are listed in.
    const wide = tempDir();
    mkdirSync(join(wide, 'linked'));
    symlinkSync('/etc', join(wide, 'linked', 'l'));
    for (let i = 0; i < 20; i++) mkdirSync(join(wide, `clean${i}`));
    expect(findLink(wide)).toBe(join(wide, 'linked', 'l'));
    expect(() => refuseLinks(root, 1)).not.toThrow();
  });
});

describe('reading small files of an output folder', () => {
  it('reads regular files; refuses others, naming the file and the reason; bad JSON is bad input', () => {
    const root = tempDir();
    writeFileSync(join(root, 'm.json'), '{"a": [1]}');
    expect(readFolderText(join(root, 'm.json'))).toBe('{"a": [1]}');
    expect(readFolderJson(join(root, 'm.json'), 'manifest')).toEqual({ a: [1] });
    refused(() => readFolderText(join(root, 'missing')), /missing: file not found/);
    refused(() => readFolderText('/dev/zero'), /\/dev\/zero: is not a regular file/);
    writeFileSync(join(root, 'bad.json'), '{');
    refused(() => readFolderJson(join(root, 'bad.json'), 'summary.json'), /bad\.json: not valid JSON; expected the summary\.json urd writes/);
    expect(MAX_META_BYTES).toBe(64 << 20);
  });
});

describe('prepareOutput for a run', () => {
  it('a new folder, an empty one, or the leftovers of a killed writer: written in place', () => {
    const root = tempDir();
    expect(prepareOutput(join(root, 'new'), 'run')).toEqual({ dir: join(root, 'new'), writeTo: join(root, 'new'), staged: false });
    mkdirSync(join(root, 'empty'));
    expect(prepareOutput(join(root, 'empty'), 'run').staged).toBe(false);
    mkdirSync(join(root, 'left'));
    for (const f of ['metrics.csv.partial', '.urd.lock', '.urd.lock.123']) writeFileSync(join(root, 'left', f), '');
    expect(prepareOutput(join(root, 'left'), 'run')).toEqual({ dir: join(root, 'left'), writeTo: join(root, 'left'), staged: false });
    expect(existsSync(stagingDir(join(root, 'left')))).toBe(false);
  });

  it('a folder with anything urd did not write is refused, every file kept', () => {
    const root = tempDir();
    const cases: [string, string[], RegExp][] = [
      ['thesis', ['manifest.json', 'thesis.docx'], /is not an urd run folder: it holds thesis\.docx; urd never deletes/],
      ['many', ['a', 'b', 'c', 'd', 'e'], /it holds [a-e], [a-e], [a-e] and 2 more;/],
      ['three', ['a', 'b', 'c'], /it holds [a-c], [a-c], [a-c]; urd never deletes/],
      ['cmp', ['compare.csv'], /is not an urd run folder: it holds compare\.csv/],
      ['nomanifest', ['metrics.csv', 'summary.json.partial'], /holds metrics\.csv but no manifest\.json, so it is not an urd run folder/],
    ];
    for (const [name, files, pattern] of cases) {
      const dir = join(root, name);
      mkdirSync(dir);
      for (const f of files) writeFileSync(join(dir, f), `mine ${f}`);
      const before = snapshot(dir);
      refused(() => prepareOutput(dir, 'run', true), pattern);
      expect(snapshot(dir)).toEqual(before);
    }
    expect(readdirSync(root).sort()).toEqual(['cmp', 'many', 'nomanifest', 'thesis', 'three']);
    // Without a manifest: the first three files urd might have written are named, the partial ones left out.
    const four = join(root, 'four');
    mkdirSync(four);
    const files = ['metrics.csv', 'events.ndjson', 'summary.json', 'replay.ndjson'];
    for (const f of [...files, 'summary.json.partial']) writeFileSync(join(four, f), '');
    let message = '';
    try {
      prepareOutput(four, 'run');
    } catch (err) {
      message = (err as Error).message;
    }
    const shown = /holds (.*) but no manifest\.json/.exec(message)?.[1].split(', ') ?? [];
    expect(shown).toHaveLength(3);
    for (const f of shown) expect(files).toContain(f);
  });

  it('a FIFO, a subfolder or a link among run files is not urd\'s', () => {
    const root = tempDir();
    const fifo = runFolder(join(root, 'fifo'), 'x');
    execFileSync('mkfifo', [join(fifo, 'summary.json')]);
    refused(() => prepareOutput(fifo, 'run', true), /it holds summary\.json/);
    const sub = runFolder(join(root, 'sub'), 'x');
    mkdirSync(join(sub, 'data'));
    refused(() => prepareOutput(sub, 'run', true), /it holds data/);
    const link = runFolder(join(root, 'link'), 'x');
    symlinkSync(join(root, 'elsewhere'), join(link, 'events.ndjson'));
    refused(() => prepareOutput(link, 'run', true), /events\.ndjson: is a symbolic link/);
    writeFileSync(join(root, 'file'), 'x');
    expect(() => prepareOutput(join(root, 'file'), 'run')).toThrow(new OutputError(`cannot write ${join(root, 'file')}: a file stands where a folder is needed`));
  });

  it('report files and a checkpoint temp are urd\'s own in a run folder', () => {
    const root = tempDir();
    const dir = runFolder(join(root, 'r'), 'x', false, ['report.html', 'export.csv', 'checkpoint.bin.tmp', 'replay.ndjson', 'events.ndjson.partial']);
    mkdirSync(join(dir, 'charts'));
    expect(prepareOutput(dir, 'run')).toEqual({ dir, writeTo: dir, staged: false });
  });

  it('a manifest that is not urd\'s is refused', () => {
    const root = tempDir();
    for (const [name, text] of [
      ['null', 'null'],
      ['nohash', '{"complete": true}'],
      ['nocomplete', '{"scenarioHash": "h"}'],
      ['stringy', '{"scenarioHash": "h", "complete": "yes"}'],
      ['numhash', '{"scenarioHash": 1, "complete": true}'],
    ]) {
      mkdirSync(join(root, name));
      writeFileSync(join(root, name, 'manifest.json'), text);
      refused(() => prepareOutput(join(root, name), 'run', true), /manifest\.json: is not the manifest of an urd run/);
    }
  });

  it('a path the system cannot even look at is an OutputError saying why', () => {
    const long = join(tempDir(), 'n'.repeat(300));
    expect(() => prepareOutput(long, 'run')).toThrow(new OutputError(`cannot write ${long}: the name is too long for this file system`));
    // A name that fits, but not with .urd-new added: the staging folder cannot be made.
    const fits = join(tempDir(), 'n'.repeat(250));
    expect(() => prepareOutput(fits, 'comparison')).toThrow(new OutputError(`cannot write ${fits}.urd-new: the name is too long for this file system`));
    runFolder(fits, 'old');
    expect(() => prepareOutput(fits, 'run', true)).toThrow(new OutputError(`cannot write ${fits}.urd-new: the name is too long for this file system`));
    expect(readFileSync(join(fits, 'metrics.csv'), 'utf8')).toBe('old');
    // A file on the way to the folder: refused when the folder is looked at, naming it.
    const root = tempDir();
    writeFileSync(join(root, 'file'), '');
    expect(() => prepareOutput(join(root, 'file', 'c'), 'comparison')).toThrow(new OutputError(`cannot write ${join(root, 'file', 'c')}: a file stands where a folder is needed`));
  });

  it('a complete run is refused without --force; with it the new run is staged beside the old one', () => {
    const root = tempDir();
    const dir = runFolder(join(root, 'r'), 'old');
    refused(() => prepareOutput(dir, 'run'), /holds a complete run; choose another --out, or add --force/);
    const t = prepareOutput(dir, 'run', true);
    expect(t).toEqual({ dir, writeTo: join(root, 'r.urd-new'), staged: true });
    expect(readFileSync(join(t.writeTo, STAGING_MARK), 'utf8')).toBe('r\n');
    expect(readFileSync(join(dir, 'metrics.csv'), 'utf8')).toBe('old');
    expect(isStaging(t.writeTo)).toBe(true);
    expect(stagedTarget(t.writeTo)).toBe(dir);
  });

  it('an unfinished run with a checkpoint is refused with the way to resume it; without one it is rewritten in place', () => {
    const root = tempDir();
    const dir = runFolder(join(root, 'r'), 'x', false, ['checkpoint.bin']);
    refused(() => prepareOutput(dir, 'run', true), /holds an unfinished run with a checkpoint; continue it with urd run --resume/);
    const plain = runFolder(join(root, 'p'), 'x', false);
    expect(prepareOutput(plain, 'run', true)).toEqual({ dir: plain, writeTo: plain, staged: false });
  });
});

describe('prepareOutput for a comparison', () => {
  it('always staged; a complete one is replaced only with --force; run folders without compare-runs.csv are refused', () => {
    const root = tempDir();
    const dir = join(root, 'c');
    expect(prepareOutput(dir, 'comparison')).toEqual({ dir, writeTo: join(root, 'c.urd-new'), staged: true });
    expect(existsSync(dir)).toBe(false);
    mkdirSync(join(dir, 'base', 'seed-1'), { recursive: true });
    writeFileSync(join(dir, 'compare-runs.csv'), 'x');
    writeFileSync(join(dir, 'reading.txt'), 'x');
    refused(() => prepareOutput(dir, 'comparison'), /holds a complete comparison/);
    expect(prepareOutput(dir, 'comparison', true).staged).toBe(true);
    const half = join(root, 'half');
    mkdirSync(join(half, 'base'), { recursive: true });
    writeFileSync(join(half, 'compare.csv.partial'), '');
    refused(() => prepareOutput(half, 'comparison'), /holds folders but no compare-runs\.csv/);
    const left = join(root, 'left');
    mkdirSync(left);
    writeFileSync(join(left, 'compare.csv.partial'), '');
    writeFileSync(join(left, '.urd.lock'), '');
    expect(prepareOutput(left, 'comparison').staged).toBe(true);
    const run = runFolder(join(root, 'run'), 'x');
    refused(() => prepareOutput(run, 'comparison', true), /is not an urd comparison folder: it holds manifest\.json, metrics\.csv/);
  });
});

describe('staging folders', () => {
  it('an unmarked folder in the staging place is refused; a marked one with nothing worth keeping is replaced', () => {
    const root = tempDir();
    const dir = runFolder(join(root, 'r'), 'old');
    mkdirSync(join(root, 'r.urd-new'));
    writeFileSync(join(root, 'r.urd-new', 'mine'), 'keep');
    refused(() => prepareOutput(dir, 'run', true), /r\.urd-new: is in the way of the new result for .*r and was not made by urd/);
    expect(readFileSync(join(root, 'r.urd-new', 'mine'), 'utf8')).toBe('keep');
    writeFileSync(join(root, 'c.urd-new'), 'a file');
    refused(() => prepareOutput(join(root, 'c'), 'comparison'), /c\.urd-new: is in the way/);
    const other = runFolder(join(root, 's'), 'old');
    const first = prepareOutput(other, 'run', true).writeTo;
    writeFileSync(join(first, 'metrics.csv.partial'), 'half');
    writeFileSync(join(first, 'manifest.json'), '{}');
    expect(prepareOutput(other, 'run', true).writeTo).toBe(first);
    expect(readdirSync(first)).toEqual([STAGING_MARK]);
    // A summary without a manifest is not a finished replacement either.
    writeFileSync(join(first, 'summary.json'), '{}');
    expect(prepareOutput(other, 'run', true).writeTo).toBe(first);
    expect(readdirSync(first)).toEqual([STAGING_MARK]);
  });

  it('a staged replacement that was stopped or not yet swapped in is kept', () => {
    const root = tempDir();
    for (const keep of [['checkpoint.bin'], ['compare-runs.csv'], ['manifest.json', 'summary.json']]) {
      const dir = runFolder(join(root, keep[0]), 'old');
      const staging = prepareOutput(dir, 'run', true).writeTo;
      for (const f of keep) writeFileSync(join(staging, f), 'work');
      refused(() => prepareOutput(dir, 'run', true), /holds a replacement of .* that was stopped or not yet swapped in; finish it with urd run --resume/);
      expect(readFileSync(join(staging, keep[0]), 'utf8')).toBe('work');
    }
  });

  it('discardUnstarted removes only a folder holding nothing but the mark; discardStaging only a staged target', () => {
    const root = tempDir();
    const t = prepareOutput(join(root, 'c'), 'comparison');
    discardUnstarted(join(root, 'missing'));
    discardStaging({ ...t, staged: false });
    expect(existsSync(t.writeTo)).toBe(true);
    writeFileSync(join(t.writeTo, 'compare.csv'), '');
    discardUnstarted(t.writeTo);
    expect(existsSync(t.writeTo)).toBe(true);
    discardStaging(t);
    expect(existsSync(t.writeTo)).toBe(false);
    const u = prepareOutput(join(root, 'd'), 'comparison');
    discardUnstarted(u.writeTo);
    expect(existsSync(u.writeTo)).toBe(false);
    mkdirSync(join(root, 'plain.urd-new'));
    discardStaging({ dir: join(root, 'plain'), writeTo: join(root, 'plain.urd-new'), staged: true });
    expect(existsSync(join(root, 'plain.urd-new'))).toBe(true);
    expect(isStaging(join(root, 'plain.urd-new'))).toBe(false);
    mkdirSync(join(root, 'marked'));
    writeFileSync(join(root, 'marked', STAGING_MARK), '');
    expect(isStaging(join(root, 'marked'))).toBe(false);
  });

  it('the staging and old folders sit beside DIR whatever trailing slash it has', () => {
    expect(stagingDir('/a/b/')).toBe('/a/b.urd-new');
    const root = tempDir();
    const dir = runFolder(join(root, 'r'), 'old');
    const staging = prepareOutput(dir + '/', 'run', true).writeTo;
    expect(staging).toBe(join(root, 'r.urd-new'));
  });
});

/** A complete old result at DIR and a complete staged replacement beside it. */
function staged(root: string, name: string, oldExists = true): { dir: string; staging: string } {
  const dir = join(root, name);
  if (oldExists) runFolder(dir, 'old');
  const staging = prepareOutput(dir, oldExists ? 'run' : 'comparison', true).writeTo;
  writeFileSync(join(staging, 'manifest.json'), JSON.stringify({ complete: true, scenarioHash: 'h' }));
  writeFileSync(join(staging, 'metrics.csv'), 'new');
  return { dir, staging };
}

describe('commitStaged and settleSwap', () => {
  it('a swap run through leaves the new result alone at DIR, its steps in order', () => {
    const root = tempDir();
    const { dir, staging } = staged(root, 'r');
    const steps: SwapStep[] = [];
    expect(commitStaged(staging, (s) => steps.push(s))).toBe(dir);
    expect(steps).toEqual([...SWAP_STEPS]);
    expect(readdirSync(root)).toEqual(['r']);
    expect(readdirSync(dir).sort()).toEqual(['manifest.json', 'metrics.csv']);
    expect(readFileSync(join(dir, 'metrics.csv'), 'utf8')).toBe('new');
    expect(settleSwap(dir)).toBe(false);
  });

  it('an empty DIR (a first comparison) is replaced by the staged result', () => {
    const root = tempDir();
    const { dir, staging } = staged(root, 'c', false);
    mkdirSync(dir);
    commitStaged(staging);
    expect(readdirSync(root)).toEqual(['c']);
    expect(readFileSync(join(dir, 'metrics.csv'), 'utf8')).toBe('new');
  });

  for (const at of SWAP_STEPS.slice(0, -1)) {
    it(`a crash after "${at}": the next settleSwap finishes it, the new result whole at DIR, one line said`, () => {
      const root = tempDir();
      const { dir, staging } = staged(root, 'r');
      expect(() =>
        commitStaged(staging, (s) => {
          if (s === at) throw new Error('crash');
        }),
      ).toThrow(OutputError);
      expect(settleSwap(dir)).toBe(true);
      expect(readdirSync(root)).toEqual(['r']);
      expect(readdirSync(dir).sort()).toEqual(['manifest.json', 'metrics.csv']);
      expect(readFileSync(join(dir, 'metrics.csv'), 'utf8')).toBe('new');
      const said = stderr.mock.calls.map((c) => String(c[0])).join('');
      if (at === 'old-removed') expect(said).toBe('');
      else expect(said).toBe(`urd: ${dir}: finished its interrupted replacement: it holds the new result (the old one is deleted)\n`);
      expect(settleSwap(dir)).toBe(false);
    });
  }

  it('a crash after "ready" of a first comparison (no old result): finished without mentioning an old one', () => {
    const root = tempDir();
    const { dir, staging } = staged(root, 'c', false);
    expect(() =>
      commitStaged(staging, (s) => {
        if (s === 'ready') throw new Error('crash');
      }),
    ).toThrow(OutputError);
    expect(settleSwap(dir)).toBe(true);
    expect(stderr.mock.calls.map((c) => String(c[0])).join('')).toBe(`urd: ${dir}: finished its interrupted replacement: it holds the new result\n`);
    expect(readdirSync(root)).toEqual(['c']);
  });

  it('the old result set aside with no ready replacement is put back, with one line', () => {
    const root = tempDir();
    const { dir, staging } = staged(root, 'r');
    expect(() =>
      commitStaged(staging, (s) => {
        if (s === 'aside') throw new Error('crash');
      }),
    ).toThrow(OutputError);
    execFileSync('rm', ['-r', staging]);
    expect(settleSwap(dir)).toBe(true);
    expect(stderr.mock.calls.map((c) => String(c[0])).join('')).toBe(`urd: ${dir}: restored the previous result (its replacement had been interrupted before it was complete)\n`);
    expect(readdirSync(root)).toEqual(['r']);
    expect(readFileSync(join(dir, 'metrics.csv'), 'utf8')).toBe('old');
  });

  it('prepareOutput settles an interrupted swap before it looks at the folder', () => {
    const root = tempDir();
    const { dir, staging } = staged(root, 'r');
    expect(() =>
      commitStaged(staging, (s) => {
        if (s === 'aside') throw new Error('crash');
      }),
    ).toThrow(OutputError);
    refused(() => prepareOutput(dir, 'run'), /holds a complete run/);
    expect(readFileSync(join(dir, 'metrics.csv'), 'utf8')).toBe('new');
  });

  it('folders beside DIR changed by hand since the crash are refused, not guessed at', () => {
    const root = tempDir();
    // ready, DIR and DIR.urd-old all there.
    const a = staged(root, 'a');
    expect(() => commitStaged(a.staging, (s) => { if (s === 'aside') throw new Error('crash'); })).toThrow(OutputError);
    mkdirSync(a.dir);
    refused(() => settleSwap(a.dir), /a replacement of it was interrupted and the folders beside it \(a\.urd-old, a\.urd-new\) were changed since/);
    // DIR.urd-old beside a DIR that is not a placed replacement.
    const b = runFolder(join(root, 'b'), 'x');
    runFolder(join(root, 'b.urd-old'), 'y');
    refused(() => settleSwap(b), /were changed since/);
    refused(() => commitStaged(join(root, 'b.urd-new')), /were changed since/);
    // A placed replacement (ready mark inside DIR) and a ready staging folder beside it.
    const c = staged(root, 'c');
    expect(() => commitStaged(c.staging, (s) => { if (s === 'in') throw new Error('crash'); })).toThrow(OutputError);
    mkdirSync(c.staging);
    writeFileSync(join(c.staging, '.urd-ready'), '');
    refused(() => settleSwap(c.dir), /were changed since/);
    // A placed replacement whose old result is gone, and a ready staging folder made beside it.
    const d = staged(root, 'd');
    expect(() => commitStaged(d.staging, (s) => { if (s === 'old-removed') throw new Error('crash'); })).toThrow(OutputError);
    mkdirSync(d.staging);
    writeFileSync(join(d.staging, '.urd-ready'), '');
    refused(() => settleSwap(d.dir), /were changed since/);
    expect(readFileSync(join(d.dir, 'metrics.csv'), 'utf8')).toBe('new');
  });

  it('settleSwap leaves any other folder alone', () => {
    const root = tempDir();
    const dir = runFolder(join(root, 'r'), 'x');
    mkdirSync(join(root, 'r.urd-new'));
    writeFileSync(join(root, 'r.urd-new', STAGING_MARK), '');
    expect(settleSwap(dir)).toBe(false);
    expect(settleSwap(join(root, 'missing'))).toBe(false);
    expect(settleSwap(join(root, 'r', 'metrics.csv', 'x'))).toBe(false);
    expect(readdirSync(root).sort()).toEqual(['r', 'r.urd-new']);
  });
});

describe('openPlannedFolder', () => {
  const plan = { kind: 'sweep', plan: 'sweep.json', text: '{"plan":1}\n', records: 'runs', mismatch: 'does not match' };

  it('creates the folder with its plan and records folder; reopens it only with the very same plan', () => {
    const root = tempDir();
    const dir = join(root, 's');
    openPlannedFolder(dir, plan);
    expect(readdirSync(dir).sort()).toEqual(['runs', 'sweep.json']);
    expect(readFileSync(join(dir, 'sweep.json'), 'utf8')).toBe(plan.text);
    writeFileSync(join(dir, 'runs', 'r1.json'), 'record');
    writeFileSync(join(dir, '.urd.lock'), '');
    openPlannedFolder(dir, plan);
    refused(() => openPlannedFolder(dir, { ...plan, text: '{"plan":2}\n' }), /holds a different sweep: its sweep\.json does not match; use another --out/);
    expect(readFileSync(join(dir, 'sweep.json'), 'utf8')).toBe(plan.text);
    expect(readFileSync(join(dir, 'runs', 'r1.json'), 'utf8')).toBe('record');
  });

  it('an empty folder, or one with only the records, a lock and a leftover plan, is opened', () => {
    const root = tempDir();
    mkdirSync(join(root, 'e'));
    openPlannedFolder(join(root, 'e'), plan);
    mkdirSync(join(root, 'l', 'runs'), { recursive: true });
    writeFileSync(join(root, 'l', 'sweep.json.1-0.partial'), '');
    writeFileSync(join(root, 'l', '.urd.lock'), '');
    writeFileSync(join(root, 'l', '.urd.lock.77'), '');
    openPlannedFolder(join(root, 'l'), plan);
    expect(readFileSync(join(root, 'l', 'sweep.json'), 'utf8')).toBe(plan.text);
  });

  it('refuses a folder holding other files, links, FIFOs or a records file; refuses the working folder', () => {
    const root = tempDir();
    const cases: [string, (d: string) => void, RegExp][] = [
      ['other', (d) => writeFileSync(join(d, 'notes.txt'), 'mine'), /is not a sweep folder \(no sweep\.json\) and holds other files \(notes\.txt\)/],
      ['four', (d) => ['a', 'b', 'c', 'd'].forEach((f) => writeFileSync(join(d, f), '')), /and holds other files \([a-d], [a-d], [a-d]\); expected a new or empty folder$/],
      ['link', (d) => symlinkSync('/etc', join(d, 'runs')), /runs: is a symbolic link/],
      ['fifo', (d) => execFileSync('mkfifo', [join(d, 'p')]), /p: is not a regular file or folder, so it is not urd's/],
      ['recfile', (d) => writeFileSync(join(d, 'runs'), 'x'), /runs: is not a folder, so it is not urd's/],
    ];
    for (const [name, make, pattern] of cases) {
      const dir = join(root, name);
      mkdirSync(dir);
      make(dir);
      const before = snapshot(dir);
      refused(() => openPlannedFolder(dir, plan), pattern);
      expect(snapshot(dir)).toEqual(before);
    }
    // An empty working folder (the real one holds files and links, refused before this check).
    const cwd = vi.spyOn(process, 'cwd').mockReturnValue(join(root, 'work'));
    mkdirSync(join(root, 'work'));
    refused(() => openPlannedFolder(join(root, 'work'), plan), /work is the working folder \(or holds it\)/);
    mkdirSync(join(root, 'up', 'inner'), { recursive: true });
    cwd.mockReturnValue(join(root, 'up', 'inner'));
    refused(() => openPlannedFolder(join(root, 'up'), plan), /up is the working folder \(or holds it\)/);
    vi.restoreAllMocks();
    expect(readdirSync(join(root, 'work'))).toEqual([]);
    expect(readdirSync(join(root, 'up'))).toEqual(['inner']);
    writeFileSync(join(root, 'file'), 'x');
    expect(() => openPlannedFolder(join(root, 'file'), plan)).toThrow(new OutputError(`cannot write ${join(root, 'file')}: a file stands where a folder is needed`));
  });
});
