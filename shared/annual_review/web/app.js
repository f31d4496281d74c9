// "Your council's performance": state lives in the URL hash (#/2019-20/E09000021/upheld).
import { $, h, svg } from './dom.js';
import { FILE_KINDS, isCode, isYear, loadHistory, loadIndex, loadYear } from './data.js';
import { DEFAULT_STAT, STATS, formatDate, makeScale, searchKey, slugify, statText } from './format.js';
import { HexMap } from './map.js';
import { hidePanel, showHistory, showPanel } from './panel.js';
import { CouncilTable } from './table.js';

const COUNTY_GROUP = 'County councils';

const app = {
  index: null,
  year: null, // {entry, figures, layers, byCode}
  drawn: { year: null, layer: null },
  state: { year: null, code: null, stat: DEFAULT_STAT, layer: 'lower' },
  focusPanel: false,
  firstDraw: true,
  opener: null, // the element that opened the panel, where focus returns when it closes
  reveal: false, // a council was just chosen: bring its figures into view
  unknown: null, // a year or council in the link that does not exist
};

// Council pages' addresses, as the release rendered them into the table (names can collide).
const SLUGS = new Map(
  [...document.querySelectorAll('#table-body tr[data-slug]')].map((row) => [row.dataset.code, row.dataset.slug]),
);
const ALIASES = new Map(
  [...document.querySelectorAll('#table-body tr[data-aka]')].map((row) => [row.dataset.code, row.dataset.aka.split('; ')]),
);
const councilHref = (c) => `/councils/${SLUGS.get(c.code) ?? slugify(c.name)}/`;

function showNotice(message) {
  const box = $('notice');
  box.textContent = message ?? '';
  box.hidden = !message;
}

function parseHash(hash) {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const state = { year: null, code: null, stat: DEFAULT_STAT, layer: 'lower' };
  state.unknown = [];
  for (const part of parts) {
    if (isYear(part)) state.year = part;
    else if (STATS[part]) state.stat = part;
    else if (part === 'counties') state.layer = 'county';
    else if (isCode(part)) state.code = part;
    else state.unknown.push(part);
  }
  return state;
}

function hashFor({ year, code, stat, layer }) {
  const parts = [year];
  if (code) parts.push(code);
  parts.push(stat);
  if (layer === 'county' && !code) parts.push('counties');
  return `#/${parts.join('/')}`;
}

function go(changes, { replace = false } = {}) {
  const next = { ...app.state, ...changes };
  const hash = hashFor(next);
  if (hash === window.location.hash) return;
  if (replace) {
    window.history.replaceState(null, '', hash);
    route();
  } else {
    window.location.hash = hash;
  }
}

function showError(message) {
  const box = $('error');
  box.textContent = message;
  box.hidden = false;
}

function councilLabel(council, stat) {
  const text = statText(stat, council);
  return `${council.name}: ${STATS[stat].label.toLowerCase()} ${text ?? 'no figure'}`;
}

function renderLegend(scale, stat, yearLabel) {
  $('legend-title').textContent = `${STATS[stat].legend}, ${yearLabel}`;
  const swatch = (cls) => svg('svg', { class: 'swatch', viewBox: '0 0 20 20', 'aria-hidden': 'true', focusable: 'false' },
    svg('rect', { class: `hex ${cls}`, x: '1', y: '1', width: '18', height: '18' }));
  $('legend-items').replaceChildren(
    ...scale.steps.map((step) => h('li', { 'data-class': step.cls }, swatch(step.cls), step.label)),
    h('li', { 'data-class': 'no-figure' }, swatch('no-figure'), 'No figure (nothing to base it on)'),
  );
}

function renderDownloads(entry) {
  const items = FILE_KINDS.filter((kind) => kind.label && entry.files[kind.kind]).map((kind) =>
    h('li', null, h('a', { href: entry.files[kind.kind], 'data-kind': kind.kind }, `${kind.label}, ${entry.year}`)));
  $('download-list').replaceChildren(...items);
}

function renderStatus(entry) {
  const released = formatDate(entry.releasedAt);
  const next = formatDate(app.index.nextRelease);
  const parts = [`Figures for ${entry.year}`];
  if (entry.revision !== null && entry.revision !== undefined) parts.push(`revision ${entry.revision}`);
  if (released) parts.push(`published ${released}`);
  let text = `${parts.join(', ')}.`;
  if (next) text += ` Next scheduled release: ${next}.`;
  $('release-status').textContent = text;
}

function mappedCells(layer) {
  const cells = app.year.layers[layer] ?? {};
  return Object.entries(cells)
    .filter(([code]) => app.year.byCode.has(code))
    .map(([code, cell]) => ({ code, q: Number(cell.q), r: Number(cell.r) }))
    .filter((cell) => Number.isInteger(cell.q) && Number.isInteger(cell.r));
}

function paint() {
  const { stat, layer } = app.state;
  const councils = mappedCells(layer).map((cell) => app.year.byCode.get(cell.code));
  const scale = makeScale(stat, councils.map((c) => STATS[stat].value(c)));
  map.paint(
    (code) => scale.classOf(STATS[stat].value(app.year.byCode.get(code))),
    (code) => councilLabel(app.year.byCode.get(code), stat),
  );
  renderLegend(scale, stat, app.state.year);
  const which = layer === 'county' ? 'county councils' : 'district, unitary, metropolitan and London borough councils';
  $('map-title').textContent = `Map: ${STATS[stat].label.toLowerCase()}, ${app.state.year}`;
  const missing = councils.filter((c) => STATS[stat].value(c) === null).length;
  $('map-summary').textContent =
    `The map shows ${councils.length} ${which} coloured by ${STATS[stat].legend.toLowerCase()}` +
    (missing ? `; ${missing} have no figure.` : '.') +
    ' Every figure is also in the table of every council below.';
}

async function route() {
  const parsed = parseHash(window.location.hash);
  const years = app.index.years;
  const yearOk = years.some((y) => y.year === parsed.year);
  if (!yearOk) {
    const problems = [];
    if (parsed.year) problems.push(`There are no published figures for ${parsed.year}.`);
    if (parsed.unknown.length) problems.push(`"${parsed.unknown.join('/')}" is not a year, council or statistic we know.`);
    app.unknown = problems.length ? `${problems.join(' ')} Showing ${app.index.latest} instead.` : null;
    go({ ...parsed, year: app.index.latest }, { replace: true });
    return;
  }
  const entry = years.find((y) => y.year === parsed.year);
  if (!app.year || app.year.entry.year !== entry.year) {
    $('main').dataset.state = 'loading';
    try {
      const { figures, layers } = await loadYear(entry);
      const councils = Array.isArray(figures.councils) ? figures.councils : [];
      app.year = { entry, figures, layers, byCode: new Map(councils.map((c) => [c.code, c])) };
    } catch (error) {
      showError(`The figures for ${entry.year} could not be loaded. Please try again later.`);
      return;
    }
    if (parseHash(window.location.hash).year !== entry.year) return; // moved on meanwhile
    table.setData(entry.year, [...app.year.byCode.values()]);
    renderDownloads(entry);
    renderStatus(entry);
  }
  const council = parsed.code ? app.year.byCode.get(parsed.code) : null;
  const state = { ...parsed, code: council ? parsed.code : null };
  let notice = app.unknown;
  app.unknown = null;
  if (parsed.code && !council) {
    notice = `${notice ? `${notice} ` : ''}No council with the code ${parsed.code} has figures for ${parsed.year}.`;
  }
  showNotice(notice);
  if (council) state.layer = council.comparison_group === COUNTY_GROUP && app.year.layers.county[council.code] ? 'county' : 'lower';
  app.state = state;

  $('year').value = state.year;
  $('stat').value = state.stat;
  $(`layer-${state.layer}`).checked = true;

  if (app.drawn.year !== state.year || app.drawn.layer !== state.layer) {
    map.draw(mappedCells(state.layer));
    app.drawn = { year: state.year, layer: state.layer };
  }
  paint();
  map.select(state.code);
  if (app.firstDraw) {
    app.firstDraw = false;
    performance.mark('map-drawn');
  }
  $('main').dataset.state = 'ready';

  if (council) {
    showPanel(council, app.year.figures, { onClose: () => go({ code: null }), href: councilHref(council) });
    // The figures come into view when chosen (below the map on a narrow screen).
    if (app.focusPanel) {
      $('panel').scrollIntoView({ block: 'start' });
      $('panel-title').focus({ preventScroll: true });
    } else if (app.reveal) {
      $('panel').scrollIntoView({ block: 'nearest' });
    }
    app.focusPanel = false;
    app.reveal = false;
    const code = council.code;
    loadHistory(code)
      .then((history) => {
        if (app.state.code === code) showHistory(history);
      })
      .catch(() => {
        if (app.state.code === code) showHistory([]);
      });
  } else {
    const wasOpen = !$('panel').classList.contains('empty');
    hidePanel();
    // Closed (or Back): focus returns to what opened the council, else to its hexagon.
    if (wasOpen && app.opener && document.contains(app.opener)) app.opener.focus();
    app.opener = null;
  }
  document.title = council
    ? `${council.name}, ${state.year}: your council's performance`
    : `Your council's performance, ${state.year}: complaint statistics for councils in England`;
}

function open(code, { focusPanel = true } = {}) {
  app.focusPanel = focusPanel;
  app.reveal = true;
  const active = document.activeElement;
  app.opener = active && active !== document.body && !active.closest('#panel') ? active : null;
  if (!app.opener && map.has(code)) app.opener = document.querySelector(`#hexes [data-code="${code}"]`);
  go({ code });
}

// Search: a combobox with a list of matching councils of the chosen year.
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
    const council = matches[i];
    if (!council) return;
    input.value = council.name;
    close();
    open(council.code);
  };
  input.addEventListener('input', () => {
    const term = searchKey(input.value);
    if (!term.trim() || !app.year) {
      close();
      $('search-status').textContent = '';
      return;
    }
    const all = [...app.year.byCode.values()];
    const code = input.value.trim().toUpperCase();
    const keyOf = (c) => [c.name, ...(ALIASES.get(c.code) ?? [])].map(searchKey).join('|');
    const exact = all.filter((c) => c.code === code || SLUGS.get(c.code) === input.value.trim().toLowerCase().replace(/^\/?councils\/|\/$/g, ''));
    const starts = all.filter((c) => !exact.includes(c) && keyOf(c).split('|').some((k) => k.startsWith(term)));
    const contains = all.filter((c) => !exact.includes(c) && !starts.includes(c) && keyOf(c).includes(term));
    const byName = (a, b) => a.name.localeCompare(b.name);
    matches = [...exact, ...starts.sort(byName), ...contains.sort(byName)].slice(0, 10);
    list.replaceChildren(...matches.map((c, i) =>
      h('li', { id: `search-option-${i}`, role: 'option', 'aria-selected': 'false', 'data-code': c.code, onmousedown: (e) => { e.preventDefault(); choose(i); } },
        c.name, h('span', { class: 'option-group' }, ` ${c.comparison_group}`))));
    list.hidden = matches.length === 0;
    input.setAttribute('aria-expanded', matches.length ? 'true' : 'false');
    active = -1;
    $('search-status').textContent = matches.length
      ? `${matches.length} matching council${matches.length === 1 ? '' : 's'}; use the down arrow to choose.`
      : `No council matches “${input.value.trim()}” in ${app.state.year}. Try part of the name, or its code.`;
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
  const yearSelect = $('year');
  yearSelect.replaceChildren(...app.index.years.map((y) => h('option', { value: y.year }, y.year)));
  yearSelect.addEventListener('change', () => go({ year: yearSelect.value, code: app.state.code }));
  const statSelect = $('stat');
  statSelect.replaceChildren(...Object.entries(STATS).map(([key, def]) => h('option', { value: key }, def.label)));
  statSelect.addEventListener('change', () => go({ stat: statSelect.value }));
  for (const radio of document.querySelectorAll('input[name="layer"]')) {
    radio.addEventListener('change', () => {
      if (!radio.checked) return;
      const keep = app.state.code && app.year?.layers[radio.value]?.[app.state.code];
      go({ layer: radio.value, code: keep ? app.state.code : null });
    });
  }
}

const map = new HexMap({
  onOpen: (code, { byKeyboard }) => open(code, { focusPanel: byKeyboard }),
  onHover: (code) => {
    const council = app.year?.byCode.get(code);
    $('map-hover').textContent = council ? councilLabel(council, app.state.stat) : '';
  },
});
const table = new CouncilTable({ linkFor: councilHref });

async function start() {
  try {
    app.index = await loadIndex();
  } catch (error) {
    showError('The published figures could not be loaded. Please try again later.');
    $('main').dataset.state = 'error';
    return;
  }
  if (!app.index.years.length) {
    showError('No figures have been published yet.');
    $('main').dataset.state = 'error';
    return;
  }
  setupControls();
  setupSearch();
  $('table-body').addEventListener('click', (event) => {
    const link = event.target.closest('a');
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    open(link.closest('tr').dataset.code);
  });
  window.addEventListener('hashchange', () => {
    route();
  });
  await route();
}

start();
