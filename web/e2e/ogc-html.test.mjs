// Browser test of the OGC API HTML pages' policies (issue 12) in Debian's
// Chromium: each page renders under its Content-Security-Policy with no
// violation (its inline styles apply), and a page of another origin cannot
// frame it (frame-ancestors 'self'). Run from web/: node --test e2e/

import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import { launch, startServer, watch } from './harness.mjs';

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launch();
  browser.context.setDefaultTimeout(15_000);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const pages = ['/?f=html', '/collections?f=html', '/collections/townships?f=html', '/collections/townships/items?f=html&limit=5', '/conformance?f=html'];

describe('OGC HTML pages', () => {
  for (const path of pages) {
    test(`${path}: policies sent, page styled, no violation`, async () => {
      const page = await browser.context.newPage();
      const w = watch(page);
      const violations = [];
      await page.exposeFunction('reportViolation', (v) => violations.push(v));
      await page.addInitScript(() => {
        document.addEventListener('securitypolicyviolation', (e) => window.reportViolation(`${e.violatedDirective} ${e.blockedURI}`));
      });
      const res = await page.goto(server.url + path);
      assert.equal(res.status(), 200);
      const h = res.headers();
      assert.match(h['content-security-policy'] ?? '', /frame-ancestors 'self'/);
      assert.equal(h['x-content-type-options'], 'nosniff');
      // The inline <style> of the layout applies: the nav is not a plain
      // block of default links.
      const styled = await page.evaluate(() => {
        const s = document.querySelector('style');
        return s !== null && s.sheet !== null && s.sheet.cssRules.length > 0;
      });
      assert.ok(styled, 'the inline stylesheet was applied');
      assert.deepEqual(violations, [], 'CSP violations');
      assert.deepEqual(w.errors, [], 'console errors');
      await page.close();
    });
  }

  test('another origin cannot frame a page', async () => {
    const target = `${server.url}/collections?f=html`;
    const host = http.createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(`<!doctype html><iframe id="f" src="${target}"></iframe>`);
    });
    await new Promise((r) => host.listen(0, '127.0.0.1', r));
    // localhost is another origin than the server's 127.0.0.1.
    const origin = `http://localhost:${host.address().port}`;
    try {
      const page = await browser.context.newPage();
      // Chromium says on the console when frame-ancestors refuses a frame.
      const refused = page.waitForEvent('console', { predicate: (m) => /frame-ancestors/.test(m.text()), timeout: 15_000 });
      await page.goto(origin + '/');
      assert.match((await refused).text(), /frame-ancestors 'self'/);
      // And the frame holds no document of ours.
      const frame = await (await page.$('#f')).contentFrame();
      const nav = await frame.evaluate(() => document.querySelector('nav a')?.textContent ?? null);
      assert.equal(nav, null, 'the framed page rendered');
      await page.close();
    } finally {
      host.closeAllConnections(); // Chromium keeps its connection alive
      await new Promise((r) => host.close(r));
    }
  });
});
