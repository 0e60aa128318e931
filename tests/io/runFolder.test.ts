import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OutputError, PARTIAL_SUFFIX } from '../../src/io/atomic.ts';
import { canonicalJson, defaultRunDir, gitCommit, LOCK_FILE, lockRunFolder, RunFolderBusy, RunWriter, scenarioHash, shortStreamedFile, URD_VERSION } from '../../src/io/runFolder.ts';
import type { RunSummary } from '../../src/metrics/summary.ts';
import type { Scenario } from '../../src/scenario/schema.ts';
import { ROOT, tempDir } from '../support.ts';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');
/** The fields of a scenario the run folder reads; the rest of a scenario is carried as it is. */
const scenario = { name: 'demo', seed: 7, z: { b: 1, a: [3, { y: 1, x: 2 }] } } as unknown as Scenario;

describe('identity of a run', () => {
  it('canonical JSON sorts keys at every level and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: null } })).toBe('{"a":{"c":null,"d":[2,1]},"b":1}');
    expect(canonicalJson([{ b: 1, a: 2 }])).toBe('[{"a":2,"b":1}]');
    expect(scenarioHash(scenario)).toBe(sha('{"name":"demo","seed":7,"z":{"a":[3,{"x":2,"y":1}],"b":1}}'));
  });

  it('the default folder is outputs/<name>/seed-<seed>-<first 8 hex of the hash>', () => {
    expect(defaultRunDir(scenario)).toBe(join('outputs', 'demo', `seed-7-${scenarioHash(scenario).slice(0, 8)}`));
    expect(defaultRunDir(scenario, '/r')).toBe(join('/r', 'demo', `seed-7-${scenarioHash(scenario).slice(0, 8)}`));
  });

  it('version and commit come from the checkout', () => {
    expect(URD_VERSION).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
    const head = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT }).stdout.toString().trim();
    expect(gitCommit()).toBe(head === '' ? null : head);
  });
});

describe('lockRunFolder', () => {
  it('takes the lock with pid and host, refuses a second taker while held, releases it; temporary lock files go', () => {
    const dir = join(tempDir(), 'run');
    mkdirSync(dir);
    writeFileSync(join(dir, `${LOCK_FILE}.99999999`), '');
    const release = lockRunFolder(dir);
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8')).toBe(`${process.pid} ${hostname()}\n`);
    expect(readdirSync(dir)).toEqual([LOCK_FILE]);
    expect(() => lockRunFolder(dir)).toThrow(RunFolderBusy);
    expect(() => lockRunFolder(dir)).toThrow(`cannot write ${dir}: it is in use by urd process ${process.pid}; wait for it to end (or, if it is gone, delete ${join(dir, LOCK_FILE)})`);
    expect(readdirSync(dir)).toEqual([LOCK_FILE]);
    release();
    expect(readdirSync(dir)).toEqual([]);
    release();
  });

  it('a lock left by a dead process on this machine is taken over; one of another machine or unreadable is not', () => {
    const dir = tempDir();
    const dead = spawnSync('true').pid as number;
    writeFileSync(join(dir, LOCK_FILE), `${dead} ${hostname()}\n`);
    const release = lockRunFolder(dir);
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8')).toBe(`${process.pid} ${hostname()}\n`);
    release();
    writeFileSync(join(dir, LOCK_FILE), `${dead} elsewhere\n`);
    expect(() => lockRunFolder(dir)).toThrow(`it is in use by urd process ${dead} on elsewhere;`);
    writeFileSync(join(dir, LOCK_FILE), `x${dead} ${hostname()}\n`);
    expect(() => lockRunFolder(dir)).toThrow(`it is in use by urd process x${dead};`);
    writeFileSync(join(dir, LOCK_FILE), `${dead}x ${hostname()}\n`);
    expect(() => lockRunFolder(dir)).toThrow(`it is in use by urd process ${dead}x;`);
    writeFileSync(join(dir, LOCK_FILE), '');
    expect(() => lockRunFolder(dir)).toThrow('it is in use by urd process ?;');
    expect(readdirSync(dir)).toEqual([LOCK_FILE]);
  });

  it('release leaves a lock that another process has taken since', () => {
    const dir = tempDir();
    const release = lockRunFolder(dir);
    writeFileSync(join(dir, LOCK_FILE), `1 ${hostname()}\n`);
    release();
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8')).toBe(`1 ${hostname()}\n`);
  });

  it('a folder standing at the temporary lock name: an OutputError naming it, nothing taken', () => {
    const dir = tempDir();
    const tmp = join(dir, `${LOCK_FILE}.${process.pid}`);
    mkdirSync(tmp);
    writeFileSync(join(tmp, 'x'), '');
    expect(() => lockRunFolder(dir)).toThrow(`cannot write ${tmp}: `);
    expect(readdirSync(dir)).toEqual([`${LOCK_FILE}.${process.pid}`]);
  });

  it('a folder standing at the lock name: tried three times, then an OutputError saying the lock could not be taken', () => {
    const dir = tempDir();
    mkdirSync(join(dir, LOCK_FILE));
    expect(() => lockRunFolder(dir)).toThrow(new OutputError(`cannot write ${dir}: could not take its lock ${join(dir, LOCK_FILE)}`));
    expect(readdirSync(dir)).toEqual([LOCK_FILE]);
  });

  it('leaves no file descriptor open', () => {
    const dir = tempDir();
    const open = () => readdirSync('/proc/self/fd').length;
    const before = open();
    for (let i = 0; i < 20; i++) lockRunFolder(dir)();
    expect(open()).toBe(before);
  });

  it('a folder that cannot be made: an OutputError naming it', () => {
    const root = tempDir();
    writeFileSync(join(root, 'f'), '');
    expect(() => lockRunFolder(join(root, 'f'))).toThrow(`cannot write ${join(root, 'f')}: a file stands where a folder is needed`);
  });
});

const summary = { scenario: 'demo', seed: 7 } as unknown as RunSummary;

describe('RunWriter', () => {
  it('streams under partial names; finish renames everything, the manifest complete and last', () => {
    const dir = tempDir();
    for (const f of ['report.html', 'replay.ndjson', 'summary.json', 'checkpoint.bin', 'checkpoint.bin.tmp']) writeFileSync(join(dir, f), 'stale');
    mkdirSync(join(dir, 'charts'));
    const w = new RunWriter(dir, scenario);
    expect(readdirSync(dir).sort()).toEqual(['events.ndjson.partial', 'metrics.csv.partial']);
    w.writeRows([
      { tick: 0, scope: 'all', metric: 'dpd', value: 0.5 },
      { tick: 1, scope: 'ring,1', metric: 'x', value: NaN },
    ] as never);
    w.writeEvents([{ tick: 1, type: 'tipping' }] as never);
    w.flush();
    const metrics = 'tick,scope,metric,value\n0,all,dpd,0.5\n1,"ring,1",x,NA\n';
    const events = '{"tick":1,"type":"tipping"}\n';
    expect(readFileSync(join(dir, 'metrics.csv.partial'), 'utf8')).toBe(metrics);
    expect(w.sync()).toEqual({ metrics: metrics.length, events: events.length, metricsSha256: sha(metrics), eventsSha256: sha(events) });
    w.manifestExtra = { edits: 'e' };
    w.markIncomplete({ stoppedAt: 1 });
    const partial = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    expect(partial).toMatchObject({ complete: false, edits: 'e', stoppedAt: 1 });
    writeFileSync(join(dir, 'checkpoint.bin'), 'ck');
    w.finish(summary, { extra: true });
    expect(readdirSync(dir).sort()).toEqual(['events.ndjson', 'manifest.json', 'metrics.csv', 'summary.json']);
    expect(readFileSync(join(dir, 'events.ndjson'), 'utf8')).toBe(events);
    expect(readFileSync(join(dir, 'summary.json'), 'utf8')).toBe(JSON.stringify(summary, null, 2) + '\n');
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    expect(Object.keys(manifest)).toEqual(['complete', 'urd', 'git', 'node', 'seed', 'scenarioHash', 'files', 'edits', 'extra', 'scenario']);
    expect(manifest).toEqual({
      complete: true,
      urd: URD_VERSION,
      git: gitCommit(),
      node: process.version,
      seed: 7,
      scenarioHash: scenarioHash(scenario),
      files: ['manifest.json', 'metrics.csv', 'events.ndjson', 'summary.json'],
      edits: 'e',
      extra: true,
      scenario: JSON.parse(JSON.stringify(scenario)),
    });
  });

  it('abandon removes partial files, and after finish began the files already renamed', () => {
    const dir = tempDir();
    const w = new RunWriter(dir, scenario);
    w.abandon();
    expect(readdirSync(dir)).toEqual([]);
    const dir2 = tempDir();
    const v = new RunWriter(dir2, scenario);
    v.finish(summary);
    v.abandon();
    expect(readdirSync(dir2)).toEqual(['manifest.json']);
  });

  it('resumes: the streamed files cut back to the checkpoint lengths and continued, also when finish had renamed them', () => {
    for (const renamed of [false, true]) {
      const dir = tempDir();
      const w = new RunWriter(dir, scenario);
      w.writeRows([{ tick: 0, scope: 'all', metric: 'a', value: 1 }] as never);
      const at = w.sync();
      w.writeRows([{ tick: 1, scope: 'all', metric: 'a', value: 2 }] as never);
      w.sync();
      w.close();
      writeFileSync(join(dir, 'summary.json.partial'), 'x');
      writeFileSync(join(dir, 'manifest.json.partial'), 'x');
      if (renamed) for (const f of ['metrics.csv', 'events.ndjson']) writeFileSync(join(dir, f), readFileSync(join(dir, f + PARTIAL_SUFFIX)));
      if (renamed) for (const f of ['metrics.csv', 'events.ndjson']) spawnSync('rm', [join(dir, f + PARTIAL_SUFFIX)]);
      expect(shortStreamedFile(dir, at)).toBeNull();
      const r = new RunWriter(dir, scenario, at);
      expect(readdirSync(dir).sort()).toEqual(['events.ndjson.partial', 'metrics.csv.partial']);
      r.writeRows([{ tick: 1, scope: 'all', metric: 'a', value: 3 }] as never);
      const text = 'tick,scope,metric,value\n0,all,a,1\n1,all,a,3\n';
      expect(r.sync()).toMatchObject({ metrics: text.length, metricsSha256: sha(text), events: 0, eventsSha256: sha('') });
      r.finish(summary);
      expect(readFileSync(join(dir, 'metrics.csv'), 'utf8')).toBe(text);
    }
  });

  it('manifests end with a newline; close releases the files; a second abandon after finish is harmless', () => {
    const dir = tempDir();
    const fds = () => readdirSync('/proc/self/fd').length;
    const before = fds();
    const w = new RunWriter(dir, scenario);
    w.writeEvents([{ tick: 0, type: 'x' }] as never);
    w.sync();
    expect(fds()).toBe(before + 2);
    w.markIncomplete();
    expect(readFileSync(join(dir, 'manifest.json'), 'utf8')).toMatch(/\n}\n$/);
    w.close();
    expect(fds()).toBe(before);
    const v = new RunWriter(tempDir(), scenario);
    v.finish(summary);
    expect(readFileSync(join(v.dir, 'manifest.json'), 'utf8')).toMatch(/\n}\n$/);
    v.abandon();
    v.abandon();
    expect(readdirSync(v.dir)).toEqual(['manifest.json']);
  });

  it('resuming beside a stale final file keeps the partial one, and abandon before finish leaves the final file alone', () => {
    const dir = tempDir();
    const w = new RunWriter(dir, scenario);
    w.writeRows([{ tick: 0, scope: 'all', metric: 'a', value: 1 }] as never);
    const at = w.sync();
    w.close();
    writeFileSync(join(dir, 'metrics.csv'), 'stale');
    const r = new RunWriter(dir, scenario, at);
    expect(readFileSync(join(dir, 'metrics.csv'), 'utf8')).toBe('stale');
    expect(r.sync().metrics).toBe(at.metrics);
    r.abandon();
    expect(readdirSync(dir).sort()).toEqual(['metrics.csv']);
  });

  it('a link where a streamed partial file should be: an OutputError naming it, the link’s target untouched', () => {
    const dir = tempDir();
    const w = new RunWriter(dir, scenario);
    const at = w.sync();
    w.close();
    const target = join(tempDir(), 'elsewhere.csv');
    writeFileSync(target, readFileSync(join(dir, 'metrics.csv.partial')));
    spawnSync('rm', [join(dir, 'metrics.csv.partial')]);
    symlinkSync(target, join(dir, 'metrics.csv.partial'));
    expect(() => new RunWriter(dir, scenario, at)).toThrow(OutputError);
    expect(() => new RunWriter(dir, scenario, at)).toThrow(`cannot write ${join(dir, 'metrics.csv.partial')}: a symbolic link stands where urd writes (urd never writes through links)`);
    expect(readFileSync(target, 'utf8')).toBe('tick,scope,metric,value\n');
  });

  it('a streamed file that cannot be taken back under its partial name: an OutputError naming it', () => {
    const dir = tempDir();
    const w = new RunWriter(dir, scenario);
    const at = w.sync();
    w.close();
    // A folder at the final name and a dangling link at the partial name: the rename fails (ENOTDIR).
    spawnSync('rm', [join(dir, 'metrics.csv.partial')]);
    mkdirSync(join(dir, 'metrics.csv'));
    symlinkSync(join(dir, 'nowhere'), join(dir, 'metrics.csv.partial'));
    expect(() => new RunWriter(dir, scenario, at)).toThrow(`cannot write ${join(dir, 'metrics.csv.partial')}: a file stands where a folder is needed`);
    expect(existsSync(join(dir, 'metrics.csv'))).toBe(true);
  });

  it('a streamed file shorter than, or different from, what the checkpoint recorded is found', () => {
    const dir = tempDir();
    const w = new RunWriter(dir, scenario);
    const at = w.sync();
    w.close();
    expect(shortStreamedFile(dir, at)).toBeNull();
    writeFileSync(join(dir, 'metrics.csv.partial'), 'tick,scope,metric,valuE\n');
    expect(shortStreamedFile(dir, at)).toBe(`the first ${at.metrics} bytes of ${join(dir, 'metrics.csv.partial')} are not what the run wrote (edited, or from another run)`);
    writeFileSync(join(dir, 'metrics.csv.partial'), 'tick');
    expect(shortStreamedFile(dir, at)).toBe(`${join(dir, 'metrics.csv.partial')} has 4 bytes, fewer than the ${at.metrics} the checkpoint recorded`);
    expect(() => new RunWriter(dir, scenario, at)).toThrow(`cannot resume ${join(dir, 'metrics.csv.partial')}: it has fewer than the ${at.metrics} bytes already written`);
    spawnSync('rm', [join(dir, 'events.ndjson.partial')]);
    writeFileSync(join(dir, 'metrics.csv.partial'), 'tick,scope,metric,value\n');
    expect(shortStreamedFile(dir, at)).toBe('events.ndjson.partial is missing');
    expect(existsSync(join(dir, 'events.ndjson'))).toBe(false);
  });
});
