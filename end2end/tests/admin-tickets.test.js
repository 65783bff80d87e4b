// Tickets for admins in the browser: the demo admin issues 3 tickets, downloads their CSV, opens
// the printable sheet (whose QR codes are the tickets, signed), imports a CSV with a bad row
// (a report, nothing written) and a good one, finds a ticket by e-mail and reads its history,
// and marks an order paid. axe-clean; screenshots at 1280 and 768 px.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  startServer, launchBrowser, shot, shotBothWidths, expectAccessible, signInAdmin, decodeQrPng, verifiedPayload, artifacts,
} from './harness.js';

let server, browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });

async function signedInAdmin(width = 1280) {
  const context = await browser.newContext({ viewport: { width, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  // Waits for the dashboard itself: the sign-in page hands over to it by reloading, and a page
  // opened before that reload would be cut short by it.
  await signInAdmin(page, server);
  return { context, page };
}

async function open(page, path) {
  await page.goto(server.base + path);
  await page.locator('body[data-hydrated]').waitFor();
}

/// A new ticket code with its check character, as `TicketCode::from_parts` makes one: the value
/// that makes the GF(32) weighted sum of all 21 characters zero (src/tickets/code.rs).
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
function gfMul(a, b) {
  let p = 0;
  while (b) { if (b & 1) p ^= a; b >>= 1; a <<= 1; if (a & 0x20) a ^= 0x25; }
  return p;
}
function weightedSum(values) {
  let w = 1, s = 0;
  for (const v of values) { s ^= gfMul(w, v); w = gfMul(w, 2); }
  return s;
}
function freshCode() {
  const v = [2, 0, 2, 6, ...Array.from({ length: 16 }, () => Math.floor(Math.random() * 32))];
  v.push([...Array(32).keys()].find((c) => weightedSum([...v, c]) === 0));
  const s = v.map((x) => ALPHABET[x]).join('');
  return `TKT-${s.slice(0, 4)}-${s.slice(4, 10)}-${s.slice(10, 16)}-${s.slice(16)}`;
}

test('issue 3 tickets, download their CSV, print their QR cards: each card is its ticket, signed', async () => {
  const { context, page } = await signedInAdmin();
  await open(page, '/admin/tickets/issue');
  await page.getByLabel('Product').selectOption({ label: 'General admission' });
  await page.getByLabel(/How many/).fill('3');
  await expectAccessible(page, 'issue form');
  await shotBothWidths(page, 'admin-tickets-issue');
  await page.getByRole('button', { name: 'Issue tickets' }).click();
  const heading = page.getByRole('heading', { name: /^Order \d+: 3 tickets for General admission$/ });
  await heading.waitFor();
  const order = (await heading.innerText()).match(/Order (\d+)/)[1];
  await expectAccessible(page, 'issued');
  await shotBothWidths(page, 'admin-tickets-issued');

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Download the CSV' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), `tickets-order-${order}.csv`);
  const path = join(artifacts, 'admin-tickets.csv');
  await download.saveAs(path);
  const lines = readFileSync(path, 'utf8').trim().split(/\r?\n/);
  assert.equal(lines[0], 'code,status,product,order,created');
  assert.equal(lines.length, 4, lines.join('\n'));
  const codes = lines.slice(1).map((l) => l.split(',')[0]);
  for (const line of lines.slice(1)) assert.match(line, new RegExp(`^TKT-[0-9A-Z-]+,ACTIVATED,General admission,${order},`));

  const sheet = await context.newPage();
  await sheet.setViewportSize({ width: 794, height: 1123 });
  await sheet.goto(`${server.base}/admin/orders/${order}/cards`);
  assert.equal(await sheet.locator('article.card').count(), 3);
  await shot(sheet, 'admin-tickets-sheet-screen');
  await sheet.emulateMedia({ media: 'print' });
  await shot(sheet, 'admin-tickets-sheet-print');
  assert.equal(await sheet.locator('.toolbar').isVisible(), false, 'the toolbar does not print');
  const qr = await sheet.locator('article.card .qr').first().screenshot();
  const reader = await browser.newPage();
  const payload = await verifiedPayload(server, await decodeQrPng(reader, qr));
  await reader.close();
  assert.ok(codes.includes(payload.code), `${payload.code} is one of the batch`);
  assert.equal(payload.date, null, 'not reserved yet: no date');
  const { status, body } = await server.api('GET', `/api/tickets/${payload.code}`);
  assert.equal(status, 200, JSON.stringify(body));
  assert.equal(body.data.status, 'ACTIVATED');
  // The printed sheet holds the card's code in its groups.
  const printedCode = (await sheet.locator('article.card .code').first().innerText()).replace(/\s+/g, '-');
  assert.ok(codes.includes(printedCode), printedCode);
  await context.close();
});

test('an import with a bad row is refused with a report naming it; a good one is imported', async () => {
  const { context, page } = await signedInAdmin(768);
  await open(page, '/admin/tickets/import');
  await page.getByLabel('Product').selectOption({ label: 'General admission' });
  await page.getByLabel('Or paste the CSV').fill('code,email\nTKT-2026-AAAAAA-BBBBBB-CCCCC,ann@example.com\nnot-a-code,bob@example\n');
  await page.getByRole('button', { name: 'Import' }).click();
  await page.getByRole('heading', { name: /problem\(s\) in the file: nothing was imported/ }).waitFor();
  const report = await page.locator('.report table').innerText();
  assert.match(report, /2\s+TKT-2026-AAAAAA-BBBBBB-CCCCC\s+This code has a typo/);
  assert.match(report, /3\s+not-a-code/);
  assert.match(report, /INVALID_EMAIL/);
  await expectAccessible(page, 'import report');
  await shotBothWidths(page, 'admin-tickets-import-report');

  const [a, b] = [freshCode(), freshCode()];
  await page.getByLabel('Or paste the CSV').fill(`code,email,status\n${a},ann@example.com,\n${b},,PENDING_PAYMENT\n`);
  await page.getByRole('button', { name: 'Import' }).click();
  await page.getByRole('heading', { name: /^Imported as order \d+: 1 activated, 1 awaiting payment$/ }).waitFor();
  await expectAccessible(page, 'imported');
  await shotBothWidths(page, 'admin-tickets-imported');
  const { body } = await server.api('GET', `/api/tickets/${b}`);
  assert.equal(body.data.status, 'PENDING_PAYMENT');
  await context.close();
});

test('without JavaScript an import with bad rows is refused with its report, and nothing is imported', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, javaScriptEnabled: false });
  const page = await context.newPage();
  page.noJs = true;
  await signInAdmin(page, server);
  await page.goto(server.base + '/admin/tickets/import');
  await page.getByLabel('Product').selectOption({ label: 'General admission' });
  const good = freshCode();
  await page.getByLabel('Or paste the CSV').fill(`code,email\n${good},ann@example.com\nnot-a-code,bob@example\n`);
  await page.getByRole('button', { name: 'Import' }).click();
  await page.getByRole('heading', { name: /problem\(s\) in the file: nothing was imported/ }).waitFor();
  const report = await page.locator('.report table').innerText();
  assert.match(report, /3\s+not-a-code/);
  assert.match(report, /INVALID_EMAIL/);
  assert.doesNotMatch(report, new RegExp(good), 'the good row is not reported');
  await expectAccessible(page, 'import report without JavaScript');
  await shot(page, 'admin-tickets-import-report-nojs-1280');
  const { status } = await server.api('GET', `/api/tickets/${good}`);
  assert.equal(status, 404, 'nothing was imported');
  await context.close();
});

test('a ticket is found by e-mail; its page shows its history; a pending order is marked paid', async () => {
  const { context, page } = await signedInAdmin();
  // A demo ticket with a visit booked carries its visitor's e-mail (visitor<n><i>@example.com).
  await open(page, '/admin/tickets?q=visitor20%40example.com');
  const link = page.locator('table.results a.code').first();
  await link.waitFor();
  await expectAccessible(page, 'search results');
  await shotBothWidths(page, 'admin-tickets-search');
  await link.click();
  await page.getByRole('heading', { name: 'History' }).waitFor();
  const history = await page.locator('ol.history').innerText();
  assert.match(history, /Ticket created/);
  assert.match(history, /Visit booked: /);
  await expectAccessible(page, 'ticket history');
  await shotBothWidths(page, 'admin-tickets-history');

  // A demo ticket awaiting payment: its order is marked paid from its page.
  await open(page, '/admin/tickets?q=' + encodeURIComponent(pendingCode()));
  await page.locator('table.results a.code').first().click();
  const pay = page.getByRole('button', { name: /^Mark order \d+ paid$/ });
  await pay.click();
  await page.getByText(/Order marked paid: \d+ ticket\(s\) activated/).waitFor();
  // The page reads the ticket again: the history has the payment, and the button is gone.
  await page.locator('ol.history').getByText(/Order marked paid: Order \d+ marked paid: \d+ tickets? activated/).waitFor();
  assert.equal(await page.getByRole('button', { name: /^Mark order/ }).count(), 0);
  await context.close();
});

function pendingCode() {
  return readFileSync(join(server.dataDir, 'demo-tickets.txt'), 'utf8')
    .split('\n').find((l) => l.startsWith('PENDING_PAYMENT '))?.split(' ')[1];
}
