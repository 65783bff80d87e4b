// Admin analytics: an admin picks a range, sees the charts (SVG from the server, each with its
// numbers in a table) and downloads a table as CSV; the range form works without JavaScript, and
// a range that is not one is refused by name.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import {
  startServer, launchBrowser, shot, expectAccessible, signInAdmin, venueDate, DEFAULT_NOW,
} from './harness.js';

let server, browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });

const from = venueDate(DEFAULT_NOW, -7);
const until = venueDate(DEFAULT_NOW, 7);
const yesterday = venueDate(DEFAULT_NOW, -1);

test('an admin sees charts and tables for a range and downloads a table as CSV', async () => {
  for (const width of [1280, 768]) {
    const context = await browser.newContext({ viewport: { width, height: 900 }, acceptDownloads: true });
    const page = await context.newPage();
    await signInAdmin(page, server);
    await page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: 'Analytics' }).click();
    await page.getByRole('heading', { name: 'Analytics', level: 1 }).waitFor();
    await page.getByLabel('From').fill(from);
    await page.getByLabel('Until').fill(until);
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL(new RegExp(`from=${from}&until=${until}`));

    for (const name of [/^Utilization per day/, /^Demand by weekday and hour/, /^Lead time between booking and visit/]) {
      await page.getByRole('img', { name }).waitFor();
    }
    // The demo admitted 30 visitors yesterday: the day's row says so.
    const days = page.getByRole('table', { name: 'Utilization per day' });
    assert.equal(await days.locator('tbody tr').count(), 15);
    const row = days.locator('tbody tr', { has: page.locator('th', { hasText: yesterday }) });
    assert.equal(await row.locator('td').nth(3).textContent(), '30');
    await page.getByRole('table', { name: 'Conversion and no-shows' }).waitFor();

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download “Utilization per day” as CSV' }).click(),
    ]);
    assert.equal(download.suggestedFilename(), `days-${from}-${until}.csv`);
    const csv = await readFile(await download.path(), 'utf8');
    const lines = csv.trimEnd().split('\r\n');
    assert.equal(lines[0], 'date,slots,capacity,booked,admitted,utilization_percent');
    assert.equal(lines.length, 16);
    assert.match(lines.find((l) => l.startsWith(yesterday)), /,30,\d+$/);

    await shot(page, `admin-analytics-${width}`);
    await expectAccessible(page, `analytics at ${width} px`);
    await context.close();
  }
});

test('the range form works without JavaScript, and a range that is too long is refused by name', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  page.noJs = true;
  await signInAdmin(page, server);
  await page.goto(server.base + '/admin/analytics');
  await page.getByLabel('From').fill(from);
  await page.getByLabel('Until').fill(until);
  await page.getByRole('button', { name: 'Show' }).click();
  await page.waitForURL(new RegExp(`from=${from}`));
  await page.getByRole('img', { name: /^Utilization per day/ }).waitFor();
  await page.getByRole('table', { name: 'Demand by weekday and hour' }).waitFor();

  await page.goto(`${server.base}/admin/analytics?from=2026-01-01&until=2027-12-31`);
  await page.getByRole('alert').filter({ hasText: 'A range covers at most 366 days' }).waitFor();
  await context.close();
});

test('a table download needs an admin session', async () => {
  const res = await fetch(`${server.base}/admin/analytics/days.csv?from=${from}&until=${until}`, { redirect: 'manual' });
  assert.equal(res.status, 303);
  assert.match(res.headers.get('location'), /\/admin\/login$/);
});
