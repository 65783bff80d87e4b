// The admin dashboard's frame: only an admin gets in, the sections are one bar away, and every
// change staff make is in the audit log, which filters by kind, subject and day.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, launchBrowser, shot, expectAccessible, signInAdmin, signInOperator, venueDate, DEFAULT_NOW,
} from './harness.js';

let server, browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });

for (const javaScript of [true, false]) {
  test(`a visitor without an admin session is sent to the admin sign-in (${javaScript ? 'hydrated' : 'without JavaScript'})`, async () => {
    const context = await browser.newContext({ javaScriptEnabled: javaScript });
    const page = await context.newPage();
    for (const path of ['/admin', '/admin/audit?action=slot.capacity']) {
      await page.goto(server.base + path);
      await page.getByRole('heading', { name: 'Admin sign-in' }).waitFor();
      assert.match(page.url(), /\/admin\/login$/);
    }
    await context.close();
  });
}

test('an operator is not an admin: the dashboard asks for an admin sign-in', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signInOperator(page, server);
  await page.goto(server.base + '/admin');
  await page.getByRole('heading', { name: 'Admin sign-in' }).waitFor();
  // Nor does the dashboard's data answer an operator's session.
  const answer = await page.evaluate(async () => {
    const res = await fetch('/sfn/admin_audit', {
      method: 'POST', headers: { accept: 'application/json' },
      body: new URLSearchParams({ action: '', subject: '', from: '', until: '', before: '' }),
    });
    return [res.status, (await res.json()).code];
  });
  assert.deepEqual(answer, [401, 'NOT_SIGNED_IN']);
  await context.close();
});

test('a capacity change is in the overview and the audit log, which filters it', async () => {
  const day = venueDate(DEFAULT_NOW, 3);
  const slots = (await server.api('GET', `/api/reservation-slots/available?orq=1&month=${day.slice(0, 7)}`)).body.data;
  const slot = slots.find((s) => s.date === day);
  const admin = server.token('admin');
  const changed = await server.api('PUT', `/api/admin/slots/${slot.id}/capacity`, { total_capacity: slot.total_capacity + 7 }, admin);
  assert.equal(changed.status, 200);

  for (const width of [1280, 768]) {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    const page = await context.newPage();
    await signInAdmin(page, server);
    const bar = page.getByRole('navigation', { name: 'Dashboard' });
    assert.equal(await bar.getByRole('link', { name: 'Overview' }).getAttribute('aria-current'), 'page');
    const summary = `Capacity ${slot.total_capacity} → ${slot.total_capacity + 7}`;
    await page.locator('.latest li', { hasText: summary }).waitFor();
    await shot(page, `admin-overview-${width}`);
    await expectAccessible(page, `overview at ${width} px`);

    await bar.getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    const row = page.locator('table.audit tbody tr', { hasText: summary });
    await row.waitFor();
    assert.match(await row.textContent(), /Slot capacity changed/);
    assert.match(await row.textContent(), new RegExp(`total_capacity: ${slot.total_capacity + 7}`));
    assert.match(await row.textContent(), /Adam Admin/);
    await shot(page, `admin-audit-${width}`);
    await expectAccessible(page, `audit log at ${width} px`);

    // Filtered by another kind of change, the entry is not listed; by its subject, it is.
    await page.goto(`${server.base}/admin/audit?action=slot.closed`);
    await page.getByText('No changes match this filter.').waitFor();
    await page.goto(`${server.base}/admin/audit?subject=slot:${slot.id}`);
    await row.waitFor();
    // A date that is not one is refused by name, and nothing is listed.
    await page.goto(`${server.base}/admin/audit?from=yesterday`);
    await page.getByRole('alert').filter({ hasText: '“yesterday” is not a date' }).waitFor();
    await context.close();
  }
});

test('the filter works as a plain form without JavaScript, and the admin signs out from the bar', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  page.noJs = true;
  await signInAdmin(page, server);
  await page.goto(server.base + '/admin/audit');
  await page.getByLabel('Kind of change').selectOption('slot.capacity');
  await page.getByRole('button', { name: 'Filter' }).click();
  await page.waitForURL(/action=slot.capacity/);
  await page.locator('table.audit tbody tr').first().waitFor();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'Admin sign-in' }).waitFor();
  await page.goto(server.base + '/admin');
  await page.getByRole('heading', { name: 'Admin sign-in' }).waitFor();
  await context.close();
});
