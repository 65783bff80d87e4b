// The customer's booking flow, end to end against the real server and database: hydrated and
// with JavaScript disabled, on a phone-sized screen, with axe-core checking every page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, shot, demoCodes, expectAccessible, decodeQrPng, bookableDay } from './harness.js';

let server, browser, admin;
before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  admin = server.token('admin');
});
after(async () => { await browser?.close(); await server?.stop(); });

// Each test takes its own demo tickets, so tests never share one.
let nextActivated = 0;
const activated = () => demoCodes(server, 'ACTIVATED')[nextActivated++];

async function phonePage(javaScriptEnabled = true) {
  const context = await browser.newContext({ javaScriptEnabled, viewport: { width: 360, height: 800 } });
  const page = await context.newPage();
  page.noJs = !javaScriptEnabled;
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e.message));
  return page;
}

/// Waits until the page has hydrated (the code checks itself only then).
async function hydrated(page) {
  await page.waitForFunction(() => document.body.hasAttribute('data-hydrated'), null, { timeout: 15_000 });
}

async function ticketId(code) {
  const { body } = await server.api('GET', `/api/tickets/${code}`);
  return body.data.ticket_id;
}

/// A second client books `slotId` through the REST API with another demo ticket.
async function bookFromElsewhere(slotId) {
  const code = activated();
  const { status, body } = await server.api('POST', '/api/reservations/create', {
    ticket_id: await ticketId(code), slot_id: slotId,
    customer_email: 'other@example.com', customer_phone: '+1 202 555 0199',
  });
  assert.equal(status, 200, JSON.stringify(body));
}

/// From the code to the calendar: the contact step, filled in.
async function giveContact(page, code, tag) {
  await page.goto(`${server.base}/reserve?ticket=${code}`);
  await page.fill('#email', 'ada@example.com');
  await page.fill('#phone', '(202) 555-0143');
  if (tag) {
    await shot(page, `reserve-${tag}-1-contact`);
    await expectAccessible(page, 'contact step');
  }
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.locator('table.calendar').waitFor();
}


/// A fresh ticket's way to the slots of a bookable day.
async function openDaySlots(page) {
  await giveContact(page, activated());
  await (await bookableDay(page)).click();
  await page.locator('.slots').waitFor();
}

/// Nothing sticks out of its card (buttons and links stay inside the padding box's edge).
async function assertFitsCards(page, step) {
  const outside = await page.evaluate(() => [...document.querySelectorAll('.card a, .card button, .card span, .card td')]
    .filter((e) => e.getBoundingClientRect().right > e.closest('.card').getBoundingClientRect().right + 0.5)
    .map((e) => e.textContent.trim()));
  assert.deepEqual(outside, [], `${step}: these stick out of their card`);
}

async function bookWholeFlow(javaScriptEnabled, code) {
  const tag = javaScriptEnabled ? 'js' : 'nojs';
  const page = await phonePage(javaScriptEnabled);
  await giveContact(page, code, tag);
  await shot(page, `reserve-${tag}-2-calendar`);
  await assertFitsCards(page, 'calendar');
  await expectAccessible(page, 'calendar');
  await (await bookableDay(page)).click();
  await page.locator('.slots').waitFor();
  await shot(page, `reserve-${tag}-3-slots`);
  await assertFitsCards(page, 'slots');
  await expectAccessible(page, 'slots');
  await page.locator('.slot a.button').first().click();
  await page.getByRole('heading', { name: 'Reservation summary' }).waitFor();
  assert.match(await page.locator('.facts').textContent(), /ada@example\.com.*\+12025550143/s);
  await shot(page, `reserve-${tag}-4-confirm`);
  await expectAccessible(page, 'confirm');
  const clicked = Date.now();
  await page.getByRole('button', { name: 'Confirm reservation' }).click();
  await page.waitForURL(/\/ticket\?code=/);
  await page.locator('.status').waitFor();
  console.log(`# confirm → success page (${tag}): ${Date.now() - clicked} ms`);
  assert.equal(await page.locator('.status').textContent(), 'RESERVED');
  assert.equal(await page.title(), 'Your ticket · Gatehouse', 'the title follows the page');
  assert.equal(await page.locator('.qr svg').count(), 1, 'the QR code is shown');
  assert.doesNotMatch(await page.locator('main').textContent(), /confirmation (sent|email)/i,
    'nothing claims a message was sent: none is sent yet');
  const icsHref = await page.getByRole('link', { name: 'Add to calendar (.ics)' }).getAttribute('href');
  const ics = await page.request.get(new URL(icsHref, server.base).href);
  assert.match(await ics.text(), /BEGIN:VEVENT[\s\S]*DTSTART:\d{8}T\d{6}Z/);
  const pngHref = await page.getByRole('link', { name: 'Save QR code (PNG)' }).getAttribute('href');
  const png = await page.request.get(new URL(pngHref, server.base).href);
  assert.equal(png.headers()['content-type'], 'image/png');
  const reader = await browser.newPage();
  assert.equal(await decodeQrPng(reader, await png.body()), code, 'the PNG decodes to the ticket code');
  await reader.close();
  assert.equal(await page.getByRole('button', { name: 'Print ticket' }).count(), javaScriptEnabled ? 1 : 0);
  await shot(page, `reserve-${tag}-5-reserved`);
  await assertFitsCards(page, 'ticket page');
  await expectAccessible(page, 'ticket page');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `page is ${overflow}px wider than a 360px screen`);
  const small = await page.evaluate(() => [...document.querySelectorAll('main a, main button, main input, main select')]
    .filter((e) => e.offsetParent && !e.closest('p, dd, .legend'))
    .map((e) => [e.textContent.trim() || e.id, e.getBoundingClientRect().height])
    .filter(([, h]) => h < 44));
  assert.deepEqual(small, [], 'touch targets are at least 44 px tall');
  assert.deepEqual(page.errors, []);
  await page.context().close();
}

test('a customer books a visit from ticket code to reservation, hydrated', async () => {
  await bookWholeFlow(true, activated());
});

test('the same flow completes with JavaScript disabled', async () => {
  await bookWholeFlow(false, activated());
});

test('contact details are checked as they are typed', async () => {
  const page = await phonePage();
  await page.goto(`${server.base}/reserve?ticket=${activated()}`);
  await hydrated(page);
  await page.fill('#email', 'ada@');
  assert.match(await page.locator('#email-hint').textContent(), /enter an email address/);
  await page.fill('#phone', '(202) 555-0143');
  assert.match(await page.locator('#phone-hint').textContent(), /\+12025550143/);
  await page.context().close();
});

test('an unknown or mistyped code is refused with the reason, and nothing else shows', async () => {
  const page = await phonePage(false);
  await page.goto(`${server.base}/reserve?ticket=TKT-0000-000000-000000-00000`);
  assert.equal(await page.getByRole('alert').textContent(), 'Invalid ticket code. Please check and try again.');
  await expectAccessible(page, 'unknown code');
  await shot(page, 'reserve-unknown-code');
  await page.goto(`${server.base}/reserve?ticket=TKT-0000-000000-000000-00001`);
  assert.match(await page.getByRole('alert').textContent(), /typo/i);
  assert.equal(await page.locator('table.calendar').count(), 0);
  // The PRD's message for each state a ticket cannot be booked in.
  for (const [status, message] of [
    ['VERIFIED', 'This ticket has already been used for entry.'],
    ['PENDING_PAYMENT', 'This ticket is not activated yet. Please complete payment.'],
    ['EXPIRED', 'This ticket has expired.'],
  ]) {
    await page.goto(`${server.base}/reserve?ticket=${demoCodes(server, status)[0]}`);
    assert.equal(await page.getByRole('alert').textContent(), message, status);
  }
  await page.goto(`${server.base}/no-such-page`);
  await expectAccessible(page, '404 page');
  await page.context().close();
});

test('the calendar is driven by the keyboard: arrows move between days, Enter picks one', async () => {
  const page = await phonePage();
  await giveContact(page, activated());
  await hydrated(page);
  const day = await bookableDay(page);
  const n = Number(await day.getAttribute('data-day'));
  const last = Number(await page.locator('[data-day]').last().getAttribute('data-day'));
  await day.focus();
  const focused = async () => Number(await page.evaluate(() => document.activeElement.getAttribute('data-day')));
  // Whichever way the month leaves room: a day sideways, a week up or down, and back.
  const [side, back] = n < last ? ['ArrowRight', 'ArrowLeft'] : ['ArrowLeft', 'ArrowRight'];
  await page.keyboard.press(side);
  assert.equal(await focused(), side === 'ArrowRight' ? n + 1 : n - 1);
  await page.keyboard.press(back);
  assert.equal(await focused(), n);
  const [vertical, undo] = n > 7 ? ['ArrowUp', 'ArrowDown'] : ['ArrowDown', 'ArrowUp'];
  await page.keyboard.press(vertical);
  assert.equal(await focused(), vertical === 'ArrowUp' ? n - 7 : n + 7, 'days without places take focus too');
  await page.keyboard.press(undo);
  assert.equal(await focused(), n);
  assert.match(await page.evaluate(() => document.activeElement.getAttribute('aria-label')), /available|limited/i,
    'a screen reader hears the date and its availability');
  await page.keyboard.press('Enter');
  await page.locator('.slots').waitFor();
  assert.match(page.url(), /date=\d{4}-\d{2}-\d{2}/);
  await page.context().close();
});

test('counts change live when another client books, without a reload', async () => {
  const page = await phonePage();
  await openDaySlots(page);
  await hydrated(page);
  const row = page.locator('.slot').first();
  const slotId = Number(new URL(await row.locator('a.button').getAttribute('href'), server.base).searchParams.get('slot'));
  const before = await row.locator('.count').textContent();
  const [left, total] = before.match(/\d+/g).map(Number);
  // The stream is open once its first message has arrived; give it a moment to connect.
  await page.waitForTimeout(500);
  const navigations = [];
  page.on('framenavigated', (f) => navigations.push(f.url()));
  await bookFromElsewhere(slotId);
  await page.waitForFunction(
    ([sel, text]) => document.querySelector(sel)?.textContent === text,
    ['.slot .count', `${left - 1}/${total} available`], { timeout: 10_000 });
  await shot(page, 'reserve-live-update');
  assert.deepEqual(navigations, [], 'the page was not reloaded');
  await page.context().close();
});

test('a slot that fills between viewing and confirming is said plainly, with alternatives', async () => {
  const page = await phonePage();
  await openDaySlots(page);
  const row = page.locator('.slot').nth(1);
  const href = await row.locator('a.button').getAttribute('href');
  const slotId = Number(new URL(href, server.base).searchParams.get('slot'));
  const [left, total] = (await row.locator('.count').textContent()).match(/\d+/g).map(Number);
  await page.goto(new URL(href, server.base).href);
  await page.getByRole('heading', { name: 'Reservation summary' }).waitFor();
  await hydrated(page);
  // One place left, and a second client takes it while this customer reads the summary.
  const set = await server.api('PUT', `/api/admin/slots/${slotId}/capacity`, { total_capacity: total - left + 1 }, admin);
  assert.equal(set.status, 200, JSON.stringify(set.body));
  await bookFromElsewhere(slotId);
  await page.getByRole('button', { name: 'Confirm reservation' }).click();
  const alert = page.getByRole('alert');
  await alert.waitFor();
  assert.match(await alert.textContent(), /This time slot is full\. Please select another time\./);
  const alternatives = alert.locator('.alternatives a');
  assert.ok(await alternatives.count() >= 1, 'alternatives are offered');
  await shot(page, 'reserve-slot-filled');
  await expectAccessible(page, 'slot filled');
  assert.equal(await page.locator('.slot a.button[href*="slot=' + slotId + '&"], .slot a.button[href$="slot=' + slotId + '"]').count(), 0,
    'the filled slot is no longer offered');
  await alternatives.first().click();
  await page.getByRole('heading', { name: 'Reservation summary' }).waitFor();
  assert.equal(await page.getByRole('alert').count(), 0, 'the refusal does not follow to the next choice');
  await page.getByRole('button', { name: 'Confirm reservation' }).click();
  await page.waitForURL(/\/ticket\?code=/);
  assert.equal(await page.locator('.status').textContent(), 'RESERVED');
  await page.context().close();
});

async function changeThenCancel(javaScriptEnabled) {
  const tag = javaScriptEnabled ? 'js' : 'nojs';
  const page = await phonePage(javaScriptEnabled);
  const code = activated();
  await giveContact(page, code);
  await (await bookableDay(page)).click();
  await page.locator('.slot a.button').first().click();
  await page.getByRole('button', { name: 'Confirm reservation' }).click();
  await page.waitForURL(/\/ticket\?code=/);
  const firstTime = await page.locator('.facts').textContent();

  // Later, from the ticket page's address: change the time.
  await page.goto(`${server.base}/ticket?code=${code}`);
  await page.getByRole('link', { name: 'Change date or time' }).click();
  await page.locator('.current').waitFor();
  assert.match(await page.locator('.current').textContent(), /You are booked for/);
  await shot(page, `manage-${tag}-1-change`);
  await expectAccessible(page, 'change calendar');
  await (await bookableDay(page)).click();
  await page.locator('.slot a.button').last().click();
  await page.getByRole('heading', { name: 'Your new time' }).waitFor();
  await expectAccessible(page, 'change confirm');
  await page.getByRole('button', { name: 'Confirm change' }).click();
  await page.waitForURL(/changed=1/);
  await page.getByText('Your visit has been moved').waitFor();
  assert.notEqual(await page.locator('.facts').textContent(), firstTime);
  assert.equal(await page.locator('.status').textContent(), 'RESERVED');
  await shot(page, `manage-${tag}-2-moved`);

  // Then cancel it: asked first, then the ticket is free to book again.
  await page.getByRole('link', { name: 'Cancel reservation' }).click();
  await page.getByRole('heading', { name: 'Cancel your visit?' }).waitFor();
  await shot(page, `manage-${tag}-3-cancel`);
  await expectAccessible(page, 'cancel');
  await page.getByRole('button', { name: 'Yes, cancel it' }).click();
  await page.waitForURL(/cancelled=1/);
  await page.getByText('Your reservation is cancelled').waitFor();
  assert.equal(await page.locator('.status').textContent(), 'ACTIVATED');
  assert.equal(await page.getByRole('link', { name: 'Book a date and time' }).count(), 1);
  await shot(page, `manage-${tag}-4-cancelled`);
  assert.deepEqual(page.errors, []);
  await page.context().close();
}

test('a booked visit can be changed and then cancelled, hydrated', async () => {
  await changeThenCancel(true);
});

test('changing and cancelling work with JavaScript disabled', async () => {
  await changeThenCancel(false);
});

test('inside the change cut-off the ticket page says the visit can no longer be changed', async () => {
  // A venue that closes changes a year ahead: every demo reservation is inside the cut-off.
  const strict = await startServer({ GATEHOUSE_CHANGE_CUTOFF_HOURS: '8760' });
  try {
    const page = await phonePage(false);
    const code = demoCodes(strict, 'RESERVED')[0];
    await page.goto(`${strict.base}/ticket?code=${code}`);
    assert.match(await page.locator('.manage').textContent(), /can no longer be changed/);
    assert.equal(await page.getByRole('link', { name: 'Change date or time' }).count(), 0);
    await page.goto(`${strict.base}/reserve?ticket=${code}`);
    assert.match(await page.getByRole('alert').textContent(), /changed or cancelled up to 8760 hours before/);
    await page.goto(`${strict.base}/ticket?code=${code}&cancel=1`);
    assert.equal(await page.getByRole('button', { name: 'Yes, cancel it' }).count(), 0);
    await page.context().close();
  } finally {
    await strict.stop();
  }
});
