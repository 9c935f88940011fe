// Shared set-up of the browser tests: the real `beibeimap serve` on a free
// port, Debian's Chromium driven by playwright-core with the flags of
// /work/shared/CLIENTS.md, and a page that records console errors and every
// request it makes.

import { execFileSync, spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const webDir = resolve(here, '..');
export const repoRoot = resolve(webDir, '..');

// outputDir is where artifacts (screenshots, measurements) go: TEST_OUTPUT_DIR
// or web/e2e/output, which git ignores.
export async function outputDir() {
  const dir = process.env.TEST_OUTPUT_DIR ? resolve(process.env.TEST_OUTPUT_DIR) : join(here, 'output');
  await mkdir(dir, { recursive: true });
  return dir;
}

// built is the binary built from the repository, once per test process.
let built = null;

// startServer runs `beibeimap serve --addr 127.0.0.1:0` — the binary of
// BEIBEIMAP_BIN, or one built from the repository — and resolves once it
// prints the address it listens on.
export async function startServer(extraArgs = []) {
  let bin = process.env.BEIBEIMAP_BIN;
  if (!bin) {
    if (!existsSync(join(webDir, 'dist', 'index.html'))) {
      throw new Error('front end not built: run `make web` (npm ci && npm run build in web/) before the browser tests');
    }
    if (!built) {
      const dir = await mkdtemp(join(tmpdir(), 'beibeimap-e2e-bin-'));
      process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
      built = join(dir, 'beibeimap');
      execFileSync('go', ['build', '-o', built, './cmd/beibeimap'], { cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit'] });
    }
    bin = built;
  }
  const child = spawn(bin, ['serve', '--addr', '127.0.0.1:0', ...extraArgs], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  const url = await new Promise((resolveURL, reject) => {
    const timer = setTimeout(() => reject(new Error(`beibeimap serve printed no address within 60 s:\n${log}`)), 60_000);
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk) => {
      log += chunk;
      const m = /listening on (http:\/\/[^\s]+)/.exec(log);
      if (m) {
        clearTimeout(timer);
        resolveURL(m[1]);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`beibeimap serve exited with ${code}:\n${log}`));
    });
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
  const exited = new Promise((r) => child.on('exit', r));
  return {
    url,
    log: () => log,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

// Chromium's flags for a machine without internet (CLIENTS.md).
const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

// launch starts Chromium with a fresh profile; close() removes it.
export async function launch(options = {}) {
  const profile = await mkdtemp(join(tmpdir(), 'beibeimap-e2e-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: chromiumArgs,
    viewport: { width: 1280, height: 800 },
    ...options,
  });
  return {
    context,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

// watch records a page's console errors, uncaught exceptions and requests.
export function watch(page) {
  const w = { errors: [], requests: [] };
  page.on('console', (m) => {
    if (m.type() === 'error') w.errors.push(`console: ${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => w.errors.push(`pageerror: ${e.message}`));
  page.on('request', (r) => w.requests.push(r.url()));
  return w;
}

// foreign returns the requests that went anywhere but origin (data: and
// blob: URLs never leave the browser).
export function foreign(requests, origin) {
  return requests.filter((u) => !u.startsWith('data:') && !u.startsWith('blob:') && new URL(u).origin !== origin);
}
