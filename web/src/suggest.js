// Search suggestions: while a name is typed into the search box, the page
// asks GET /geocode/suggest (debounced) and lists the names it answers —
// units, villages, former and informal names, features of the layers — in
// a listbox under the box, which is an ARIA 1.2 combobox
// (https://www.w3.org/WAI/ARIA/apg/patterns/combobox/): up and down arrows
// move through the suggestions, Enter chooses one, Escape closes the list.
// Choosing one puts its full path (重庆市 北碚区 统景镇) into the box and
// submits the search form, so that the existing address search runs.

import * as api from './api.js';
import { esc, t, tOr } from './state.js';

// LIMIT is the number of suggestions asked for; DELAY (ms) the pause in
// typing after which they are asked.
const LIMIT = 8;
const DELAY = 150;

const ui = { input: null, list: null, status: null, form: null };
let items = []; // the suggestions listed
let active = -1; // the index of the highlighted one, -1 for none
let seq = 0;
let timer = 0;
let abort = null;

// initSuggest makes the search box a combobox listing suggestions.
export function initSuggest() {
  ui.input = document.getElementById('search');
  ui.list = document.getElementById('search-suggestions');
  ui.status = document.getElementById('search-suggest-status');
  ui.form = document.getElementById('search-form');
  ui.input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(ask, DELAY);
  });
  ui.input.addEventListener('keydown', keydown);
  ui.input.addEventListener('blur', () => close());
  ui.form.addEventListener('submit', () => {
    // A search submitted by Enter or the button needs no more suggestions.
    clearTimeout(timer);
    seq++;
    close();
  });
  // mousedown would take the focus from the box (and close the list)
  // before the click chooses.
  ui.list.addEventListener('mousedown', (e) => e.preventDefault());
  ui.list.addEventListener('click', (e) => {
    const li = e.target.closest('[role="option"]');
    if (li) choose(Number(li.dataset.i));
  });
}

// relocalizeSuggest writes the open list again in the page's language.
export function relocalizeSuggest() {
  if (!ui.list.hidden) render();
}

async function ask() {
  const q = ui.input.value.trim();
  const id = ++seq;
  abort?.abort();
  if (!q) {
    close();
    return;
  }
  abort = new AbortController();
  let r;
  try {
    r = await api.suggest(q, LIMIT, abort.signal);
  } catch {
    return; // aborted by the next keystroke, or the service is away
  }
  if (id !== seq || document.activeElement !== ui.input) return;
  items = r.ok && Array.isArray(r.body) ? r.body : [];
  active = -1;
  if (items.length === 0) {
    close();
    ui.status.textContent = r.ok ? t('suggestNone') : '';
    return;
  }
  render();
  open();
  ui.status.textContent = t('suggestCount', { n: items.length });
}

function render() {
  ui.list.innerHTML = items
    .map(
      (s, i) => `<li role="option" id="search-suggestion-${i}" data-i="${i}" aria-selected="${i === active}">
        <span class="name" lang="zh-CN">${esc(s.name)}</span> <span class="kind">${esc(tOr(`suggestKind_${s.precision}`, s.precision))}</span>
        <span class="path" lang="zh-CN">${esc(s.path)}</span></li>`,
    )
    .join('');
}

function open() {
  ui.list.hidden = false;
  ui.input.setAttribute('aria-expanded', 'true');
}

function close() {
  ui.list.hidden = true;
  ui.input.setAttribute('aria-expanded', 'false');
  ui.input.removeAttribute('aria-activedescendant');
  active = -1;
}

// highlight makes suggestion i the active one (the combobox's active
// descendant), scrolled into view.
function highlight(i) {
  active = i;
  ui.list.querySelectorAll('[role="option"]').forEach((li, k) => li.setAttribute('aria-selected', String(k === i)));
  const li = document.getElementById(`search-suggestion-${i}`);
  ui.input.setAttribute('aria-activedescendant', li.id);
  li.scrollIntoView({ block: 'nearest' });
}

function keydown(e) {
  const shown = !ui.list.hidden && items.length > 0;
  switch (e.key) {
    case 'ArrowDown':
    case 'ArrowUp': {
      if (items.length === 0) return;
      e.preventDefault();
      if (!shown) {
        render();
        open();
      }
      const step = e.key === 'ArrowDown' ? 1 : -1;
      highlight(active < 0 ? (step > 0 ? 0 : items.length - 1) : (active + step + items.length) % items.length);
      return;
    }
    case 'Enter':
      if (shown && active >= 0) {
        e.preventDefault();
        choose(active);
      }
      return;
    case 'Escape':
      // Escape closes the list first; a second one clears the box, as a
      // search box does.
      if (shown) {
        e.preventDefault();
        close();
      }
  }
}

// choose runs the search for suggestion i.
function choose(i) {
  const s = items[i];
  if (!s) return;
  ui.input.value = s.path || s.name;
  close();
  ui.form.requestSubmit();
}
