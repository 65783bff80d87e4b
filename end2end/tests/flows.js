// The customer's flows, shared by the suites that run them: against one server (its clock at a
// chosen instant) and one browser. Each flow takes its own demo tickets, so flows never share one.
import assert from 'node:assert/strict';
import { shot, demoCodes, expectAccessible, decodeQrPng, verifiedPayload, bookableDay } from './harness.js';

/// The screens the flows run on: a phone (the 360 px) and a desktop.
export const PHONE = { width: 360, height: 800 };
export const DESKTOP = { width: 1280, height: 800 };

export function customerFlows(server, browser) {
  let nextActivated = 0;
  const activated = () => demoCodes(server, 'ACTIVATED')[nextActivated++];

  async function phonePage(javaScriptEnabled = true, viewport = PHONE) {
    const context = await browser.newContext({ javaScriptEnabled, viewport });
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

  /// A second client books `slotId` through the REST API with another demo ticket.
  async function bookFromElsewhere(slotId) {
    const code = activated();
    const { status, body } = await server.api('POST', '/api/reservations/create', {
      ticket_code: code, slot_id: slotId,
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
    await page.locator('table.calendar').waitFor().catch(async (e) => {
      // Seen on loaded CI machines: say what the page showed instead, after its header.
      await shot(page, `failed-contact-${Date.now()}`);
      const state = await page.evaluate(() => ({
        hydrated: document.body.hasAttribute('data-hydrated'),
        email: document.querySelector('#email')?.value,
        phone: document.querySelector('#phone')?.value,
        invalid: [...document.querySelectorAll('input:invalid')].map((i) => i.id),
        card: [...document.querySelectorAll('main .card, body > .card, section.card')].map((c) => c.innerText).join(' | '),
      })).catch((err) => ({ unreadable: err.message }));
      throw new Error(`${e.message}\nat ${page.url()}: ${JSON.stringify(state).slice(0, 1200)}; errors: ${page.errors}`);
    });
  }


  /// A fresh ticket's way to the slots of a bookable day.
  async function openDaySlots(page) {
    await giveContact(page, activated());
    await (await bookableDay(page, server)).click();
    await page.locator('.slots').waitFor();
  }

  /// A fresh ticket booked on a bookable day's first time, then its change calendar opened from
  /// the ticket page the booking led to.
  async function bookThenOpenChange(page) {
    await giveContact(page, activated());
    await (await bookableDay(page, server)).click();
    await page.locator('.slot a.button').first().click();
    await page.getByRole('button', { name: 'Confirm reservation' }).click();
    await page.waitForURL(/booked=1/);
    await page.getByRole('link', { name: 'Change date or time' }).click();
  }

  /// Nothing sticks out of its card (buttons and links stay inside the padding box's edge).
  async function assertFitsCards(page, step) {
    const outside = await page.evaluate(() => [...document.querySelectorAll('.card a, .card button, .card span, .card td')]
      .filter((e) => e.getBoundingClientRect().right > e.closest('.card').getBoundingClientRect().right + 0.5)
      .map((e) => e.textContent.trim()));
    assert.deepEqual(outside, [], `${step}: these stick out of their card`);
  }

  /// On a phone each action button spans its card's content box (§3.8b): one thumb-wide row each.
  async function assertFullWidthButtons(page, step) {
    const buttons = await page.evaluate(() => [...document.querySelectorAll('.card .actions > .button, .card .actions > button')]
      .filter((e) => e.offsetParent)
      .map((e) => {
        const card = e.closest('.card');
        const style = getComputedStyle(card);
        const content = card.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
        return [e.textContent.trim(), e.getBoundingClientRect().width, content];
      }));
    assert.ok(buttons.length >= 4, `${step}: the action buttons are there (${buttons.map(([name]) => name)})`);
    const narrower = buttons.filter(([, width, content]) => Math.abs(width - content) > 1)
      .map(([name, width, content]) => `${name}: ${width} of ${content} px`);
    assert.deepEqual(narrower, [], `${step}: these buttons do not span their card`);
  }

  async function bookWholeFlow(javaScriptEnabled, code, label = '', viewport = PHONE) {
    const tag = label + (javaScriptEnabled ? 'js' : 'nojs');
    const page = await phonePage(javaScriptEnabled, viewport);
    await giveContact(page, code, tag);
    await shot(page, `reserve-${tag}-2-calendar`);
    await assertFitsCards(page, 'calendar');
    const titleLines = await page.evaluate(() => {
      const range = document.createRange();
      range.selectNodeContents(document.querySelector('#calendar-title'));
      return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
    });
    assert.equal(titleLines, 1, "the month's name stays on one line");
    // Today is marked when the month shown holds it (the calendar opens on a later month when
    // nothing is left to book in this one), underlined and named in its label.
    const today = await page.locator('td.today').evaluateAll((cells) =>
      cells.map((td) => [td.dataset.date, td.querySelector('[data-day]').getAttribute('aria-label'),
        getComputedStyle(td.querySelector('.num')).textDecorationLine]));
    const thisMonth = server.today.slice(0, 7) === (await page.locator('td.day[data-date]').first().getAttribute('data-date')).slice(0, 7);
    assert.deepEqual(today.map(([date]) => date), thisMonth ? [server.today] : [], 'today, and only today, is marked');
    for (const [, label, line] of today) {
      assert.match(label, /, today/);
      assert.equal(line, 'underline');
    }
    await expectAccessible(page, 'calendar');
    await (await bookableDay(page, server)).click();
    await page.locator('.slots').waitFor();
    // On a phone the day's times sit below the calendar: tapping a day brings them into view (on a
    // desktop they sit beside it, in view already).
    await page.waitForFunction(() => {
      const top = document.querySelector('#slots-title').getBoundingClientRect().top;
      return top >= 0 && top < window.innerHeight / 2;
    }, null, { timeout: 5_000 });
    // The heading takes focus (hydrated: the step moved there; without JavaScript: the jump to
    // #slots-title) so a screen reader starts there, but it is no control and draws no focus box.
    const heading = await page.evaluate(() => {
      const h = document.querySelector('#slots-title');
      h.focus();
      return [document.activeElement === h, getComputedStyle(h).outlineStyle];
    });
    assert.deepEqual(heading, [true, 'none'], "the focused day's heading draws no focus box");
    await shot(page, `reserve-${tag}-3-slots`);
    await assertFitsCards(page, 'slots');
    const selects = await page.locator('.slot .button').evaluateAll((buttons) =>
      buttons.map((b) => { const r = b.getBoundingClientRect(); return `${Math.round(r.left)}+${Math.round(r.width)}`; }));
    assert.equal(new Set(selects).size, 1, `the Select buttons line up: ${selects}`);
    // Two short lines a row, so a day of 15-minute times stays a list one can scan.
    const tallest = await page.locator('.slot').evaluateAll((rows) => Math.max(...rows.map((r) => r.getBoundingClientRect().height)));
    assert.ok(tallest <= 72, `a time's row is ${tallest} px tall`);
    await expectAccessible(page, 'slots');
    await page.locator('.slot a.button').first().click();
    await page.getByRole('heading', { name: 'Reservation summary' }).waitFor();
    assert.match(await page.locator('.facts').textContent(), /ada@example\.com.*\+1 202-555-0143/s);
    await shot(page, `reserve-${tag}-4-confirm`);
    await expectAccessible(page, 'confirm');
    const clicked = Date.now();
    await page.getByRole('button', { name: 'Confirm reservation' }).click();
    await page.waitForURL(/\/ticket\?code=/);
    await page.locator('.status').waitFor();
    console.log(`# confirm → success page (${tag}): ${Date.now() - clicked} ms`);
    assert.equal(await page.locator('.status').textContent(), 'Visit booked');
    assert.equal(await page.title(), 'Your ticket · Gatehouse', 'the title follows the page');
    assert.equal(await page.locator('.qr svg').count(), 1, 'the QR code is shown');
    assert.doesNotMatch(await page.locator('main').textContent(), /confirmation (sent|email)/i,
      'nothing claims a message was sent: none is sent yet');
    const icsHref = await page.getByRole('link', { name: 'Add to calendar (.ics)' }).getAttribute('href');
    const ics = await page.request.get(new URL(icsHref, server.base).href);
    assert.match(await ics.text(), /BEGIN:VEVENT[\s\S]*DTSTART:\d{8}T\d{6}Z/);
    const pngHref = await page.getByRole('link', { name: 'Save ticket card (PNG)' }).getAttribute('href');
    const png = await page.request.get(new URL(pngHref, server.base).href);
    assert.equal(png.headers()['content-type'], 'image/png');
    const reader = await browser.newPage();
    const payload = await verifiedPayload(server, await decodeQrPng(reader, await png.body()));
    assert.equal(payload.code, code, "the ticket card's QR code is the ticket, signed by the venue");
    await reader.close();
    assert.equal(await page.getByRole('button', { name: 'Print ticket' }).count(), javaScriptEnabled ? 1 : 0);
    await shot(page, `reserve-${tag}-5-reserved`);
    await assertFitsCards(page, 'ticket page');
    await expectAccessible(page, 'ticket page');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `page is ${overflow}px wider than a ${viewport.width}px screen`);
    if (viewport.width <= 600) await assertFullWidthButtons(page, 'ticket page');
    const small = await page.evaluate(() => [...document.querySelectorAll('main a, main button, main input, main select')]
      .filter((e) => e.offsetParent && !e.closest('p, dd, .legend'))
      .map((e) => [e.textContent.trim() || e.id, e.getBoundingClientRect().height])
      .filter(([, h]) => h < 44));
    assert.deepEqual(small, [], 'touch targets are at least 44 px tall');
    assert.deepEqual(page.errors, []);
    await page.context().close();
  }

  async function changeThenCancel(javaScriptEnabled, label = '', viewport = PHONE) {
    const tag = label + (javaScriptEnabled ? 'js' : 'nojs');
    const page = await phonePage(javaScriptEnabled, viewport);
    const code = activated();
    await giveContact(page, code);
    await (await bookableDay(page, server)).click();
    await page.locator('.slot a.button').first().click();
    await page.getByRole('button', { name: 'Confirm reservation' }).click();
    await page.waitForURL(/\/ticket\?code=/);
    const firstTime = await page.locator('.facts').textContent();
    const managementLink = page.url();
    assert.match(managementLink, /&manage=[0-9a-z]{20,}/, 'the ticket page after booking is the management link');

    // The code alone (a photo of the QR code) shows the visit but cannot change it, and masks
    // the contact details.
    await page.goto(`${server.base}/ticket?code=${code}`);
    assert.equal(await page.getByRole('link', { name: 'Change date or time' }).count(), 0);
    assert.match(await page.locator('.facts').textContent(), /a•••@example\.com[\s\S]*•••• 0143/);
    assert.match(await page.locator('.manage').textContent(), /management link/);
    await shot(page, `manage-${tag}-0-code-only`);

    // Later, from the ticket page's address: change the time.
    await page.goto(managementLink);
    await page.getByRole('link', { name: 'Change date or time' }).click();
    await page.locator('.current').waitFor();
    assert.match(await page.locator('.current').textContent(), /You are booked for/);
    await shot(page, `manage-${tag}-1-change`);
    await expectAccessible(page, 'change calendar');
    await (await bookableDay(page, server)).click();
    await page.locator('.slot a.button').last().click();
    await page.getByRole('heading', { name: 'Your new time' }).waitFor();
    await expectAccessible(page, 'change confirm');
    await page.getByRole('button', { name: 'Confirm change' }).click();
    await page.waitForURL(/changed=1/);
    await page.getByText('Your visit has been moved').waitFor();
    assert.notEqual(await page.locator('.facts').textContent(), firstTime);
    assert.equal(await page.locator('.status').textContent(), 'Visit booked');
    assert.doesNotMatch(await page.locator('main').textContent(), /Reservation confirmed/,
      'a moved visit is not "confirmed" as well');
    await shot(page, `manage-${tag}-2-moved`);
    // Cancel is visibly the destructive one, on every screen.
    const colour = (name) => page.getByRole('link', { name }).evaluate((e) => getComputedStyle(e).color);
    assert.equal(await colour('Cancel reservation'), 'rgb(161, 26, 26)', 'Cancel is in the colour of loss');
    assert.notEqual(await colour('Change date or time'), await colour('Cancel reservation'), 'Cancel is not dressed like Change');

    // Then cancel it: asked first, then the ticket is free to book again.
    await page.getByRole('link', { name: 'Cancel reservation' }).click();
    await page.getByRole('heading', { name: 'Cancel your visit?' }).waitFor();
    await shot(page, `manage-${tag}-3-cancel`);
    await expectAccessible(page, 'cancel');
    await page.getByRole('button', { name: 'Yes, cancel it' }).click();
    await page.waitForURL(/cancelled=1/);
    await page.getByText('Your reservation is cancelled').waitFor();
    assert.equal(await page.locator('.status').textContent(), 'Paid, no visit booked yet');
    assert.equal(await page.getByRole('link', { name: 'Book a date and time' }).count(), 1);
    await shot(page, `manage-${tag}-4-cancelled`);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  }

  return { activated, phonePage, hydrated, bookFromElsewhere, giveContact, openDaySlots, bookThenOpenChange, bookWholeFlow,
    changeThenCancel };
}
