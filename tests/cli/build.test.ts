import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileEntry, MANIFEST, staleReason } from '../../bin/build-state.mjs';
import { ROOT, tempDir, urd } from '../support.ts';

describe('the CLI build in dist/', () => {
  it('is current: scripts/setup.sh (which npm test runs first) or the tests\' global setup rebuilt it from these sources', () => {
    expect(staleReason(ROOT)).toBeNull();
    const r = urd(['--version']);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('is refused when a source changed, vanished or the build is missing; a touch alone keeps it', () => {
    const root = tempDir();
    mkdirSync(join(root, 'src'));
    mkdirSync(join(root, 'dist'));
    const file = join(root, 'src', 'a.ts');
    writeFileSync(file, 'export const a = 1;\n');
    expect(staleReason(root)).toBe('no build in dist/');
    writeFileSync(join(root, MANIFEST), JSON.stringify({ inputs: { 'src/a.ts': fileEntry(file) } }));
    expect(staleReason(root)).toBeNull();
    utimesSync(file, new Date(2030, 0, 1), new Date(2030, 0, 1));
    expect(staleReason(root)).toBeNull();
    writeFileSync(file, 'export const a = 2;\n'); // same size, new content
    expect(staleReason(root)).toBe('src/a.ts changed since the build');
    writeFileSync(file, 'export const a = 22;\n');
    expect(staleReason(root)).toBe('src/a.ts changed since the build');
    writeFileSync(join(root, MANIFEST), JSON.stringify({ inputs: { 'src/b.ts': [1, 1, 'x'] } }));
    expect(staleReason(root)).toBe('src/b.ts is gone since the build');
  });
});
