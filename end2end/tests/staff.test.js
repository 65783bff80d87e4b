// Staff sign-in in the browser: the demo operator signs in (hydrated, and with JavaScript off),
// sees who is signed in, and signs out; a wrong password is answered at the form.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, launchBrowser, shot, expectAccessible, staffPassword, signInOperator, DEFAULT_NOW } from './harness.js';

let server, browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });

const operatorPassword = () => staffPassword(server, 'operator');

for (const javaScript of [true, false]) {
  const mode = javaScript ? 'hydrated' : 'without JavaScript';
  test(`the demo operator signs in and out (${mode})`, async () => {
    const context = await browser.newContext({ javaScriptEnabled: javaScript });
    const page = await context.newPage();
    page.noJs = !javaScript;
    await page.goto(server.base + '/operator/login');
    if (javaScript) await page.locator('body[data-hydrated]').waitFor();
    await page.getByLabel('Username').fill('operator');
    await page.getByLabel('Password').fill('wrong-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Wrong username or password.').waitFor();
    await shot(page, `staff-wrong-password-${javaScript ? 'js' : 'nojs'}`);
    await expectAccessible(page, `sign-in refused (${mode})`);

    await page.getByLabel('Username').fill('operator');
    await page.getByLabel('Password').fill(operatorPassword());
    await page.getByRole('button', { name: 'Sign in' }).click();
    // An operator lands on the scanner (hydrated, the staff pages' router hands the address to
    // the scanner's own page by reloading: wait for that page before going elsewhere).
    await page.waitForURL(/\/operator\/scan$/);
    if (javaScript) await page.getByRole('heading', { name: 'Scan a ticket' }).waitFor();
    await page.goto(server.base + '/operator');
    await page.getByRole('heading', { name: 'Signed in as Olivia Operator' }).waitFor();
    await shot(page, `staff-signed-in-${javaScript ? 'js' : 'nojs'}`);
    await expectAccessible(page, `signed in (${mode})`);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Operator sign-in' }).waitFor();
    await page.goto(server.base + '/operator');
    await page.getByRole('heading', { name: 'Operator sign-in' }).waitFor();
    await context.close();
  });
}

test('forms without their token are refused, and an ended session sends the scanner to sign-in', async () => {
  const context = await browser.newContext({ viewport: { width: 360, height: 800 } });
  const page = await context.newPage();
  await page.goto(server.base + '/operator/login');
  await page.locator('body[data-hydrated]').waitFor();
  // A sign-in posted without the page's token (as another site's form would be) is refused.
  const forged = await page.evaluate(async () => {
    const res = await fetch('/sfn/staff_sign_in', {
      method: 'POST', headers: { accept: 'application/json' },
      body: new URLSearchParams({ role: 'OPERATOR', username: 'operator', password: 'x', csrf: 'forged' }),
    });
    return [res.status, (await res.json()).code];
  });
  assert.deepEqual(forged, [403, 'CSRF_INVALID']);

  await page.getByLabel('Username').fill('operator');
  await page.getByLabel('Password').fill(operatorPassword());
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Scan a ticket' }).waitFor();
  const signOut = await page.evaluate(async () => {
    const res = await fetch('/sfn/staff_sign_out', {
      method: 'POST', headers: { accept: 'application/json' }, body: new URLSearchParams({ csrf: 'forged' }),
    });
    return [res.status, (await res.json()).code];
  });
  assert.deepEqual(signOut, [403, 'CSRF_INVALID']);

  // The session ends (here: the cookie is gone, as after 8 hours): the next scan leads to sign-in.
  await context.clearCookies();
  await page.getByLabel('Ticket code').fill('TKT-2027-ZCWB1B-M48ZNG-GRFC8');
  await page.getByRole('button', { name: 'Check ticket' }).click();
  await page.waitForURL(/\/operator\/login$/);
  await page.getByRole('heading', { name: 'Operator sign-in' }).waitFor();
  await context.close();
});

test('five wrong passwords lock the account, and the form says for how long', async () => {
  const own = await startServer();
  const context = await browser.newContext({ viewport: { width: 360, height: 800 } });
  const page = await context.newPage();
  try {
    await page.goto(own.base + '/operator/login');
    await page.locator('body[data-hydrated]').waitFor();
    for (let i = 0; i < 5; i++) {
      await page.getByLabel('Username').fill('operator');
      await page.getByLabel('Password').fill(`guess-${i}`);
      const answered = page.waitForResponse((r) => r.url().endsWith('/sfn/staff_sign_in'));
      await page.getByRole('button', { name: 'Sign in' }).click();
      assert.equal((await answered).status(), 401, `attempt ${i + 1}`);
      await page.getByText('Wrong username or password.').waitFor();
    }
    const password = staffPassword(own, 'operator');
    await page.getByLabel('Username').fill('operator');
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText(/locked after too many failed sign-ins. Try again in 15 minutes/).waitFor();
    await shot(page, 'staff-locked');
    await expectAccessible(page, 'locked');
    assert.match(page.url(), /\/operator\/login$/);
  } finally {
    await context.close();
    await own.stop();
  }
});

test("a session ends 8 hours after sign-in by the server's clock", async () => {
  // One database served three times, each server's clock started at another instant: sign-in at
  // the test's start, a visit a minute before the 8 hours are up, and one a minute after.
  const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-e2e-expiry-'));
  const instant = (minutes) => new Date(Date.parse(DEFAULT_NOW) + minutes * 60_000).toISOString();
  let running = null;
  const serveAt = async (minutes) => {
    await running?.stop();
    running = null;
    running = await startServer({ GATEHOUSE_DATA_DIR: dataDir }, { now: instant(minutes) });
    // The demo's passwords are in the shared folder (the server's own stays empty).
    running.dataDir = dataDir;
    return running;
  };
  const context = await browser.newContext({ viewport: { width: 360, height: 800 } });
  const page = await context.newPage();
  try {
    await signInOperator(page, await serveAt(0));

    // Cookies are the host's, whatever the port: the same session goes to each later server.
    let served = await serveAt(8 * 60 - 1);
    await page.goto(served.base + '/operator');
    await page.getByRole('heading', { name: 'Signed in as Olivia Operator' }).waitFor();

    served = await serveAt(8 * 60 + 1);
    await page.goto(served.base + '/operator');
    await page.getByRole('heading', { name: 'Operator sign-in' }).waitFor();
    await page.goto(served.base + '/operator/scan');
    await page.waitForURL(/\/operator\/login$/);
    await page.getByRole('heading', { name: 'Operator sign-in' }).waitFor();
  } finally {
    await context.close();
    await running?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
