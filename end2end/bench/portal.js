// Portal timings, measured against the real release server and database (not a test: it
// reports figures). Run from end2end/: `npm run bench` after `scripts/build.sh release`.
//   - server render time of each booking step (sequential GETs, time to the full page)
//   - Confirm → success page in Chromium, hydrated and without JavaScript
import { join } from 'node:path';
import { startServer, launchBrowser, demoCodes, bookableDay } from '../tests/harness.js';

const targetDir = process.env.CARGO_TARGET_DIR ?? join(import.meta.dirname, '..', '..', 'target');
process.env.GATEHOUSE_BIN ??= join(targetDir, 'release', 'gatehouse');
const RENDERS = Number(process.env.RENDERS ?? 300);
const BOOKINGS = Number(process.env.BOOKINGS ?? 10);

const pct = (xs, p) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
function summary(name, ms) {
  ms.sort((a, b) => a - b);
  const f = (x) => x.toFixed(1).padStart(7);
  console.log(`${name.padEnd(36)} n=${String(ms.length).padEnd(4)} p50 ${f(pct(ms, 50))} ms  p95 ${f(pct(ms, 95))} ms  p99 ${f(pct(ms, 99))} ms`);
}

async function timeGets(url) {
  const ms = [];
  for (let i = 0; i < RENDERS; i++) {
    const t = performance.now();
    const res = await fetch(url);
    await res.text();
    if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
    ms.push(performance.now() - t);
  }
  return ms;
}

const server = await startServer({}, { now: null });
const browser = await launchBrowser();
try {
  const codes = demoCodes(server, 'ACTIVATED');
  const page = await browser.newPage();
  // One ticket with contact details saved, to reach the calendar step.
  await page.goto(`${server.base}/reserve?ticket=${codes[0]}`);
  await page.fill('#email', 'bench@example.com');
  await page.fill('#phone', '(202) 555-0100');
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.locator('table.calendar').waitFor();
  const dayHref = await (await bookableDay(page, server)).getAttribute('href');
  await page.goto(new URL(dayHref, server.base).href);
  const slotHref = await page.locator('.slot a.button').first().getAttribute('href');

  console.log(`server render, ${RENDERS} sequential requests each (release build, SQLite, demo data)`);
  summary('/ (start page)', await timeGets(`${server.base}/`));
  summary('/reserve (ticket entry)', await timeGets(`${server.base}/reserve`));
  summary('/reserve?ticket= (contact step)', await timeGets(`${server.base}/reserve?ticket=${codes[1]}`));
  summary('/reserve … (calendar)', await timeGets(`${server.base}/reserve?ticket=${codes[0]}`));
  summary('/reserve …&date= (calendar + slots)', await timeGets(new URL(dayHref, server.base).href));
  summary('/reserve …&slot= (summary)', await timeGets(new URL(slotHref, server.base).href));

  for (const javaScriptEnabled of [true, false]) {
    const ms = [];
    for (let i = 0; i < BOOKINGS; i++) {
      const code = codes[2 + i + (javaScriptEnabled ? 0 : BOOKINGS)];
      const context = await browser.newContext({ javaScriptEnabled });
      const p = await context.newPage();
      await p.goto(`${server.base}/reserve?ticket=${code}`);
      await p.fill('#email', 'bench@example.com');
      await p.fill('#phone', '(202) 555-0100');
      await p.getByRole('button', { name: 'Continue' }).click();
      await p.locator('table.calendar').waitFor();
      await p.goto(new URL(slotHref.replace(codes[0], code), server.base).href);
      const button = p.getByRole('button', { name: 'Confirm reservation' });
      await button.waitFor();
      if (javaScriptEnabled) await p.waitForFunction(() => document.body.hasAttribute('data-hydrated'));
      const t = performance.now();
      await button.click();
      await p.locator('.status').filter({ hasText: 'RESERVED' }).waitFor();
      ms.push(performance.now() - t);
      await context.close();
    }
    summary(`Confirm → success (${javaScriptEnabled ? 'hydrated' : 'no JavaScript'})`, ms);
  }
} finally {
  await browser.close();
  await server.stop();
}
