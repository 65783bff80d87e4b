// The whole customer flow at instants that break naive date code: a month's last evening, the
// year's last evening, and the days the venue's clocks change (America/New_York). Each instant
// gets its own server whose clock starts there, so the suite passes on whatever day it runs.
import { test } from 'node:test';
import { startServer, launchBrowser } from './harness.js';
import { customerFlows } from './flows.js';

const INSTANTS = [
  ['month-end', '2026-11-30T23:30:00-05:00'],
  ['year-end', '2026-12-31T23:30:00-05:00'],
  ['dst-start', '2027-03-14T01:30:00-05:00'],
  ['dst-end', '2026-11-01T01:30:00-04:00'],
];

for (const [label, now] of INSTANTS) {
  test(`at ${now} (${label}) a visit is booked, changed and cancelled, hydrated and without JavaScript`, async () => {
    const server = await startServer({}, { now });
    const browser = await launchBrowser();
    try {
      const flows = customerFlows(server, browser);
      await flows.bookWholeFlow(true, flows.activated(), `${label}-`);
      await flows.bookWholeFlow(false, flows.activated(), `${label}-`);
      await flows.changeThenCancel(true, `${label}-`);
      await flows.changeThenCancel(false, `${label}-`);
    } finally {
      await browser.close();
      await server.stop();
    }
  });
}
