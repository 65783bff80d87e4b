// The admin's live operations page: rendered with today's figures (also without JavaScript), then
// kept current by the server. A visit booked in the portal from a second browser context shows on
// the open page without a reload; the page is axe-clean and looked at on a desktop and a tablet.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, shot, expectAccessible, signInAdmin, demoCodes } from './harness.js';

let server, browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });

/// The "Booked" figure of today's slot starting at `time` (its row's header begins with it).
async function booked(page, time) {
  const row = page.locator('#slots-title ~ .table-scroll tbody tr', { has: page.locator(`th:text-matches("^${time}")`) });
  return Number(await row.locator('td').first().textContent());
}

/// A visitor books today's first open time through the portal, in a context of its own.
async function bookTodayInThePortal() {
  const context = await browser.newContext({ viewport: { width: 360, height: 800 } });
  const page = await context.newPage();
  const code = demoCodes(server, 'ACTIVATED')[0];
  await page.goto(`${server.base}/reserve?ticket=${code}`);
  await page.fill('#email', 'ada@example.com');
  await page.fill('#phone', '(202) 555-0143');
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.locator('table.calendar').waitFor();
  await page.goto(`${server.base}/reserve?ticket=${code}&date=${server.today}`);
  await page.locator('.slot a.button').first().click();
  await page.getByRole('button', { name: 'Confirm reservation' }).click();
  await page.waitForURL(/\/ticket\?code=/);
  await context.close();
}

test('a visit booked in the portal shows on the open live page without a reload', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await signInAdmin(page, server);
  await page.goto(server.base + '/admin/live');
  await page.locator('body[data-hydrated]').waitFor();
  await page.getByRole('heading', { name: 'Live operations' }).waitFor();
  // The demo clock reads 11:00 in New York: the 12:00 slot is today's first that takes bookings.
  const before = await booked(page, '12:00');
  let reloaded = false;
  page.on('framenavigated', (frame) => { if (frame === page.mainFrame()) reloaded = true; });

  const started = Date.now();
  await bookTodayInThePortal();
  await page.waitForFunction(
    ([n]) => [...document.querySelectorAll('#slots-title ~ .table-scroll tbody tr')]
      .some((tr) => /^12:00/.test(tr.querySelector('th').textContent) && Number(tr.querySelector('td').textContent) === n),
    [before + 1], { timeout: 10_000 });
  console.log(`# portal booking → live page: ${Date.now() - started} ms (including the booking itself)`);
  assert.equal(reloaded, false, 'the page was not reloaded');
  // Booking attempts are counted once a second: the next snapshot brings them.
  await page.waitForFunction(() => /Booking attempts today\s*1, 0 refused/.test(document.querySelector('.live-now').textContent),
    null, { timeout: 10_000 });
  assert.deepEqual(errors, []);
  await shot(page, 'admin-live-1280');
  await expectAccessible(page, 'live operations at 1280 px');
  await page.setViewportSize({ width: 768, height: 1000 });
  await shot(page, 'admin-live-768');
  await expectAccessible(page, 'live operations at 768 px');
  await context.close();
});

test('without JavaScript the live page shows the figures it was rendered with', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 768, height: 1000 } });
  const page = await context.newPage();
  page.noJs = true;
  await signInAdmin(page, server);
  await page.goto(server.base + '/admin/live');
  await page.getByRole('heading', { name: 'Live operations' }).waitFor();
  assert.equal(await page.locator('#slots-title ~ .table-scroll tbody tr').count(), 4);
  assert.match(await page.locator('[role="status"]').textContent(), /alert/i);
  await shot(page, 'admin-live-nojs-768');
  await expectAccessible(page, 'live operations without JavaScript');
  await context.close();
});
