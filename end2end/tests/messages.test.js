// Messages in Chromium, with nothing configured to send them (the local mailbox): the ticket page
// says plainly that no confirmation left the machine and e-mails a new management link on
// request (with and without JavaScript); the dashboard's Messages page lists what was written and
// opens each message; an admin who turns on contact verification makes the next visitor confirm
// their address with the code the mailbox holds. Phone (360 px) and desktop, axe on each page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, launchBrowser, shot, expectAccessible, signInAdmin, demoCodes, bookableDay, venueDate, DEFAULT_NOW,
} from './harness.js';
import { PHONE, DESKTOP } from './flows.js';

let server, browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });

let nextCode = 0;
const activated = () => demoCodes(server, 'ACTIVATED')[nextCode++];

async function newPage(viewport = PHONE, javaScriptEnabled = true) {
  const context = await browser.newContext({ viewport, javaScriptEnabled });
  const page = await context.newPage();
  page.noJs = !javaScriptEnabled;
  return page;
}

/// Books `code` through the REST API on a free slot three days ahead: its management token.
async function bookByApi(code) {
  const day = venueDate(DEFAULT_NOW, 3);
  const slots = (await server.api('GET', `/api/reservation-slots/available?orq=1&month=${day.slice(0, 7)}`)).body.data;
  const slot = slots.find((s) => s.date === day && s.available_count > 0);
  assert.ok(slot, `a bookable slot on ${day}`);
  const { status, body } = await server.api('POST', '/api/reservations/create', {
    ticket_code: code, slot_id: slot.id,
    customer_email: 'ada@example.com', customer_phone: '+1 202 555 0143',
  });
  assert.equal(status, 200, JSON.stringify(body));
  return body.data.manage_token;
}

test('the ticket page says the confirmation stayed in the local mailbox, and sends a new link on request', async () => {
  const code = activated();
  const manage = await bookByApi(code);
  const page = await newPage();
  await page.goto(`${server.base}/ticket?code=${code}&manage=${manage}&booked=1`);
  await page.getByText('not set up to send e-mail, so no confirmation went to ada@example.com').waitFor();
  await shot(page, 'messages-ticket-booked-360');
  for (const javaScriptEnabled of [true, false]) {
    const visitor = await newPage(PHONE, javaScriptEnabled);
    await visitor.goto(`${server.base}/ticket?code=${code}`);
    if (javaScriptEnabled) await visitor.locator('body[data-hydrated]').waitFor();
    assert.equal(await visitor.getByText('ada@example.com').count(), 0, 'the address only for the link holder');
    await visitor.getByRole('button', { name: 'E-mail me the management link' }).click();
    await visitor.getByText('a new management link is on its way').waitFor();
    await expectAccessible(visitor, `ticket page after asking for the link (JS ${javaScriptEnabled})`);
    if (javaScriptEnabled) await shot(visitor, 'messages-link-sent-360');
    await visitor.context().close();
  }
  // The old link stopped working: its page no longer offers to change the visit.
  await page.goto(`${server.base}/ticket?code=${code}&manage=${manage}`);
  await page.getByRole('button', { name: 'E-mail me the management link' }).waitFor();
  await page.context().close();
});

test('the dashboard lists the messages, opens one, and turns contact verification on for the next visitor', async () => {
  const admin = await newPage(DESKTOP);
  await signInAdmin(admin, server);
  await admin.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: 'Messages' }).click();
  await admin.getByText('kept here, in the local mailbox').waitFor();
  await admin.getByRole('link', { name: 'Management link' }).first().waitFor();
  await expectAccessible(admin, 'messages page');
  await shot(admin, 'messages-admin-1280');
  await admin.locator('tr', { hasText: 'E-mail' }).getByRole('link', { name: 'Booking confirmation' }).first().click();
  await admin.locator('article.message pre').getByText('Your visit is booked.').waitFor();
  await admin.getByRole('button', { name: 'Ask for a code before booking' }).click();
  await admin.getByText('On: visitors enter a 6-digit code').waitFor();

  for (const javaScriptEnabled of [true, false]) {
    const visitor = await newPage(PHONE, javaScriptEnabled);
    const code = activated();
    await visitor.goto(`${server.base}/reserve?ticket=${code}`);
    if (javaScriptEnabled) await visitor.locator('body[data-hydrated]').waitFor();
    await visitor.fill('#email', `code${javaScriptEnabled}@example.com`);
    await visitor.fill('#phone', '(202) 555-0143');
    await visitor.getByRole('button', { name: 'Continue' }).click();
    await visitor.getByRole('heading', { name: 'Confirm your e-mail address' }).waitFor();
    await expectAccessible(visitor, `code step (JS ${javaScriptEnabled})`);
    if (javaScriptEnabled) await shot(visitor, 'messages-code-step-360');
    // A wrong code (five digits: refused as malformed) says so and keeps the step.
    await visitor.getByLabel('Code').fill('12345');
    await visitor.locator('form[action="/sfn/confirm_contact"]').evaluate((f) => f.noValidate = true);
    await visitor.getByRole('button', { name: 'Continue' }).click();
    await visitor.getByText('Enter the 6 digits from the e-mail.').waitFor();
    // The code, as the local mailbox on the dashboard shows it.
    await admin.goto(`${server.base}/admin/messages?status=SENT`);
    await admin.locator('tr', { hasText: 'E-mail' }).getByRole('link', { name: 'Verification code' }).first().click();
    const text = await admin.locator('article.message pre').innerText();
    const sent = text.match(/e-mail address: (\d{6})/)[1];
    await visitor.getByLabel('Code').fill(sent);
    await visitor.getByRole('button', { name: 'Continue' }).click();
    await visitor.locator('table.calendar').waitFor();
    await (await bookableDay(visitor, server)).click();
    await visitor.locator('.slot a.button').first().click();
    await visitor.getByRole('button', { name: 'Confirm reservation' }).click();
    await visitor.waitForURL(/booked=1/);
    await visitor.context().close();
  }
  await admin.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: 'Messages' }).click();
  await admin.getByRole('button', { name: 'Turn off' }).click();
  await admin.getByText('Off: visitors book without confirming').waitFor();
  await admin.context().close();
});
