// What a visitor reads at each step (issue 11 §3): a calendar that opens where there is
// something to book, a warning before booking a visit that cannot be changed, no step that can
// only fail, and words instead of machine names. Hydrated and without JavaScript.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, shot, venueDate, DEFAULT_NOW } from './harness.js';
import { customerFlows } from './flows.js';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser.close(); });

for (const javaScriptEnabled of [true, false]) {
  const tag = javaScriptEnabled ? 'js' : 'nojs';

  test(`on a month's last evening the calendar opens on the next month, where places are (${tag})`, async () => {
    const server = await startServer({}, { now: '2026-11-30T23:30:00-05:00' });
    try {
      const flows = customerFlows(server, browser);
      const page = await flows.phonePage(javaScriptEnabled);
      await flows.giveContact(page, flows.activated());
      assert.match(await page.locator('#calendar-title').textContent(), /December 2026/);
      assert.ok(await page.locator('td.day.available a, td.day.limited a').count() > 0, 'bookable days on the first month shown');
      await shot(page, `clarity-${tag}-month-end-calendar`);
      await page.context().close();
    } finally {
      await server.stop();
    }
  });

  test(`a visit inside the change cut-off is announced before booking, and the ticket then offers no dead end (${tag})`, async () => {
    const server = await startServer();
    try {
      const flows = customerFlows(server, browser);
      const page = await flows.phonePage(javaScriptEnabled);
      const code = flows.activated();
      await flows.giveContact(page, code);
      // Tomorrow 10:00 is 23 hours after DEFAULT_NOW: inside the 24-hour cut-off.
      await page.goto(`${server.base}/reserve?ticket=${code}&date=${venueDate(DEFAULT_NOW, 1)}`);
      const slots = await page.locator('.slots').textContent();
      assert.doesNotMatch(slots, /\d+\/\d+/, 'no "200/200 available" beside an Available badge');
      assert.match(await page.locator('#slots-title ~ p.muted').textContent(), /Times are New York time/);
      await page.locator('.slot a.button').first().click();
      await page.getByRole('button', { name: 'Confirm reservation' }).waitFor();
      assert.match(await page.locator('.warning').textContent(), /won't be able to change or cancel/);
      assert.match(await page.locator('.facts').textContent(), /New York time/);
      await shot(page, `clarity-${tag}-final-summary`);
      await page.getByRole('button', { name: 'Confirm reservation' }).click();
      await page.waitForURL(/\/ticket\?code=.*&booked=1/);
      await page.locator('.confirmed').waitFor();
      assert.match(await page.locator('.confirmed').textContent(), /Reservation confirmed/);
      assert.equal(await page.locator('.status').textContent(), 'Visit booked');
      assert.doesNotMatch(await page.locator('main').textContent(), /RESERVED|ACTIVATED|America\/New_York/);

      // A plain look-up is no confirmation.
      await page.goto(`${server.base}/ticket?code=${code}`);
      await page.locator('.status').waitFor();
      assert.equal(await page.locator('.confirmed').count(), 0);

      // The booking flow for this ticket could only lead back here: it sends the visitor to the ticket,
      // which says in words why it cannot be changed.
      await page.goto(`${server.base}/reserve?ticket=${code}`);
      await page.waitForURL(/\/ticket\?code=/);
      assert.equal(await page.locator('.status').textContent(), 'Visit booked');
      assert.match(await page.locator('.manage').textContent(), /can no longer be changed/);
      assert.equal(await page.getByRole('link', { name: 'Change date or time' }).count(), 0);
      assert.doesNotMatch(await page.locator('main').textContent(), /\d{4}-\d{2}-\d{2}/);
      await shot(page, `clarity-${tag}-booked-ticket-entry`);
      assert.deepEqual(page.errors, []);
      await page.context().close();
    } finally {
      await server.stop();
    }
  });
}
