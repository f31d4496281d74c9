// "Your council's performance": the home page of one year, rendered at release with every
// figure, label and colour in it. This script only enhances it: the map's statistic and layer,
// search, a council's figures beside the map, the table's sort and filter. The view lives in
// the URL hash (#/2019-20/E09000021/upheld); the year is the page (/years/2019-20/).
import { $, h } from './dom.js';
import { HexMap } from './map.js';
import { hidePanel, showPanel } from './panel.js';
import { councilsOfPage, rank } from './search.js';
import { CouncilTable } from './table.js';

const YEAR = /^\d{4}-\d{2}$/;
const CODE = /^[A-Z0-9]{1,12}$/;

const page = {
  year: $('council-table').dataset.year,
  stats: [...$('stat').options].map((option) => option.value),
  councils: councilsOfPage(),
  // The published years and their pages, from the year links the release rendered.
  years: new Map([...document.querySelectorAll('.year-list a.year-link')].map((a) => [a.textContent.trim(), a.getAttribute('href')])),
};
page.byCode = new Map(page.councils.map((c) => [c.code, c]));
const rows = new Map([...document.querySelectorAll('#table-body tr[data-code]')].map((row) => [row.dataset.code, row]));

const app = {
  state: { code: null, stat: page.stats[0], layer: 'lower' },
  focusPanel: false,
  reveal: false,
  opener: null,
  firstDraw: true,
};

function parseHash(hash) {
  const state = { year: null, code: null, stat: page.stats[0], layer: 'lower', unknown: [] };
  for (const part of hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent)) {
    if (YEAR.test(part)) state.year = part;
    else if (page.stats.includes(part)) state.stat = part;
    else if (part === 'counties') state.layer = 'county';
    else if (CODE.test(part)) state.code = part;
    else state.unknown.push(part);
  }
  return state;
}

function hashFor({ code, stat, layer }, year = page.year) {
  const parts = [year];
  if (code) parts.push(code);
  parts.push(stat);
  if (layer === 'county' && !code) parts.push('counties');
  return `#/${parts.join('/')}`;
}

function go(changes, { replace = false } = {}) {
  const hash = hashFor({ ...app.state, ...changes });
  if (hash === window.location.hash) return;
  if (replace) {
    window.history.replaceState(null, '', hash);
    route();
  } else {
    window.location.hash = hash;
  }
}

function showNotice(message) {
  const box = $('notice');
  box.textContent = message ?? '';
  box.hidden = !message;
}

function showView(layer, stat) {
  let view = null;
  for (const node of document.querySelectorAll('.legend-view')) {
    const shown = node.dataset.layer === layer && node.dataset.stat === stat;
    node.hidden = !shown;
    if (shown) view = node;
  }
  if (view) {
    $('map-title').textContent = view.dataset.title;
    $('map-summary').textContent = view.dataset.summary;
  }
}

function route() {
  const parsed = parseHash(window.location.hash);
  // A link to another year's view goes to that year's page, keeping the view.
  if (parsed.year && parsed.year !== page.year && page.years.has(parsed.year)) {
    window.location.replace(`${page.years.get(parsed.year)}${hashFor(parsed, parsed.year)}`);
    return;
  }
  const problems = [];
  if (parsed.year && parsed.year !== page.year) problems.push(`There are no published figures for ${parsed.year}; these are ${page.year}'s.`);
  if (parsed.unknown.length) problems.push(`"${parsed.unknown.join('/')}" is not a year, council or statistic we know.`);
  const council = parsed.code ? page.byCode.get(parsed.code) : null;
  if (parsed.code && !council) problems.push(`No council with the code ${parsed.code} has figures for ${page.year}.`);
  showNotice(problems.join(' ') || null);
  const state = { code: council ? council.code : null, stat: parsed.stat, layer: parsed.layer };
  if (council) {
    const countyCell = document.querySelector(`#hexes-county [data-code="${council.code}"]`);
    state.layer = countyCell && council.group === 'County councils' ? 'county' : 'lower';
  }
  app.state = state;
  $('stat').value = state.stat;
  $(`layer-${state.layer}`).checked = true;
  map.show(state.layer);
  map.paint(state.stat);
  showView(state.layer, state.stat);
  map.select(state.code);
  if (app.firstDraw) {
    app.firstDraw = false;
    performance.mark('map-drawn');
  }
  $('main').dataset.state = 'ready';
  if (council) {
    const row = rows.get(council.code);
    showPanel(council, { yearHref: row.dataset.page, onClose: () => go({ code: null }) });
    if (app.focusPanel) {
      $('panel').scrollIntoView({ block: 'start' });
      $('panel-title').focus({ preventScroll: true });
    } else if (app.reveal) {
      $('panel').scrollIntoView({ block: 'nearest' });
    }
    app.focusPanel = false;
    app.reveal = false;
  } else {
    const wasOpen = !$('panel').classList.contains('empty');
    hidePanel();
    if (wasOpen && app.opener && document.contains(app.opener)) app.opener.focus();
    app.opener = null;
  }
  // The address says the view shown (a link shared opens the same), without a new history entry.
  const shown = hashFor(state);
  if (window.location.hash !== shown) window.history.replaceState(null, '', shown);
  document.title = council
    ? `${council.name}, ${page.year}: your council's performance`
    : `Your council's performance, ${page.year}: complaint statistics for councils in England`;
}

function open(code, { focusPanel = true } = {}) {
  app.focusPanel = focusPanel;
  app.reveal = true;
  const active = document.activeElement;
  app.opener = active && active !== document.body && !active.closest('#panel') ? active : null;
  if (!app.opener && map.has(code)) app.opener = document.querySelector(`#map [data-code="${code}"]`);
  go({ code });
}

// Search: a combobox listing the matching councils of the page's year.
function setupSearch() {
  const input = $('search');
  const list = $('search-results');
  let matches = [];
  let active = -1;
  const close = () => {
    list.hidden = true;
    list.replaceChildren();
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    active = -1;
  };
  const highlight = (i) => {
    active = i;
    [...list.children].forEach((li, j) => li.setAttribute('aria-selected', j === i ? 'true' : 'false'));
    if (i >= 0) input.setAttribute('aria-activedescendant', `search-option-${i}`);
    else input.removeAttribute('aria-activedescendant');
  };
  const choose = (i) => {
    const match = matches[i];
    if (!match) return;
    input.value = match.council.name;
    close();
    open(match.council.code);
  };
  input.addEventListener('input', () => {
    matches = rank(page.councils, input.value);
    if (!input.value.trim()) {
      close();
      $('search-status').textContent = '';
      return;
    }
    list.replaceChildren(...matches.map(({ council, alias }, i) =>
      h('li', { id: `search-option-${i}`, role: 'option', 'aria-selected': 'false', 'data-code': council.code, onmousedown: (e) => { e.preventDefault(); choose(i); } },
        council.name,
        alias ? h('span', { class: 'option-alias' }, ` (also known as ${alias})`) : null,
        h('span', { class: 'option-group' }, ` ${council.group}`))));
    list.hidden = matches.length === 0;
    input.setAttribute('aria-expanded', matches.length ? 'true' : 'false');
    active = -1;
    $('search-status').textContent = matches.length
      ? `${matches.length} matching council${matches.length === 1 ? '' : 's'}; use the down arrow to choose.`
      : `No council matches “${input.value.trim()}” in ${page.year}. Try part of the name, or its code.`;
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'ArrowDown' && matches.length) {
      event.preventDefault();
      highlight((active + 1) % matches.length);
    } else if (event.key === 'ArrowUp' && matches.length) {
      event.preventDefault();
      highlight(active <= 0 ? matches.length - 1 : active - 1);
    } else if (event.key === 'Enter') {
      event.preventDefault();
      if (!list.hidden) choose(active >= 0 ? active : 0);
    } else if (event.key === 'Escape') {
      close();
    }
  });
  input.addEventListener('blur', () => window.setTimeout(close, 150));
}

function setupControls() {
  const statSelect = $('stat');
  statSelect.addEventListener('change', () => go({ stat: statSelect.value }));
  for (const radio of document.querySelectorAll('input[name="layer"]')) {
    radio.addEventListener('change', () => {
      if (!radio.checked) return;
      const keep = app.state.code && document.querySelector(`#hexes-${radio.value} [data-code="${app.state.code}"]`);
      go({ layer: radio.value, code: keep ? app.state.code : null });
    });
  }
  // Another year keeps the view: the statistic, layer and council chosen.
  for (const link of document.querySelectorAll('.year-list a.year-link')) {
    link.addEventListener('click', (event) => {
      if (event.ctrlKey || event.metaKey || event.shiftKey) return;
      event.preventDefault();
      const year = link.textContent.trim();
      window.location.assign(`${link.getAttribute('href')}${hashFor(app.state, year)}`);
    });
  }
  $('table-body').addEventListener('click', (event) => {
    const link = event.target.closest('th a');
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    open(link.closest('tr').dataset.code);
  });
  // What needs this script shows only once it runs (without it: the year links, the table,
  // and the A to Z list of councils do the same).
  for (const node of document.querySelectorAll('.needs-script')) node.hidden = false;
}

const map = new HexMap({
  onOpen: (code, { byKeyboard }) => open(code, { focusPanel: byKeyboard }),
  onHover: (code) => {
    $('map-hover').textContent = map.label(code);
  },
});

new CouncilTable();
setupControls();
setupSearch();
window.addEventListener('hashchange', () => route());
route();
