import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, shot, expectAccessible } from './harness.js';

let server, browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });

// All zeros is a valid code (its weighted sum is zero); changing the last character breaks it.
const WELL_FORMED_UNKNOWN = 'TKT-0000-000000-000000-00000';
const TYPO = 'TKT-0000-000000-000000-00001';

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
  await page.fill('#ticket-code', WELL_FORMED_UNKNOWN);
  await page.getByText('looks right').waitFor();
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
  await page.fill('#ticket-code', TYPO);
  await page.getByRole('button', { name: 'Look up my ticket' }).click();
  await page.getByText('This code has a typo').first().waitFor();
  await shot(page, 'ticket-typo-nojs');
  await context.close();
});

test('the start page fits a 360 px phone without sideways scrolling', async () => {
  const page = await browser.newPage({ viewport: { width: 360, height: 740 } });
  await page.goto(server.base + '/');
  await page.getByRole('heading', { name: 'Harbor Museum of Light' }).waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `page is ${overflow}px wider than the viewport`);
  await shot(page, 'home-360');
});
