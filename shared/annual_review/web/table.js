// The table of every council: sortable by any column, filterable by comparison group; the
// filter and sort live in the URL's query (?group=…&sort=…&order=…), the map's state in its hash.
import { h, $ } from './dom.js';
import { STATS, statText } from './format.js';

const SORTS = ['name', 'group', ...Object.keys(STATS)];

function baseText(stat, c) {
  const def = STATS[stat];
  const part = c?.[def.part] ?? {};
  if (def.kind === 'rate') return part.of ? `${part.count} of ${part.of}` : null;
  return c.population ? `${part.count ?? 0} in ${c.population.toLocaleString('en-GB')}` : null;
}

function cell(stat, c) {
  const def = STATS[stat];
  const shown = statText(stat, c);
  if (shown === null) return h('span', { class: 'cell-none' }, def.none);
  const small = def.kind === 'rate' && c?.[def.part]?.small_base;
  const base = baseText(stat, c);
  return [
    h('span', { class: 'cell-figure' }, shown),
    small ? [h('span', { class: 'small-mark', 'aria-hidden': 'true' }, '*'), h('span', { class: 'govuk-visually-hidden' }, ' (small base)')] : null,
    base ? h('span', { class: 'cell-base' }, ` ${base}`) : null,
  ];
}

/** Where a council's value sorts: figures on an adequate base first, small bases, then none. */
function rank(stat, c) {
  const value = STATS[stat].value(c);
  if (value === null || value === undefined) return { tier: 2, value: null };
  const small = STATS[stat].kind === 'rate' && c?.[STATS[stat].part]?.small_base;
  return { tier: small ? 1 : 0, value };
}

export class CouncilTable {
  constructor({ linkFor }) {
    this.linkFor = linkFor;
    const query = new URLSearchParams(window.location.search);
    this.sortKey = SORTS.includes(query.get('sort')) ? query.get('sort') : 'name';
    this.ascending = query.get('order') !== 'descending';
    this.group = query.get('group') ?? '';
    this.councils = [];
    this.year = '';
    // The release rendered this year's table by name, every council: no need to draw it again.
    this.rendered = document.getElementById('council-table')?.dataset.year ?? null;
    $('group-filter').addEventListener('change', (event) => {
      this.group = event.target.value;
      this.render();
    });
    const head = $('table-head');
    const label = { name: 'Council', group: 'Comparison group' };
    head.replaceChildren(...SORTS.map((key) => {
      const stat = STATS[key];
      return h('th', { scope: 'col', class: `govuk-table__header${stat ? ' govuk-table__header--numeric' : ''}`, 'data-key': key },
        h('button', { type: 'button', class: 'sort-button', 'data-key': key, onclick: () => this.sortBy(key) },
          stat ? stat.label : label[key], h('span', { class: 'sort-icon', 'aria-hidden': 'true' })));
    }));
  }

  setData(year, councils) {
    this.year = year;
    this.councils = councils;
    const groups = [...new Set(councils.map((c) => c.comparison_group))].sort();
    if (!groups.includes(this.group)) this.group = '';
    const select = $('group-filter');
    select.replaceChildren(h('option', { value: '' }, 'All councils'), ...groups.map((g) => h('option', { value: g }, g)));
    select.value = this.group;
    const asRendered = this.rendered === year && this.sortKey === 'name' && this.ascending && !this.group;
    this.rendered = null;
    this.render({ rows: !asRendered });
  }

  sortBy(key) {
    if (this.sortKey === key) this.ascending = !this.ascending;
    else {
      this.sortKey = key;
      this.ascending = true;
    }
    this.render();
  }

  remember() {
    const url = new URL(window.location.href);
    const set = (name, value, fallback) => (value === fallback ? url.searchParams.delete(name) : url.searchParams.set(name, value));
    set('group', this.group, '');
    set('sort', this.sortKey, 'name');
    set('order', this.ascending ? 'ascending' : 'descending', 'ascending');
    if (url.href !== window.location.href) window.history.replaceState(window.history.state, '', url);
  }

  render({ rows: drawRows = true } = {}) {
    const key = this.sortKey;
    const sign = this.ascending ? 1 : -1;
    const byName = (a, b) => a.name.localeCompare(b.name);
    let compare;
    if (key === 'name') compare = (a, b) => sign * byName(a, b);
    else if (key === 'group') compare = (a, b) => sign * a.comparison_group.localeCompare(b.comparison_group) || byName(a, b);
    else {
      compare = (a, b) => {
        const x = rank(key, a);
        const y = rank(key, b);
        if (x.tier !== y.tier) return x.tier - y.tier;
        if (x.value !== y.value && x.value !== null) return sign * (x.value - y.value);
        return byName(a, b);
      };
    }
    const rows = this.councils.filter((c) => !this.group || c.comparison_group === this.group).sort(compare);
    for (const th of $('table-head').children) {
      if (th.dataset.key === key) th.setAttribute('aria-sort', this.ascending ? 'ascending' : 'descending');
      else th.removeAttribute('aria-sort');
    }
    if (drawRows) $('table-body').replaceChildren(...rows.map((c) =>
      h('tr', { class: 'govuk-table__row', 'data-code': c.code },
        h('th', { scope: 'row', class: 'govuk-table__header' }, h('a', { class: 'govuk-link', href: this.linkFor(c) }, c.name)),
        h('td', { class: 'govuk-table__cell', 'data-label': 'Comparison group' }, c.comparison_group),
        ...Object.keys(STATS).map((stat) =>
          h('td', { class: 'govuk-table__cell govuk-table__cell--numeric', 'data-label': STATS[stat].label, 'data-key': stat }, cell(stat, c))))));
    const which = this.group || 'all councils';
    const by = key === 'name' ? 'name' : key === 'group' ? 'comparison group' : `${STATS[key].label.toLowerCase()}, small bases and no figure last`;
    $('table-caption').textContent = `Complaint statistics ${this.year}, ${which}, sorted by ${by} (${this.ascending ? 'ascending' : 'descending'})`;
    $('table-status').textContent = `Showing ${rows.length} of ${this.councils.length} councils.`;
    this.remember();
  }
}
