// The start page: a way to book first, the venue and when it is open, the next days as ways into
// booking them, and looking a ticket up as the second way in. Hydrated and without JavaScript, on
// a 360 px phone and a 1280 px desktop.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, shot, expectAccessible, demoCodes, venueDate, DEFAULT_NOW } from './harness.js';

let server, browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });

// All zeros is a valid code (its weighted sum is zero); changing the last character breaks it.
const WELL_FORMED_UNKNOWN = 'TKT-0000-000000-000000-00000';
const TYPO = 'TKT-0000-000000-000000-00001';
const SCREENS = { phone: { width: 360, height: 800 }, desktop: { width: 1280, height: 900 } };

let nextActivated = 0;
const activated = () => demoCodes(server, 'ACTIVATED')[nextActivated++];

async function openHome(javaScriptEnabled, viewport) {
  const context = await browser.newContext({ javaScriptEnabled, viewport });
  const page = await context.newPage();
  page.noJs = !javaScriptEnabled;
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e.message));
  await page.goto(server.base + '/');
  if (javaScriptEnabled) {
    await page.waitForFunction(() => document.body.hasAttribute('data-hydrated'), null, { timeout: 15_000 });
  }
  return page;
}

async function assertNoSidewaysScroll(page, what) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `${what}: the page is ${overflow}px wider than the viewport`);
}

test('the start page hydrates: the code field checks a typo as it is typed', async () => {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(server.base + '/');
  await assert.doesNotReject(page.getByRole('heading', { name: 'Harbor Museum of Light' }).waitFor());
  const hint = page.locator('#ticket-code-hint');
  // Only the hydrated page reacts to typing; retype until hydration has attached the handler.
  await assert.doesNotReject(async () => {
    for (let i = 0; i < 50; i++) {
      await page.fill('#ticket-code', TYPO);
      if ((await hint.textContent()).includes('typo')) return;
      await page.waitForTimeout(200);
    }
    throw new Error('the hint never reacted: the page did not hydrate');
  });
  await shot(page, 'home-typo');
  await expectAccessible(page, 'start page');
  await page.fill('#lookup-code', WELL_FORMED_UNKNOWN);
  await page.locator('#lookup-code-hint').getByText('looks right').waitFor();
  await page.getByRole('button', { name: 'Look up my ticket' }).click();
  await page.getByText('Invalid ticket code. Please check and try again.').waitFor();
  await shot(page, 'ticket-not-found');
  await expectAccessible(page, 'ticket not found');
  assert.equal(await page.title(), 'Your ticket · Gatehouse');
  assert.deepEqual(errors, []);
});

test('without JavaScript the start page and the ticket lookup still work', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(server.base + '/');
  await page.fill('#lookup-code', TYPO);
  await page.getByRole('button', { name: 'Look up my ticket' }).click();
  await page.getByText('This code has a typo').first().waitFor();
  await shot(page, 'ticket-typo-nojs');
  await context.close();
});

for (const [screen, viewport] of Object.entries(SCREENS)) {
  test(`the start page leads with booking, then says where the venue is and when it is open (${screen})`, async () => {
    const page = await openHome(true, viewport);
    const venue = page.locator('header.venue');
    assert.equal(await venue.getByRole('heading', { level: 1 }).textContent(), 'Harbor Museum of Light');
    assert.match(await venue.textContent(), /1 Pier Street, New York, NY/);
    assert.equal(await venue.locator('.hours').textContent(), 'Open every day, 10:00 AM–6:00 PM (New York time)');

    const book = page.getByRole('region', { name: 'Book your visit' });
    assert.match(await book.textContent(), /bought online or pre-printed.*pick a date and time/);
    assert.match(await book.textContent(), /printed under the QR code/, 'it says where the code is');
    const bookButton = book.getByRole('button', { name: 'Book a time' });
    const lookUp = page.getByRole('button', { name: 'Look up my ticket' });
    assert.equal(await lookUp.evaluate((b) => b.classList.contains('secondary')), true, 'looking up is the secondary way');
    assert.equal(await bookButton.evaluate((b) => b.classList.contains('secondary')), false);
    const top = async (l) => (await l.boundingBox()).y;
    assert.ok(await top(book) < await top(page.getByRole('region', { name: 'Already booked?' })), 'booking comes first');

    // Every day with places is a link into booking it, and all of its row can be tapped.
    const rows = page.locator('.days a[href]');
    assert.equal(await rows.count(), 7, 'the demo has places on each of the next seven days');
    const heights = await rows.evaluateAll((links) => links.map((a) => a.getBoundingClientRect().height));
    assert.ok(heights.every((h) => h >= 44), `day rows are at least 44 px tall: ${heights}`);
    const widths = await rows.evaluateAll((links) => links.map((a) => a.getBoundingClientRect().width
      / a.closest('ul').getBoundingClientRect().width));
    assert.ok(widths.every((w) => w > 0.99), `day rows take the list's whole width: ${widths}`);

    await assertNoSidewaysScroll(page, 'start page');
    await shot(page, `home-${screen}`);
    await expectAccessible(page, `start page (${screen})`);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });
}

for (const javaScriptEnabled of [true, false]) {
  const tag = javaScriptEnabled ? 'js' : 'nojs';
  test(`a ticket code in the booking form leads to the contact step (${tag})`, async () => {
    const page = await openHome(javaScriptEnabled, SCREENS.phone);
    await page.fill('#ticket-code', activated());
    await page.getByRole('button', { name: 'Book a time' }).click();
    await page.locator('#email').waitFor();
    assert.match(page.url(), /\/reserve\?ticket=TKT-/);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  for (const [screen, viewport] of Object.entries(SCREENS)) {
    test(`a day tapped on the start page is the day whose times the calendar shows after the code and contact steps (${tag}, ${screen})`, async () => {
      const page = await openHome(javaScriptEnabled, viewport);
      const day = venueDate(DEFAULT_NOW, 1);
      assert.equal(day, '2027-04-15');
      await page.locator(`.days a[href="/reserve?date=${day}"]`).click();
      await page.waitForURL(`**/reserve?date=${day}`);
      assert.match(await page.locator('.chosen').textContent(),
        /You chose Thursday, April 15: enter your ticket code to see its times\./);
      await shot(page, `home-day-${tag}-${screen}-1-code`);
      await expectAccessible(page, 'ticket code step with a day chosen');

      await page.fill('#ticket-code', activated());
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.locator('#email').waitFor();
      assert.match(page.url(), new RegExp(`date=${day}`));
      await page.fill('#email', 'ada@example.com');
      await page.fill('#phone', '(202) 555-0143');
      await shot(page, `home-day-${tag}-${screen}-2-contact`);
      await page.getByRole('button', { name: 'Continue' }).click();

      await page.locator('.slots').waitFor();
      assert.equal(await page.locator('#slots-title').textContent(), 'Thursday, April 15');
      assert.equal(await page.locator('.slots .slot').count(), 4, "the day's four times are listed");
      assert.equal(await page.locator(`td.selected[data-date="${day}"]`).count(), 1, 'the calendar marks the day chosen');
      await assertNoSidewaysScroll(page, 'calendar');
      await shot(page, `home-day-${tag}-${screen}-3-slots`);
      assert.deepEqual(page.errors, []);
      await page.context().close();
    });
  }
}

test('a day without places is no link and says so in words', async () => {
  const page = await openHome(true, SCREENS.phone);
  // Fill every slot of the day after tomorrow to its bookings, as an admin would.
  const admin = server.token('admin');
  const day = venueDate(DEFAULT_NOW, 2);
  // The demo is the server's only organization, the first.
  const slots = (await server.api('GET', `/api/reservation-slots/available?orq=1&month=${day.slice(0, 7)}`)).body.data;
  for (const slot of slots.filter((s) => s.date === day)) {
    const { status, body } = await server.api('PUT', `/api/admin/slots/${slot.id}/capacity`,
      { total_capacity: slot.booked_count }, admin);
    assert.equal(status, 200, JSON.stringify(body));
  }
  await page.reload();
  const row = page.locator('.days li', { hasText: 'Fri Apr 16' });
  assert.equal(await row.locator('a[href]').count(), 0, 'a full day is no link');
  assert.equal((await row.locator('.badge').textContent()), 'No places left');
  await shot(page, 'home-full-day');
  await expectAccessible(page, 'start page with a full day');
  await page.context().close();
});
