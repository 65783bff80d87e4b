// What travels over the wire: the client's files precompressed (brotli or gzip, as the browser
// asks) under names that change with their content and are kept for a year, pages compressed as
// sent and never kept without asking, the live stream left uncompressed; and what a phone
// actually downloads for the booking page, the first time and the next.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { get } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { startServer, launchBrowser, siteDir, clientFiles, loadBytes, demoCodes } from './harness.js';

const FIRST_VISIT_BUDGET = 300 * 1024;
const REPEAT_VISIT_BUDGET = 20 * 1024;

let server;
before(async () => { server = await startServer(); });
after(() => server.stop());

/// A GET as sent, answered as received: no decompression, no redirects followed. `firstBytes`
/// stops reading after that many (for a stream that never ends).
function raw(path, headers = {}, { firstBytes = Infinity } = {}) {
  return new Promise((ok, fail) => {
    const req = get(server.base + path, { headers }, (res) => {
      const chunks = [];
      let length = 0;
      const done = () => ok({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) });
      res.on('data', (chunk) => {
        chunks.push(chunk);
        length += chunk.length;
        if (length >= firstBytes) { req.destroy(); done(); }
      });
      res.on('end', done);
    });
    req.on('error', (e) => (e.code === 'ECONNRESET' ? undefined : fail(e)));
  });
}

test('each client file answers in brotli or gzip as the browser asks, and plain otherwise', async () => {
  for (const name of Object.values(clientFiles())) {
    const original = readFileSync(join(siteDir, 'pkg', name));
    for (const [accept, encoding, decode] of [
      ['gzip, deflate, br, zstd', 'br', brotliDecompressSync],
      ['gzip, deflate', 'gzip', gunzipSync],
      ['identity', undefined, (b) => b],
    ]) {
      const res = await raw(`/pkg/${name}`, { 'accept-encoding': accept });
      assert.equal(res.status, 200, name);
      assert.equal(res.headers['content-encoding'], encoding, `${name} for ${accept}`);
      assert.match(res.headers.vary ?? '', /accept-encoding/i, `${name}: caches must keep the encodings apart`);
      assert.ok(decode(res.body).equals(original), `${name} as ${encoding ?? 'plain'} is the file`);
      if (encoding) assert.ok(res.body.length < original.length * 0.4, `${name}: ${res.body.length} of ${original.length} bytes`);
    }
  }
});

test('pages name the hashed client files, which are kept for a year; pages are not kept unasked', async () => {
  const files = clientFiles();
  const page = await raw('/', { 'accept-encoding': 'br' });
  const html = brotliDecompressSync(page.body).toString();
  for (const name of Object.values(files)) assert.ok(html.includes(`/pkg/${name}`), `the page names ${name}`);
  assert.equal(page.headers['cache-control'], 'no-cache');
  for (const name of Object.values(files)) {
    assert.equal((await raw(`/pkg/${name}`)).headers['cache-control'], 'public, max-age=31536000, immutable', name);
  }
  const [code] = demoCodes(server, 'RESERVED');
  for (const path of ['/reserve', `/reserve?ticket=${code}`, `/ticket?code=${code}`]) {
    assert.equal((await raw(path)).headers['cache-control'], 'no-store', path);
  }
  const favicon = await raw('/favicon.svg');
  assert.equal(favicon.status, 200);
  assert.equal(favicon.headers['cache-control'], 'public, max-age=3600', 'a file that keeps its name is kept briefly');
});

test('a missing client file is a bare 404; an unknown page is the 404 page', async () => {
  const asset = await raw('/pkg/portal.0000000000000000.js');
  assert.equal(asset.status, 404);
  assert.doesNotMatch(asset.headers['content-type'] ?? '', /html/);
  assert.equal(asset.body.length, 0);
  const page = await raw('/no-such-page');
  assert.equal(page.status, 404);
  assert.match(page.headers['content-type'], /^text\/html/);
  assert.equal(page.headers['cache-control'], 'no-cache');
});

test('pages and API answers are compressed as they are sent; the live stream is not', async () => {
  const page = await raw('/reserve', { 'accept-encoding': 'gzip, br' });
  assert.equal(page.headers['content-encoding'], 'br');
  assert.match(brotliDecompressSync(page.body).toString(), /<main/);
  const api = await raw(`/api/reservation-slots/available?orq=1&month=${server.today.slice(0, 7)}`, { 'accept-encoding': 'gzip' });
  assert.equal(api.headers['content-encoding'], 'gzip');
  assert.equal(JSON.parse(gunzipSync(api.body)).success, true);
  const live = await raw(`/live/slots?venue=1&date=${server.today}`, { 'accept-encoding': 'gzip, br' }, { firstBytes: 1 });
  assert.equal(live.status, 200);
  assert.match(live.headers['content-type'], /^text\/event-stream/);
  assert.equal(live.headers['content-encoding'], undefined, 'a compressed stream would hold its events back');
  assert.match(live.body.toString(), /^(event|data|:)/, 'the first event arrives without waiting for more');
});

test(`the booking page moves at most ${FIRST_VISIT_BUDGET / 1024} KB on a first visit and ${REPEAT_VISIT_BUDGET / 1024} KB on the next`, async () => {
  const browser = await launchBrowser();
  try {
    const page = await (await browser.newContext()).newPage();
    const first = await loadBytes(page, `${server.base}/reserve`);
    const repeat = await loadBytes(page, `${server.base}/reserve`);
    const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
    console.log(`# /reserve first visit ${kb(first.total)}, repeat visit ${kb(repeat.total)}`);
    assert.ok(first.total <= FIRST_VISIT_BUDGET, `first visit ${kb(first.total)}: ${JSON.stringify(first.byUrl)}`);
    assert.ok(repeat.total <= REPEAT_VISIT_BUDGET, `repeat visit ${kb(repeat.total)}: ${JSON.stringify(repeat.byUrl)}`);
    const wasm = Object.keys(first.byUrl).find((url) => url.endsWith('.wasm'));
    assert.ok(wasm, 'the first visit loads the client');
    assert.equal(repeat.byUrl[wasm] ?? 0, 0, 'the repeat visit takes the client from the cache, without asking');
  } finally {
    await browser.close();
  }
});
