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

// The helpers below drive the page the way the tests of map.test.mjs do;
// newer test files share them.

// openPage loads the map page of server at hash in a new page of browser
// and waits until every layer is drawn.
export async function openPage(browser, server, hash = '', viewport) {
  const page = await browser.context.newPage();
  if (viewport) await page.setViewportSize(viewport);
  const w = watch(page);
  await page.goto(`${server.url}/map/${hash}`);
  await page.waitForSelector('html[data-ready="1"]');
  return { page, w };
}

export const panelSeq = (page) => page.$eval('#panel', (p) => Number(p.dataset.seq ?? 0));

// waitLookup waits for the panel to show an answer (or error) newer than
// seq and returns its state.
export async function waitLookup(page, seq) {
  await page.waitForFunction((n) => {
    const p = document.getElementById('panel');
    return Number(p.dataset.seq ?? 0) > n && (p.dataset.state === 'done' || p.dataset.state === 'error');
  }, seq);
  return page.$eval('#panel', (p) => p.dataset.state);
}

// mapPoint is the page coordinate of lon/lat on the map.
export function mapPoint(page, { lon, lat }) {
  return page.evaluate(([lat, lon]) => {
    const m = window.beibeimap.map;
    const p = m.latLngToContainerPoint([lat, lon]);
    const r = m.getContainer().getBoundingClientRect();
    return { x: r.left + p.x, y: r.top + p.y };
  }, [lat, lon]);
}

// visibleText returns the text of the elements matching selector that is
// rendered (not in a closed <details>, not hidden), split by the language
// the nearest lang attribute gives it: {zh: '…', en: '…', all: '…'}.
export function visibleText(page, selector) {
  return page.evaluate((sel) => {
    const out = { zh: '', en: '', all: '' };
    for (const root of document.querySelectorAll(sel)) {
      const walk = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      for (let n = walk.nextNode(); n; n = walk.nextNode()) {
        const el = n.parentElement;
        if (!el || !el.checkVisibility({ visibilityProperty: true })) continue;
        if (['SCRIPT', 'STYLE', 'OPTION', 'DATALIST', 'TITLE'].includes(el.tagName)) continue;
        // Text inside a closed <details> other than its summary is not shown.
        const d = el.closest('details');
        if (d && !d.open && !el.closest('summary')) continue;
        const lang = el.closest('[lang]')?.getAttribute('lang') ?? '';
        const s = n.textContent.trim();
        if (!s) continue;
        out[lang.startsWith('zh') ? 'zh' : 'en'] += s + '\n';
        out.all += s + '\n';
      }
    }
    return out;
  }, selector);
}

// CJK matches a Chinese character or CJK punctuation.
export const CJK = /[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]/;
