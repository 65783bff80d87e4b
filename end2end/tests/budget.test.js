// The browser client's weight budget (issue: ≤ 350 KB gzipped for the whole client), checked
// on what the build produced, so a change that bloats the WASM is caught here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { siteDir, clientFiles } from './harness.js';

const BUDGET = 350 * 1024;

test('the whole client (WASM, JavaScript glue, CSS) stays within 350 KB gzipped', () => {
  const sizes = Object.fromEntries(Object.entries(clientFiles()).map(([kind, name]) => {
    const bytes = readFileSync(join(siteDir, 'pkg', name));
    return [kind, gzipSync(bytes, { level: 9 }).length];
  }));
  const total = Object.values(sizes).reduce((a, b) => a + b, 0);
  console.log(`# client gzipped: ${JSON.stringify(sizes)}, total ${(total / 1024).toFixed(1)} KB`);
  assert.ok(total <= BUDGET, `the client is ${(total / 1024).toFixed(1)} KB gzipped, over the ${BUDGET / 1024} KB budget`);
});
