import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support.ts';

// A merge once renamed the "demo" script to "demo --force": the README's first command failed
// with "Missing script" while every test passed. The README's npm commands are checked here.
describe('the README', () => {
  it('names only npm scripts that package.json has', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const scripts = Object.keys(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts);
    const named = [...readme.matchAll(/npm run ([\w:-]+)/g)].map((m) => m[1]);
    expect(named).toContain('demo');
    for (const name of new Set(named)) expect(scripts, `npm run ${name}`).toContain(name);
    expect(scripts).toContain('test');
  });
});
