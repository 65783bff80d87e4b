// Lighthouse 12 on the portal's pages, against the real release server (not a test: it reports
// figures). The mobile preset: a mid-range phone on slow 4G, throttling simulated. Each page is
// run RUNS times (default 3) and the run with the median score is printed, with the bytes a
// first and a repeat visit move in Chromium. From end2end/, after `scripts/build.sh release`:
//   npm run lighthouse
import { join } from 'node:path';
import lighthouse from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';
import { startServer, launchBrowser, demoCodes, bookableDay, loadBytes } from '../tests/harness.js';
import { customerFlows } from '../tests/flows.js';

const targetDir = process.env.CARGO_TARGET_DIR ?? join(import.meta.dirname, '..', '..', 'target');
process.env.GATEHOUSE_BIN ??= join(targetDir, 'release', 'gatehouse');
process.env.CHROME_PATH ??= '/usr/bin/chromium';
const RUNS = Number(process.env.RUNS ?? 3);
const CHROME_FLAGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const server = await startServer(
  process.env.GATEHOUSE_SITE_ROOT ? { GATEHOUSE_SITE_ROOT: process.env.GATEHOUSE_SITE_ROOT } : {},
  { now: null },
);
const browser = await launchBrowser();
const chrome = await chromeLauncher.launch({ chromeFlags: CHROME_FLAGS });
try {
  // A ticket at the calendar step (contact given) and a booked one, for the ticket page.
  const flows = customerFlows(server, browser);
  const page = await browser.newPage();
  const [calendarCode, bookedCode] = demoCodes(server, 'ACTIVATED');
  await flows.giveContact(page, calendarCode);
  await flows.giveContact(page, bookedCode);
  await (await bookableDay(page, server)).click();
  await page.locator('.slot a.button').first().click();
  await page.getByRole('button', { name: 'Confirm reservation' }).click();
  await page.waitForURL(/\/ticket\?code=/);
  const pages = [
    ['/ (start)', '/'],
    ['/reserve (ticket entry)', '/reserve'],
    ['/reserve?ticket= (calendar)', `/reserve?ticket=${calendarCode}`],
    ['/ticket?code=&manage= (ticket)', new URL(page.url()).pathname + new URL(page.url()).search],
  ];
  await page.close();

  const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
  const rows = [];
  let version;
  for (const [name, path] of pages) {
    const runs = [];
    for (let i = 0; i < RUNS; i++) {
      const { lhr } = await lighthouse(server.base + path, {
        port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: ['performance'],
      });
      if (lhr.runtimeError) throw new Error(`${path}: ${lhr.runtimeError.message}`);
      runs.push(lhr);
      version = lhr.lighthouseVersion;
    }
    runs.sort((a, b) => a.categories.performance.score - b.categories.performance.score);
    const lhr = runs[Math.floor(runs.length / 2)];
    const audit = (id) => lhr.audits[id].numericValue;
    const context = await browser.newContext();
    const visitor = await context.newPage();
    const first = await loadBytes(visitor, server.base + path);
    const repeat = await loadBytes(visitor, server.base + path);
    await context.close();
    rows.push(`${name.padEnd(32)} ${String(Math.round(lhr.categories.performance.score * 100)).padStart(5)}`
      + ` ${(audit('largest-contentful-paint') / 1000).toFixed(1).padStart(5)} s`
      + ` ${(audit('first-contentful-paint') / 1000).toFixed(1).padStart(5)} s`
      + ` ${Math.round(audit('total-blocking-time')).toString().padStart(3)} ms`
      + ` ${kb(audit('total-byte-weight')).padStart(16)} ${kb(first.total).padStart(12)} ${kb(repeat.total).padStart(9)}`);
  }
  console.log(`Lighthouse ${version}, mobile preset (simulated slow 4G, 4x CPU), median of ${RUNS} runs; `
    + 'bytes as sent (compressed, with headers)');
  console.log(`${'page'.padEnd(32)} ${'score'.padStart(5)} ${'LCP'.padStart(7)} ${'FCP'.padStart(7)} ${'TBT'.padStart(6)}`
    + ` ${'Lighthouse bytes'.padStart(16)} ${'first visit'.padStart(12)} ${'repeat'.padStart(9)}`);
  for (const row of rows) console.log(row);
} finally {
  await chrome.kill();
  await browser.close();
  await server.stop();
}
