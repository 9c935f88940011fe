// The search box's suggestions (issue 10): typing asks GET
// /geocode/suggest and lists the answers in an ARIA combobox's listbox —
// towns, old names, villages, features — chosen by keyboard or mouse,
// which runs the address search; in English the surrounding text is
// English. axe-core checks the page with the list open.

import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, test } from 'node:test';
import { CJK, launch, openPage, panelSeq, startServer, waitLookup } from './harness.mjs';

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

let server;
let browser;

before(async () => {
  server = await startServer();
  // bypassCSP: axe-core is injected into the page for one check.
  browser = await launch({ bypassCSP: true });
  browser.context.setDefaultTimeout(15_000);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

// typeAndWait types text into the empty search box and waits for the
// listbox to show the answer of a suggest request for exactly that text.
async function typeAndWait(page, text) {
  await page.fill('#search', '');
  const answered = page.waitForResponse((r) => r.url().includes('/geocode/suggest?') && new URL(r.url()).searchParams.get('q') === text);
  await page.focus('#search');
  await page.keyboard.type(text);
  const r = await answered;
  assert.equal(r.status(), 200);
  await page.waitForSelector('#search-suggestions:not([hidden]) [role="option"]');
  return (await r.json()).length;
}

const options = (page) =>
  page.$$eval('#search-suggestions [role="option"]', (lis) =>
    lis.map((li) => ({ id: li.id, name: li.querySelector('.name').textContent, kind: li.querySelector('.kind').textContent, path: li.querySelector('.path').textContent, selected: li.getAttribute('aria-selected') })),
  );

describe('search suggestions', () => {
  test('typing 统景 lists 统景镇 and its features; the box is a combobox owning the listbox', async () => {
    const { page, w } = await openPage(browser, server, '#lang=zh');
    const combo = await page.$eval('#search', (n) => [n.getAttribute('role'), n.getAttribute('aria-expanded'), n.getAttribute('aria-controls'), n.getAttribute('aria-autocomplete')]);
    assert.deepEqual(combo, ['combobox', 'false', 'search-suggestions', 'list']);
    const n = await typeAndWait(page, '统景');
    const opts = await options(page);
    assert.equal(opts.length, n, 'one option per suggestion the service gave');
    assert.ok(n >= 2 && n <= 8, `${n} suggestions`);
    assert.equal(opts[0].name, '统景镇');
    assert.equal(opts[0].kind, '街镇');
    assert.match(opts[0].path, /统景镇$/);
    assert.ok(opts.some((o) => o.name === '统景温泉' && o.kind === '地点'), `a feature of the layers: ${JSON.stringify(opts)}`);
    assert.equal(await page.getAttribute('#search', 'aria-expanded'), 'true');
    assert.equal(await page.getAttribute('#search-suggestions', 'role'), 'listbox');
    assert.ok(await page.getAttribute('#search-suggestions', 'aria-label'));
    assert.match(await page.textContent('#search-suggest-status'), new RegExp(`${n} 条建议`));
    // A village by its own name.
    await typeAndWait(page, '天生桥');
    assert.ok((await options(page)).some((o) => o.name === '天生桥社区' && o.kind === '村社区'));
    // Escape closes the list and keeps the text.
    await page.keyboard.press('Escape');
    assert.equal(await page.isHidden('#search-suggestions'), true);
    assert.equal(await page.getAttribute('#search', 'aria-expanded'), 'false');
    assert.equal(await page.inputValue('#search'), '天生桥');
    assert.deepEqual(w.errors, []);
    await page.close();
  });

  test('an old name (北部新区) is suggested; the keyboard chooses it and the lookup runs', async () => {
    const { page, w } = await openPage(browser, server, '#lang=zh');
    await typeAndWait(page, '北部新区');
    const opts = await options(page);
    const k = opts.findIndex((o) => o.name === '北部新区');
    assert.ok(k >= 0, `北部新区 suggested: ${JSON.stringify(opts)}`);
    for (let i = 0; i <= k; i++) await page.keyboard.press('ArrowDown');
    const active = await page.getAttribute('#search', 'aria-activedescendant');
    assert.equal(active, opts[k].id);
    assert.equal(await page.getAttribute(`#${active}`, 'aria-selected'), 'true');
    assert.equal((await options(page)).filter((o) => o.selected === 'true').length, 1, 'one option selected');
    const seq = await panelSeq(page);
    const lookup = page.waitForResponse((r) => r.url().includes('/lookup?address='));
    await page.keyboard.press('Enter');
    const r = await lookup;
    assert.equal(new URL(r.url()).searchParams.get('address'), opts[k].path, 'the search runs for the chosen path');
    assert.equal(await waitLookup(page, seq), 'done');
    const want = await (await fetch(`${server.url}/lookup?address=${encodeURIComponent(opts[k].path)}`)).json();
    assert.equal(want.district.name, '两江新区');
    assert.match(await page.textContent('#panel'), /两江新区/);
    assert.equal(await page.isHidden('#search-suggestions'), true, 'the list closes on a choice');
    assert.equal(await page.inputValue('#search'), opts[k].path);
    // ArrowUp from the top wraps to the last option.
    await typeAndWait(page, '统景');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowUp');
    const last = (await options(page)).at(-1);
    assert.equal(await page.getAttribute('#search', 'aria-activedescendant'), last.id);
    assert.deepEqual(w.errors, []);
    await page.close();
  });

  test('a click chooses too; Enter with no option highlighted searches the typed text', async () => {
    const { page, w } = await openPage(browser, server, '#lang=zh');
    await typeAndWait(page, '统景');
    let lookup = page.waitForResponse((r) => r.url().includes('/lookup?address='));
    await page.click('#search-suggestions [role="option"]:first-child');
    assert.equal(new URL((await lookup).url()).searchParams.get('address'), (await page.inputValue('#search')));
    assert.match(await page.inputValue('#search'), /统景镇$/);
    await typeAndWait(page, '统景');
    lookup = page.waitForResponse((r) => r.url().includes('/lookup?address='));
    await page.keyboard.press('Enter');
    assert.equal(new URL((await lookup).url()).searchParams.get('address'), '统景');
    assert.deepEqual(w.errors, []);
    await page.close();
  });

  test('in English the surrounding text is English', async () => {
    const { page, w } = await openPage(browser, server, '#lang=en');
    const n = await typeAndWait(page, 'tongjing');
    const opts = await options(page);
    assert.equal(opts[0].name, '统景镇', 'pinyin finds the town');
    assert.equal(opts[0].kind, 'township');
    for (const o of opts) assert.doesNotMatch(o.kind, CJK, `the kind is English: ${o.kind}`);
    assert.equal(await page.getAttribute('#search-suggestions', 'aria-label'), 'Suggestions');
    assert.equal(await page.textContent('#search-suggest-status'), `${n} suggestions: up and down arrows to choose, Enter to search`);
    // The names stay Chinese, marked as such for screen readers.
    assert.equal(await page.getAttribute('#search-suggestions [role="option"] .name', 'lang'), 'zh-CN');
    assert.deepEqual(w.errors, []);
    await page.close();
  });

  test('axe-core: no serious or critical violation with the list open and an option active', async () => {
    for (const hash of ['#lang=zh', '#lang=en']) {
      const { page } = await openPage(browser, server, hash);
      await typeAndWait(page, '统景');
      await page.keyboard.press('ArrowDown');
      await page.addScriptTag({ path: axePath });
      // The focus stays in the box while axe runs.
      const vs = await page.evaluate(async () => {
        const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] } });
        return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
      });
      assert.deepEqual(vs, [], hash);
      assert.equal(await page.isHidden('#search-suggestions'), false, 'the list was open during the check');
      await page.close();
    }
  });
});
