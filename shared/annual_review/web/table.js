// The table of every council: sortable by any column, filterable by comparison group. Every
// cell, and the value it sorts by, was rendered at release; this reorders and hides rows. The
// filter and sort live in the URL's query (?group=…&sort=…&order=…), the map's state in its hash.
import { $, h } from './dom.js';

// Where a row sorts for a statistic: figures on an adequate base first, small bases, then none.
function rank(row, key) {
  const cell = row.querySelector(`td[data-key="${key}"]`);
  if (!cell || cell.dataset.sort === undefined) return { tier: 2, value: null };
  return { tier: cell.dataset.small ? 1 : 0, value: Number(cell.dataset.sort) };
}

export class CouncilTable {
  constructor() {
    this.body = $('table-body');
    this.rows = [...this.body.querySelectorAll('tr[data-code]')];
    this.year = $('council-table').dataset.year;
    const head = $('table-head');
    this.labels = Object.fromEntries([...head.children].map((th) => [th.dataset.key, th.textContent.trim()]));
    const keys = Object.keys(this.labels);
    const query = new URLSearchParams(window.location.search);
    this.sortKey = keys.includes(query.get('sort')) ? query.get('sort') : 'name';
    this.ascending = query.get('order') !== 'descending';
    const groups = new Set(this.rows.map((row) => row.dataset.group));
    this.group = groups.has(query.get('group')) ? query.get('group') : '';
    for (const th of head.children) {
      const key = th.dataset.key;
      th.replaceChildren(h('button', { type: 'button', class: 'sort-button', 'data-key': key, onclick: () => this.sortBy(key) },
        this.labels[key], h('span', { class: 'sort-icon', 'aria-hidden': 'true' })));
    }
    const select = $('group-filter');
    select.value = this.group;
    select.addEventListener('change', () => {
      this.group = select.value;
      this.render();
    });
    this.render();
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

  render() {
    const key = this.sortKey;
    const sign = this.ascending ? 1 : -1;
    const name = (row) => row.querySelector('th').textContent;
    const byName = (a, b) => name(a).localeCompare(name(b));
    let compare;
    if (key === 'name') compare = (a, b) => sign * byName(a, b);
    else if (key === 'group') compare = (a, b) => sign * a.dataset.group.localeCompare(b.dataset.group) || byName(a, b);
    else {
      compare = (a, b) => {
        const x = rank(a, key);
        const y = rank(b, key);
        if (x.tier !== y.tier) return x.tier - y.tier;
        if (x.value !== y.value && x.value !== null) return sign * (x.value - y.value);
        return byName(a, b);
      };
    }
    const sorted = [...this.rows].sort(compare);
    let shown = 0;
    for (const row of sorted) {
      row.hidden = Boolean(this.group) && row.dataset.group !== this.group;
      if (!row.hidden) shown += 1;
    }
    this.body.replaceChildren(...sorted);
    for (const th of $('table-head').children) {
      if (th.dataset.key === key) th.setAttribute('aria-sort', this.ascending ? 'ascending' : 'descending');
      else th.removeAttribute('aria-sort');
    }
    const which = this.group || 'all councils';
    const by = key === 'name' ? 'name' : key === 'group' ? 'comparison group' : `${this.labels[key].toLowerCase()}, small bases and no figure last`;
    $('table-caption').textContent = `Complaint statistics ${this.year}, ${which}, sorted by ${by} (${this.ascending ? 'ascending' : 'descending'})`;
    $('table-status').textContent = `Showing ${shown} of ${this.rows.length} councils.`;
    this.remember();
  }
}
