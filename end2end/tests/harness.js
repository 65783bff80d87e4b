// Starts the real Gatehouse binary on a fresh SQLite database with demo data, on a free port,
// and Debian's Chromium through playwright-core. Screenshots land in end2end/artifacts/.
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { createPublicKey, verify } from 'node:crypto';
import { createRequire } from 'node:module';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');
const targetDir = process.env.CARGO_TARGET_DIR ? resolve(repo, process.env.CARGO_TARGET_DIR) : join(repo, 'target');
export const artifacts = join(repo, 'end2end', 'artifacts');
export const siteDir = join(targetDir, 'site');
mkdirSync(artifacts, { recursive: true });

/// The surfaces the build made (each its own client bundle), from the build's hash.txt.
export function surfaces() {
  return [...new Set(hashLines().map(([key]) => key.split('.')[0]))];
}

/// A surface's client files under /pkg, by kind: `{ js: 'portal.<hash>.js', wasm, css }`.
export function clientFiles(surface = 'portal') {
  const hashes = Object.fromEntries(hashLines());
  return Object.fromEntries(['js', 'wasm', 'css'].map((kind) => [kind, `${surface}.${hashes[`${surface}.${kind}`]}.${kind}`]));
}

function hashLines() {
  return readFileSync(join(siteDir, 'hash.txt'), 'utf8').trim().split('\n').map((line) => line.split(':').map((s) => s.trim()));
}

/// The instant the test servers' clocks start at unless a test picks another: tests never depend
/// on the day they run. A Wednesday mid-month, away from every edge; edges are tested on purpose.
export const DEFAULT_NOW = '2027-04-14T11:00:00-04:00';
const VENUE_ZONE = 'America/New_York';

/// The venue's date (YYYY-MM-DD) at an instant, `days` later.
export function venueDate(instant, days = 0) {
  const date = new Date(new Date(instant).getTime() + days * 86_400_000);
  return new Intl.DateTimeFormat('en-CA', { timeZone: VENUE_ZONE }).format(date);
}

/// Starts a server whose clock starts at `now` (an RFC 3339 instant; null for the real clock,
/// which a release binary needs: it refuses the test clock).
export async function startServer(extraEnv = {}, { now = DEFAULT_NOW } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-e2e-'));
  const bin = process.env.GATEHOUSE_BIN ?? join(targetDir, 'debug', 'gatehouse');
  const env = {
    ...process.env,
    GATEHOUSE_DATA_DIR: dataDir,
    GATEHOUSE_LISTEN: '127.0.0.1:0',
    GATEHOUSE_SITE_ROOT: siteDir,
    GATEHOUSE_LOG: 'warn',
    GATEHOUSE_RESERVE_RATE: '0', GATEHOUSE_VALIDATE_RATE: '0', GATEHOUSE_HOLD_RATE: '0',
    ...(now ? { GATEHOUSE_TEST_CLOCK_START: now } : {}),
    ...extraEnv,
  };
  const child = spawn(bin, ['serve', '--demo'], { cwd: repo, env, stdio: ['ignore', 'pipe', 'inherit'] });
  const base = await new Promise((ok, fail) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`server did not start:\n${out}`)), 30_000);
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = out.match(/serving at (http:\/\/[\d.:]+)\//);
      if (m) { clearTimeout(timer); ok(m[1]); }
    });
    child.on('exit', (code) => { clearTimeout(timer); fail(new Error(`server exited ${code}:\n${out}`)); });
  });
  return {
    base,
    dataDir,
    /// The venue's date when the server started.
    today: venueDate(now ?? new Date().toISOString()),
    /// An API token of a demo staff account, made by the CLI as an operator would.
    token(username) {
      return execFileSync(bin, ['token', username], { cwd: repo, env, encoding: 'utf8' }).trim();
    },
    /// A REST API call as a second client would make it: the parsed JSON envelope.
    async api(method, path, body, token) {
      const headers = { 'content-type': 'application/json' };
      if (token) headers.authorization = `Bearer ${token}`;
      const res = await fetch(base + path, { method, headers, body: body && JSON.stringify(body) });
      return { status: res.status, body: await res.json() };
    },
    async stop() {
      child.kill('SIGINT');
      await new Promise((ok) => child.once('exit', ok));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/// Demo ticket codes the server wrote for a status ("ACTIVATED", "RESERVED", …).
export function demoCodes(server, status) {
  return readFileSync(join(server.dataDir, 'demo-tickets.txt'), 'utf8')
    .split('\n').filter((l) => l.startsWith(status + ' ')).map((l) => l.split(' ')[1]);
}

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/// `extraArgs`: more Chromium switches (a fake camera, say).
export async function launchBrowser(extraArgs = []) {
  return chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, ...extraArgs] });
}

/// Chromium with a profile on disk and a phone's screen: what installing an app and a service
/// worker need (an incognito context is never installable). `close()` also removes the profile.
export async function launchProfile() {
  const profile = mkdtempSync(join(tmpdir(), 'gatehouse-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, args: CHROMIUM_ARGS, viewport: { width: 360, height: 800 },
  });
  const page = context.pages()[0] ?? await context.newPage();
  return {
    context,
    page,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/// A demo staff account's password, as the demo wrote it for `server`.
export function staffPassword(server, username) {
  const text = readFileSync(join(server.dataDir, 'demo-credentials.txt'), 'utf8');
  // One "role  username  password" line per account.
  const fields = text.split('\n').map((l) => l.trim().split(/\s+/)).find((f) => f[0] === username);
  if (fields?.length !== 3) throw new Error(`no ${username} line in demo-credentials.txt`);
  return fields[2];
}

/// Signs the demo operator in on `page` (hydrated); resolves once the scanner shows.
export async function signInOperator(page, server) {
  await signIn(page, server, 'operator');
  await page.getByRole('heading', { name: 'Scan a ticket' }).waitFor();
}

/// What a keyboard-wedge scanner does with a code: its keys in one burst, then Enter. The keys are
/// sent from inside the page in one go, as the device's are: typed one by one from here, a busy
/// test machine could pause between two keys longer than a scanner ever does.
export async function wedgeScan(page, text) {
  await page.evaluate((keys) => {
    for (const key of [...keys, 'Enter']) {
      document.body.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));
    }
  }, text);
}

/// Signs the demo admin in on `page` (hydrated); resolves once the dashboard's overview shows.
export async function signInAdmin(page, server) {
  await signIn(page, server, 'admin');
  await page.getByRole('heading', { name: 'Overview' }).waitFor();
}

/// Signs the demo `role` ('operator' or 'admin') in on `page`; resolves once the form is sent.
/// `page.noJs`: a page of a context without JavaScript, which never hydrates.
export async function signIn(page, server, role) {
  await page.goto(`${server.base}/${role}/login`);
  if (!page.noJs) await page.locator('body[data-hydrated]').waitFor();
  await page.getByLabel('Username').fill(role);
  await page.getByLabel('Password').fill(staffPassword(server, role));
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/// A Y4M video (what Chromium's fake camera plays) of the picture at `src` (any image address,
/// a data: URL too) held up in a 640×480 frame: its luma, grey chroma. `browser` draws it.
export async function filmOf(browser, src, path) {
  const page = await browser.newPage();
  const luma = await page.evaluate(async (src) => {
    const img = new Image();
    img.src = src;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = 640;
    canvas.height = 480;
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = '#d8d4cc';
    ctx.fillRect(0, 0, 640, 480);
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(img, 170, 90, 300, 300);
    const { data } = ctx.getImageData(0, 0, 640, 480);
    const y = new Array(640 * 480);
    for (let i = 0; i < y.length; i++) {
      y[i] = Math.round(0.299 * data[i * 4] + 0.587 * data[i * 4 + 1] + 0.114 * data[i * 4 + 2]);
    }
    return y;
  }, src);
  await page.close();
  const header = Buffer.from('YUV4MPEG2 W640 H480 F10:1 Ip A1:1 C420jpeg\n');
  const frame = Buffer.concat([Buffer.from('FRAME\n'), Buffer.from(luma), Buffer.alloc(2 * 320 * 240, 128)]);
  writeFileSync(path, Buffer.concat([header, ...Array(10).fill(frame)]));
}

/// Chromium whose camera films `video` (made by `filmOf`), and which allows the camera without asking.
export function launchCamera(video) {
  return launchBrowser(['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
    `--use-file-for-fake-video-capture=${video}`]);
}

/// What loading `url` in `page` moved over the network until the page had hydrated and every
/// request but a live stream had finished: bytes as sent (headers and compressed bodies, CDP's
/// encodedDataLength), by address. What the browser's cache answers counts 0.
export async function loadBytes(page, url) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  const requests = new Map();
  const pending = new Set();
  cdp.on('Network.requestWillBeSent', (e) => {
    requests.set(e.requestId, { url: e.request.url, bytes: 0 });
    if (e.type !== 'EventSource') pending.add(e.requestId);
  });
  cdp.on('Network.loadingFinished', (e) => {
    if (requests.has(e.requestId)) requests.get(e.requestId).bytes = e.encodedDataLength;
    pending.delete(e.requestId);
  });
  cdp.on('Network.loadingFailed', (e) => pending.delete(e.requestId));
  await page.goto(url);
  await page.waitForFunction(() => document.body.hasAttribute('data-hydrated'), null, { timeout: 15_000 });
  while (pending.size) await new Promise((ok) => setTimeout(ok, 50));
  await cdp.detach();
  const byUrl = {};
  for (const { url, bytes } of requests.values()) byUrl[url] = (byUrl[url] ?? 0) + bytes;
  return { total: Object.values(byUrl).reduce((a, b) => a + b, 0), byUrl };
}

export async function shot(page, name) {
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
}

/// The page as a desktop (1280 px) and a tablet (768 px) show it: `<name>-1280.png` and
/// `<name>-768.png`. The page is left at the width it had.
export async function shotBothWidths(page, name) {
  const viewport = page.viewportSize();
  for (const [width, height] of [[1280, 900], [768, 1000]]) {
    await page.setViewportSize({ width, height });
    await shot(page, `${name}-${width}`);
  }
  await page.setViewportSize(viewport);
}

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/// Runs axe-core on the page as it is now; fails on any serious or critical violation.
/// Pages of a context with JavaScript disabled cannot run axe; their address is opened again
/// with the app's scripts blocked (the same server-rendered page) and checked there.
export async function expectAccessible(page, label) {
  if (page.noJs) {
    const context = await page.context().browser().newContext({ viewport: page.viewportSize() });
    await context.route(/\/pkg\/.*\.(js|wasm)$/, (route) => route.abort());
    const copy = await context.newPage();
    await copy.goto(page.url());
    try {
      return await expectAccessible(copy, label);
    } finally {
      await context.close();
    }
  }
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  });
  if (violations.length) throw new Error(`${label}: accessibility violations:\n${violations.join('\n')}`);
}

/// Decodes the QR code in a PNG (bytes) inside the page, with jsQR: the text it carries.
export async function decodeQrPng(page, bytes) {
  await page.addScriptTag({ path: require.resolve('jsqr/dist/jsQR.js') });
  return page.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = img.width;
    canvas.height = img.height;
    const ctx = canvas.getContext('2d');
    ctx.drawImage(img, 0, 0);
    const pixels = ctx.getImageData(0, 0, img.width, img.height);
    return window.jsQR(pixels.data, img.width, img.height)?.data ?? null;
  }, Buffer.from(bytes).toString('base64'));
}

/// Reads a signed ticket payload off a QR code as a scanner does (`GH1:CODE:ORG:DATE:KEY:SIG`,
/// see `src/tickets/signed/mod.rs`): checks its Ed25519 signature against the organization's
/// public keys (`GET /api/operator/keys`) and answers its fields, the ticket code as printed.
export async function verifiedPayload(server, payload) {
  const fields = payload.split(':');
  assert.equal(fields.length, 6, `a payload of six fields: ${payload}`);
  const [version, compact, orq, date, keyId, signature] = fields;
  assert.equal(version, 'GH1');
  const { status, body } = await server.api('GET', '/api/operator/keys', undefined, server.token('operator'));
  assert.equal(status, 200, JSON.stringify(body));
  const key = body.data.find((k) => String(k.key_id) === keyId && String(k.orq) === orq);
  assert.ok(key, `key ${keyId} of organization ${orq} is listed`);
  const publicKey = createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: base32(key.public_key).toString('base64url') },
    format: 'jwk',
  });
  const signed = Buffer.from(fields.slice(0, 5).join(':'), 'ascii');
  assert.ok(verify(null, signed, publicKey, base32(signature)), `the signature verifies: ${payload}`);
  const code = `TKT-${compact.slice(0, 4)}-${compact.slice(4, 10)}-${compact.slice(10, 16)}-${compact.slice(16)}`;
  return { code, orq: Number(orq), date: date === '-' ? null : `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6)}`, keyId: Number(keyId) };
}

/// RFC 4648 base32 without padding, to bytes.
function base32(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0, value = 0;
  const out = [];
  for (const c of text) {
    const v = alphabet.indexOf(c);
    if (v < 0) throw new Error(`not base32: ${c}`);
    value = (value << 5) | v;
    bits += 5;
    if (bits >= 8) { out.push((value >>> (bits - 8)) & 0xff); bits -= 8; }
  }
  return Buffer.from(out);
}

/// A bookable day of the calendar at least two days after the server's today (so its visit is
/// outside the 24 h change cut-off), moving to later months when the one on screen has none.
export async function bookableDay(page, server) {
  const [y, m, d] = server.today.split('-').map(Number);
  const earliest = venueDate(Date.UTC(y, m - 1, d, 12) + 2 * 86_400_000);
  const days = page.locator('td.day.available a, td.day.limited a');
  for (let month = 0; month < 3; month++) {
    const dates = await days.evaluateAll((links) => links.map((a) => new URL(a.href).searchParams.get('date')));
    const index = dates.findIndex((date) => date >= earliest);
    if (index >= 0) return days.nth(index);
    const shown = new URL(page.url()).searchParams.get('month');
    await page.getByRole('link', { name: 'Next month' }).click();
    // Hydrated, the title changes a moment before the grid: wait until every day of the grid is
    // of the month the address now names (a month without a bookable day has no links to check).
    await page.waitForFunction((before) => {
      const month = new URLSearchParams(location.search).get('month');
      const days = [...document.querySelectorAll('td.day[data-date]')];
      return month && month !== before && days.length > 0
        && days.every((td) => td.dataset.date.startsWith(month));
    }, shown);
  }
  throw new Error(`no bookable day from ${earliest} in three months`);
}
