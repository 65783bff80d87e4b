// The admin's calendar in the browser: the demo admin generates slots from rules through a
// preview, sees them in the month, and is told the number when a capacity would go below what
// is booked (for one slot and for a range); closing a slot keeps its reservations.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, launchBrowser, shot, shotBothWidths, expectAccessible, signInAdmin, demoCodes, DEFAULT_NOW, venueDate,
} from './harness.js';

let server, browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });

/// Demo tickets booked so far: each test books its own.
let used = 0;

/// Books `count` demo tickets into the 2:00 PM slot `days` after the test's today; answers its date.
async function bookedDay(days, count) {
  const day = venueDate(DEFAULT_NOW, days);
  const slots = (await server.api('GET', `/api/reservation-slots/available?orq=1&month=${day.slice(0, 7)}`)).body.data;
  const slot = slots.find((s) => s.date === day && s.start_time === '14:00:00');
  for (const code of demoCodes(server, 'ACTIVATED').slice(used, used += count)) {
    const { status, body } = await server.api('POST', '/api/reservations/create', {
      ticket_code: code, slot_id: slot.id, customer_email: 'ada@example.com', customer_phone: '+1 202 555 0143',
    });
    assert.equal(status, 200, JSON.stringify(body));
  }
  return day;
}

test('an admin previews slots made from rules, creates them once, and finds them in the month', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await signInAdmin(page, server);
  await page.goto(server.base + '/admin/slots/generate');
  await page.locator('body[data-hydrated]').waitFor();
  for (const day of ['Mon', 'Tue', 'Wed', 'Thu', 'Fri']) await page.getByLabel(day, { exact: true }).setChecked(false);
  for (const day of ['Sat', 'Sun']) await page.getByLabel(day, { exact: true }).setChecked(true);
  await page.getByLabel('Opens').fill('09:00');
  await page.getByLabel('Closes').fill('12:00');
  await page.getByLabel('Slot length (minutes)').fill('90');
  await page.getByLabel('Capacity per slot').fill('30');
  await page.getByLabel('From').fill('2027-08-02');
  await page.getByLabel('Until (included)').fill('2027-08-15');
  await page.getByLabel(/^Closed dates/).fill('2027-08-14');
  await page.getByRole('button', { name: 'Preview' }).click();

  // Sat 7, Sun 8 and Sun 15 August (the 14th is closed), two slots each.
  await page.getByRole('heading', { name: 'Preview' }).waitFor();
  await page.getByText('6 new slots').waitFor();
  const rows = page.locator('table.preview tbody tr');
  assert.equal(await rows.count(), 3);
  assert.match(await rows.first().innerText(), /Saturday, August 7\s+2\s+0\s+9:00 AM, 10:30 AM/);
  await shotBothWidths(page, 'admin-generate-preview');
  await expectAccessible(page, 'generate preview');
  const nav = page.getByRole('navigation', { name: 'Dashboard' });
  assert.equal(await nav.getByRole('link', { name: 'Calendar' }).getAttribute('aria-current'), 'true',
    'a page inside the calendar marks its section in the bar');
  assert.equal(await nav.getByRole('link', { name: 'Overview' }).getAttribute('aria-current'), null);

  await page.getByRole('button', { name: 'Create 6 slots' }).click();
  await page.getByText('Created 6 slots; 0 existed already.').waitFor();
  await shotBothWidths(page, 'admin-generate-created');

  // The same rules again: nothing left to create.
  await page.reload();
  await page.getByText('0 new slots').waitFor();
  assert.equal(await page.getByRole('button', { name: 'Create 0 slots' }).isDisabled(), true);

  await page.goto(server.base + '/admin/slots?month=2027-08');
  await page.getByRole('heading', { name: 'August 2027' }).waitFor();
  const saturday = page.locator('td', { has: page.getByText('Saturday, August 7, 2027') });
  assert.match(await saturday.innerText(), /0\/60 · 0 %\s+quiet/);
  const closed = page.locator('td', { has: page.getByText('Saturday, August 14, 2027') });
  assert.match(await closed.innerText(), /no slots/);
  await saturday.getByRole('link').click();
  await page.getByRole('heading', { name: 'Saturday, August 7, 2027' }).waitFor();
  await page.getByRole('heading', { name: '9:00 AM–10:30 AM' }).waitFor();
  await shotBothWidths(page, 'admin-calendar-month');
  await expectAccessible(page, 'calendar month');
  await context.close();
});

test('a capacity below what is booked is refused with the number, for a slot and for a range', async () => {
  const day = await bookedDay(3, 3);
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await signInAdmin(page, server);
  await page.goto(server.base + `/admin/slots?month=${day.slice(0, 7)}&day=${day}`);
  await page.locator('body[data-hydrated]').waitFor();
  const slot = page.locator('li.slot-edit', { has: page.getByRole('heading', { name: '2:00 PM–4:00 PM' }) });
  const booked = Number((await slot.innerText()).match(/(\d+)\/200 booked/)[1]);
  assert.ok(booked >= 3, `booked ${booked}`);

  await slot.getByLabel('Capacity').fill(String(booked - 1));
  await slot.getByRole('button', { name: 'Save capacity' }).click();
  await slot.getByRole('alert').filter({ hasText: `${booked} places are already booked` }).waitFor();
  await shotBothWidths(page, 'admin-calendar-below-booked');
  await expectAccessible(page, 'capacity refused');

  await slot.getByRole('button', { name: /^Close/ }).click();
  const closedSlot = page.locator('li.slot-edit', { has: page.getByRole('heading', { name: '2:00 PM–4:00 PM' }) });
  await closedSlot.getByText(`Closed — ${booked} reservations kept`).waitFor();
  await shotBothWidths(page, 'admin-calendar-closed');
  await closedSlot.getByRole('button', { name: /^Reopen/ }).click();
  await page.locator('li.slot-edit', { has: page.getByRole('heading', { name: '2:00 PM–4:00 PM' }) })
    .getByRole('button', { name: /^Close/ }).waitFor();

  await page.getByLabel('From', { exact: true }).fill(day);
  await page.getByLabel('Until (included)').fill(day);
  await page.getByLabel('New capacity (optional)').fill('1');
  await page.getByRole('button', { name: 'Apply to the range' }).click();
  await page.getByRole('alert').filter({ hasText: `PM has ${booked} booked; capacity cannot go below that. Nothing was changed.` }).waitFor();
  await shotBothWidths(page, 'admin-calendar-bulk-refused');
  await expectAccessible(page, 'bulk edit refused');
  await context.close();
});

test('without JavaScript a refused capacity says why with its number, a closed slot says what it keeps, and nothing else changed', async () => {
  const day = await bookedDay(5, 2);
  const context = await browser.newContext({ viewport: { width: 768, height: 1000 }, javaScriptEnabled: false });
  const page = await context.newPage();
  page.noJs = true;
  await signInAdmin(page, server);
  const dayPage = server.base + `/admin/slots?month=${day.slice(0, 7)}&day=${day}`;
  await page.goto(dayPage);
  const slot = () => page.locator('li.slot-edit', { has: page.getByRole('heading', { name: '2:00 PM–4:00 PM' }) });
  const booked = Number((await slot().innerText()).match(/(\d+)\/200 booked/)[1]);

  await slot().getByLabel('Capacity').fill(String(booked - 1));
  await slot().getByRole('button', { name: 'Save capacity' }).click();
  // The server's own words, with the number, sealed into the address the form leads back to.
  await page.getByText(`${booked} places are already booked`).first().waitFor();
  await page.goto(dayPage);
  assert.match(await slot().innerText(), new RegExp(`${booked}/200 booked`), 'the capacity is unchanged');

  await slot().getByRole('button', { name: /^Close/ }).click();
  await page.goto(dayPage);
  await slot().getByText(`Closed — ${booked} reservations kept`).waitFor();
  await shot(page, 'admin-calendar-closed-nojs-768');
  await expectAccessible(page, 'closed slot without JavaScript');
  await context.close();
});
