// What a visitor reads at each step (issue 11 §3): a calendar that opens where there is
// something to book, a warning before booking a visit that cannot be changed, no step that can
// only fail, words instead of machine names, each message once, and the venue's name on every
// page. Hydrated and without JavaScript.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, shot, venueDate, bookableDay, demoCodes, DEFAULT_NOW } from './harness.js';
import { customerFlows } from './flows.js';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser.close(); });

const LONG_EMAIL = 'ada.lovelace.of.the.analytical.engine@example.com';
const TYPO = 'TKT-0000-000000-000000-00001';
const NO_SUCH_TICKET = 'TKT-0000-000000-000000-00000';

/// Where the text of `selector` wraps on screen: the text before each line break, found from
/// each character's own box (a new line starts where a character's top moves down).
async function lineBreaks(page, selector) {
  return page.locator(selector).evaluate((element) => {
    const chars = [];
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (let i = 0; i < node.length; i++) {
        const range = document.createRange();
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        chars.push([node.data[i], range.getBoundingClientRect().top]);
      }
    }
    const text = chars.map(([c]) => c).join('');
    return chars.flatMap(([, top], i) => (i > 0 && top > chars[i - 1][1] + 1 ? [text.slice(0, i)] : []));
  });
}

/// How often `text` appears in what the page's main part says.
async function timesSaid(page, text) {
  return (await page.locator('main').innerText()).split(text).length - 1;
}

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

  test(`on a month's last evening the change calendar opens on the next month too, where places are (${tag})`, async () => {
    const server = await startServer({}, { now: '2026-11-30T23:30:00-05:00' });
    try {
      const flows = customerFlows(server, browser);
      const page = await flows.phonePage(javaScriptEnabled);
      await flows.bookThenOpenChange(page);
      await page.locator('.current').waitFor();
      assert.match(await page.locator('#calendar-title').textContent(), /December 2026/);
      assert.ok(await page.locator('td.day.available a, td.day.limited a').count() > 0, 'bookable days on the first month shown');
      await shot(page, `clarity-${tag}-month-end-change-calendar`);
      assert.deepEqual(page.errors, []);
      await page.context().close();
    } finally {
      await server.stop();
    }
  });

  test(`a long email address wraps between its words on a phone, never inside one, wherever it is shown (${tag})`, async () => {
    const server = await startServer();
    try {
      const flows = customerFlows(server, browser);
      const page = await flows.phonePage(javaScriptEnabled);
      await page.goto(`${server.base}/reserve?ticket=${flows.activated()}`);
      if (javaScriptEnabled) await flows.hydrated(page);
      await page.fill('#email', LONG_EMAIL);
      await page.fill('#phone', '(202) 555-0143');
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.locator('table.calendar').waitFor();
      // Its part before the "@" alone is wider (310 px) than a 360 px screen's card (293 px): it
      // wraps between the words of the address, never inside one.
      const betweenWords = async (where, selector) => {
        const breaks = await lineBreaks(page, selector);
        assert.ok(breaks.length > 0, `${where}: the address wraps on a phone`);
        assert.deepEqual(breaks.filter((before) => !/[@.]$/.test(before)), [], `${where}: no break inside a word`);
      };
      await betweenWords('contact summary', '.contact-summary .email');
      await (await bookableDay(page, server)).click();
      await page.locator('.slot a.button').first().click();
      await page.getByRole('heading', { name: 'Reservation summary' }).waitFor();
      await betweenWords('reservation summary', '.facts .email');
      await shot(page, `clarity-${tag}-long-email-summary`);
      await page.getByRole('button', { name: 'Confirm reservation' }).click();
      await page.waitForURL(/booked=1/);
      await page.locator('.status').waitFor();
      await betweenWords('ticket page', '.facts .email');
      await shot(page, `clarity-${tag}-long-email-ticket`);
      assert.deepEqual(page.errors, []);
      await page.context().close();
    } finally {
      await server.stop();
    }
  });

  test(`a refused code is said once, at its field, with no "looks right" until it is edited (${tag})`, async () => {
    const server = await startServer();
    try {
      const flows = customerFlows(server, browser);
      const page = await flows.phonePage(javaScriptEnabled);
      for (const path of ['/ticket?code=', '/reserve?ticket=']) {
        await page.goto(`${server.base}${path}${TYPO}`);
        if (javaScriptEnabled) await flows.hydrated(page);
        assert.equal(await timesSaid(page, 'This code has a typo'), 1, `${path}: the typo is said once`);
        assert.match(await page.locator('#ticket-code-hint').textContent(), /This code has a typo/, `${path}: at the field`);
        assert.equal(await page.locator('#ticket-code').getAttribute('aria-invalid'), 'true', path);

        await page.goto(`${server.base}${path}${NO_SUCH_TICKET}`);
        if (javaScriptEnabled) await flows.hydrated(page);
        assert.equal(await timesSaid(page, 'Invalid ticket code'), 1, `${path}: the refusal is said once`);
        assert.match(await page.locator('#ticket-code-hint').textContent(), /Invalid ticket code/, `${path}: at the field`);
        assert.equal(await timesSaid(page, 'looks right'), 0, `${path}: no green tick beside the refusal`);
        await shot(page, `clarity-${tag}-refused-code${path.replace(/\W+/g, '-')}`);
        if (javaScriptEnabled) {
          // Edited, the field checks the code as typed again.
          await page.fill('#ticket-code', demoCodes(server, 'ACTIVATED')[0]);
          await page.locator('#ticket-code-hint .ok').waitFor();
          assert.match(await page.locator('#ticket-code-hint').textContent(), /looks right/);
          assert.equal(await page.locator('#ticket-code').getAttribute('aria-invalid'), null);
        }
      }
      assert.deepEqual(page.errors, []);
      await page.context().close();
    } finally {
      await server.stop();
    }
  });

  test(`every portal page carries the venue's name: ticket entry, a refused code, a failed look-up, a missing page (${tag})`, async () => {
    const server = await startServer();
    try {
      const flows = customerFlows(server, browser);
      const page = await flows.phonePage(javaScriptEnabled);
      const asked = [];
      page.on('request', (r) => { if (r.url().includes('/sfn/venue_name')) asked.push(r.url()); });
      for (const path of ['/reserve', `/reserve?ticket=${NO_SUCH_TICKET}`, `/ticket?code=${NO_SUCH_TICKET}`, '/no-such-page']) {
        const response = await page.goto(server.base + path);
        // The missing page is served whole, with no client to load.
        if (path === '/no-such-page') {
          assert.equal(response.status(), 404);
          assert.equal(await page.locator('script[type=module]').count(), 0, 'the missing page loads no client');
        } else if (javaScriptEnabled) {
          await flows.hydrated(page);
        }
        assert.equal((await page.locator('main .brand').first().textContent()).trim(), 'Harbor Museum of Light', path);
        assert.doesNotMatch(await page.locator('main').innerText(), /Gatehouse/, `${path}: the venue's name, not the software's`);
      }
      await shot(page, `clarity-${tag}-404-venue`);
      if (javaScriptEnabled) {
        // Moving within the portal keeps the name the first page brought.
        await page.goto(`${server.base}/reserve`);
        await flows.hydrated(page);
        await page.fill('#ticket-code', TYPO);
        await page.getByRole('button', { name: 'Continue' }).click();
        await page.waitForURL(/ticket=/);
        await page.locator('#ticket-code-hint .problem').waitFor();
        assert.equal((await page.locator('main .brand').first().textContent()).trim(), 'Harbor Museum of Light');
      }
      assert.deepEqual(asked, [], 'the name comes with the page: no request of its own');
      assert.deepEqual(page.errors, []);
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
      assert.match(await page.locator('#slots-title ~ p.muted').textContent(),
        /^Times are New York time\. Come in any time during your time; you may stay after it ends\.$/);
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

  test(`a second tab's booking lands on the ticket as it stands, dates in words (${tag})`, async () => {
    const server = await startServer();
    try {
      const flows = customerFlows(server, browser);
      const first = await flows.phonePage(javaScriptEnabled);
      const code = flows.activated();
      await flows.giveContact(first, code);
      const day = await bookableDay(first, server);
      await day.click();
      await first.locator('.slot a.button').first().click();
      await first.getByRole('button', { name: 'Confirm reservation' }).waitFor();
      // The same summary open in a second tab, then the first one confirms.
      const second = await first.context().newPage();
      await second.goto(first.url());
      await second.getByRole('button', { name: 'Confirm reservation' }).waitFor();
      if (javaScriptEnabled) await flows.hydrated(second);
      await first.getByRole('button', { name: 'Confirm reservation' }).click();
      await first.waitForURL(/booked=1/);
      await second.getByRole('button', { name: 'Confirm reservation' }).click();
      await second.waitForURL(/already=1/);
      await second.locator('.notice').waitFor();
      assert.match(await second.locator('.notice').textContent(), /already booked/);
      assert.equal(await second.locator('.status').textContent(), 'Visit booked');
      assert.equal(await second.locator('.confirmed').count(), 0, 'no second "confirmed"');
      assert.equal(await second.getByRole('button', { name: /Confirm/ }).count(), 0);
      assert.doesNotMatch(await second.locator('main').textContent(), /\d{4}-\d{2}-\d{2}/, 'dates in words');
      await shot(second, `clarity-${tag}-second-tab`);
      assert.deepEqual(first.errors, []);
      await first.context().close();
    } finally {
      await server.stop();
    }
  });

  test(`Back after moving a visit shows the visit where it now is, with nothing to confirm (${tag})`, async () => {
    const server = await startServer();
    try {
      const flows = customerFlows(server, browser);
      const page = await flows.phonePage(javaScriptEnabled);
      await flows.bookThenOpenChange(page);
      await (await bookableDay(page, server)).click();
      await page.locator('.slot a.button').last().click();
      await page.getByRole('button', { name: 'Confirm change' }).click();
      await page.waitForURL(/changed=1/);
      const moved = await page.locator('.facts').textContent();
      await page.goBack();
      await page.waitForURL(/\/ticket\?code=/);
      await page.locator('.status').waitFor();
      assert.doesNotMatch(page.url(), /changed=1/);
      assert.equal(await page.locator('.facts').textContent(), moved, 'the visit as it now stands');
      assert.equal(await page.getByRole('button', { name: 'Confirm change' }).count(), 0);
      assert.equal(await page.locator('s').count(), 0, 'no struck-out "was" time');
      await shot(page, `clarity-${tag}-back-after-change`);
      assert.deepEqual(page.errors, []);
      await page.context().close();
    } finally {
      await server.stop();
    }
  });

  test(`on a desktop the calendar and the day's times sit side by side; Cancel looks destructive (${tag})`, async () => {
    const server = await startServer();
    try {
      const flows = customerFlows(server, browser);
      const context = await browser.newContext({ javaScriptEnabled, viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      await flows.giveContact(page, flows.activated());
      await (await bookableDay(page, server)).click();
      await page.locator('.slots').waitFor();
      const calendar = await page.locator('section:has(table.calendar)').boundingBox();
      const times = await page.locator('section:has(.slots)').boundingBox();
      assert.ok(calendar.x + calendar.width <= times.x, 'the times are to the right of the calendar');
      assert.ok(Math.abs(calendar.y - times.y) < 2, 'both start at the same height');
      assert.ok(calendar.width + times.width > 900, `together they use the window (${calendar.width + times.width} px)`);
      assert.equal(await page.locator('.stages [aria-current=step]').textContent(), 'Time');
      await shot(page, `clarity-${tag}-desktop-pick`);
      await page.locator('.slot a.button').first().click();
      await page.getByRole('button', { name: 'Confirm reservation' }).click();
      await page.waitForURL(/booked=1/);
      const cancel = page.getByRole('link', { name: 'Cancel reservation' });
      const colour = await cancel.evaluate((e) => getComputedStyle(e).color);
      const change = await page.getByRole('link', { name: 'Change date or time' }).evaluate((e) => getComputedStyle(e).color);
      assert.notEqual(colour, change, 'Cancel is not dressed like Change');
      assert.equal(colour, 'rgb(161, 26, 26)', 'Cancel is in the colour of loss');
      assert.match(await page.locator('.brand').first().textContent(), /Harbor Museum of Light/, "the venue's name on the ticket page");
      await shot(page, `clarity-${tag}-desktop-ticket`);
      await context.close();
    } finally {
      await server.stop();
    }
  });
}

test('a venue whose times are visits (GATEHOUSE_ARRIVAL=start) says to be there at the start: at the times and on the ticket', async () => {
  const server = await startServer({ GATEHOUSE_ARRIVAL: 'start' });
  try {
    const flows = customerFlows(server, browser);
    const page = await flows.phonePage(false);
    const code = flows.activated();
    await flows.giveContact(page, code);
    await page.goto(`${server.base}/reserve?ticket=${code}&date=${venueDate(DEFAULT_NOW, 3)}`);
    const atStart = /Please be there at the start of your time/;
    assert.match(await page.locator('#slots-title ~ p.muted').textContent(), atStart);
    await page.locator('.slot a.button').first().click();
    await page.getByRole('button', { name: 'Confirm reservation' }).waitFor();
    await page.getByRole('button', { name: 'Confirm reservation' }).click();
    await page.waitForURL(/\/ticket\?code=.*&booked=1/);
    assert.match(await page.locator('main').textContent(), atStart);
    assert.doesNotMatch(await page.locator('main').textContent(), /any time during/);
    await page.context().close();
  } finally {
    await server.stop();
  }
});
