// Starts the real Gatehouse binary on a fresh SQLite database with demo data, on a free port,
// and Debian's Chromium through playwright-core. Screenshots land in end2end/artifacts/.
import { spawn, execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
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

export async function startServer(extraEnv = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-e2e-'));
  const bin = process.env.GATEHOUSE_BIN ?? join(targetDir, 'debug', 'gatehouse');
  const env = {
    ...process.env,
    GATEHOUSE_DATA_DIR: dataDir,
    GATEHOUSE_LISTEN: '127.0.0.1:0',
    GATEHOUSE_SITE_ROOT: siteDir,
    GATEHOUSE_LOG: 'warn',
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

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export async function shot(page, name) {
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
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

/// A day of the calendar on screen that can surely be booked: the second bookable day (today's
/// slots may all have started), or, in a month's last days, the first one of the next month.
export async function bookableDay(page) {
  const days = page.locator('td.day.available a, td.day.limited a');
  if (await days.count() >= 2) return days.nth(1);
  await page.getByRole('link', { name: 'Next month' }).click();
  await page.waitForURL(/month=/);
  await page.waitForFunction(() => document.querySelectorAll('td.day.available a, td.day.limited a').length > 0);
  return days.first();
}
