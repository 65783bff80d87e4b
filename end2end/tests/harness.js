// Starts the real Gatehouse binary on a fresh SQLite database with demo data, on a free port,
// and Debian's Chromium through playwright-core. Screenshots land in end2end/artifacts/.
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');
const targetDir = process.env.CARGO_TARGET_DIR ? resolve(repo, process.env.CARGO_TARGET_DIR) : join(repo, 'target');
export const artifacts = join(repo, 'end2end', 'artifacts');
mkdirSync(artifacts, { recursive: true });

export async function startServer() {
  const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-e2e-'));
  const bin = process.env.GATEHOUSE_BIN ?? join(targetDir, 'debug', 'gatehouse');
  const child = spawn(bin, ['serve', '--demo'], {
    cwd: repo,
    env: {
      ...process.env,
      GATEHOUSE_DATA_DIR: dataDir,
      GATEHOUSE_LISTEN: '127.0.0.1:0',
      GATEHOUSE_SITE_ROOT: join(targetDir, 'site'),
      GATEHOUSE_LOG: 'warn',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const base = await new Promise((ok, fail) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`server did not start:\n${out}`)), 30_000);
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = out.match(/serving at (http:\/\/[\d.:]+)\//);
      if (m) { clearTimeout(timer); ok(m[1]); }
    });
    child.on('exit', (code) => { clearTimeout(timer); fail(new Error(`server exited ${code}:\n${out}`)); });
  });
  return {
    base,
    dataDir,
    async stop() {
      child.kill('SIGINT');
      await new Promise((ok) => child.once('exit', ok));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/// Demo ticket codes the server wrote for a status ("ACTIVATED", "RESERVED", …).
export function demoCodes(server, status) {
  return readFileSync(join(server.dataDir, 'demo-tickets.txt'), 'utf8')
    .split('\n').filter((l) => l.startsWith(status + ' ')).map((l) => l.split(' ')[1]);
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export async function shot(page, name) {
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
}
