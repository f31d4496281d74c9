// The table of every council: sortable by any column, filterable by comparison group.
import { h, $ } from './dom.js';
import { count, percent, per100k } from './format.js';

const COLUMNS = [
  { key: 'name', label: 'Council', text: (c) => c.name, sort: (c) => c.name.toLowerCase() },
  { key: 'group', label: 'Comparison group', text: (c) => c.comparison_group, sort: (c) => c.comparison_group },
  { key: 'population', label: 'Population', num: true, text: (c) => count(c.population), sort: (c) => c.population },
  { key: 'decisions', label: 'Decisions', num: true, text: (c) => count(c.decisions?.total), sort: (c) => c.decisions?.total },
  { key: 'investigated', label: 'Detailed investigations', num: true, text: (c) => count(c.upheld?.of), sort: (c) => c.upheld?.of },
  { key: 'upheld_count', label: 'Upheld', num: true, text: (c) => count(c.upheld?.count), sort: (c) => c.upheld?.count },
  { key: 'upheld', label: 'Upheld rate', num: true, text: (c) => percent(c.upheld?.rate) ?? 'No figure', sort: (c) => c.upheld?.rate },
  { key: 'per100k', label: 'Upheld per 100,000', num: true, text: (c) => per100k(c.upheld?.per_100k) ?? 'No figure', sort: (c) => c.upheld?.per_100k },
  { key: 'compliance', label: 'Compliance rate', num: true, text: (c) => percent(c.compliance?.rate) ?? 'No figure', sort: (c) => c.compliance?.rate },
  { key: 'late', label: 'Complied late', num: true, text: (c) => count(c.compliance?.late), sort: (c) => c.compliance?.late },
  { key: 'remedy', label: 'Satisfactory remedy rate', num: true, text: (c) => percent(c.satisfactory_remedy?.rate) ?? 'No figure', sort: (c) => c.satisfactory_remedy?.rate },
  { key: 'improvements', label: 'Service improvements', num: true, text: (c) => count(c.service_improvements), sort: (c) => c.service_improvements },
];

export class CouncilTable {
  constructor({ linkFor }) {
    this.linkFor = linkFor;
    this.sortKey = 'name';
    this.ascending = true;
    this.group = '';
    this.councils = [];
    this.year = '';
    $('group-filter').addEventListener('change', (event) => {
      this.group = event.target.value;
      this.render();
    });
    const head = $('table-head');
    head.replaceChildren(...COLUMNS.map((col) =>
      h('th', { scope: 'col', class: col.num ? 'num' : null, 'data-key': col.key },
        h('button', { type: 'button', class: 'sort-button', 'data-key': col.key, onclick: () => this.sortBy(col.key) },
          col.label, h('span', { class: 'sort-icon', 'aria-hidden': 'true' })))));
  }

  setData(year, councils) {
    this.year = year;
    this.councils = councils;
    const groups = [...new Set(councils.map((c) => c.comparison_group))].sort();
    if (!groups.includes(this.group)) this.group = '';
    const select = $('group-filter');
    select.replaceChildren(h('option', { value: '' }, 'All councils'), ...groups.map((g) => h('option', { value: g }, g)));
    select.value = this.group;
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

  render() {
    const col = COLUMNS.find((c) => c.key === this.sortKey);
    const sign = this.ascending ? 1 : -1;
    const rows = this.councils
      .filter((c) => !this.group || c.comparison_group === this.group)
      .sort((a, b) => {
        const x = col.sort(a);
        const y = col.sort(b);
        const xMissing = x === null || x === undefined;
        const yMissing = y === null || y === undefined;
        if (xMissing || yMissing) return xMissing === yMissing ? a.name.localeCompare(b.name) : xMissing ? 1 : -1;
        if (x < y) return -sign;
        if (x > y) return sign;
        return a.name.localeCompare(b.name);
      });
    for (const th of $('table-head').children) {
      const active = th.dataset.key === this.sortKey;
      if (active) th.setAttribute('aria-sort', this.ascending ? 'ascending' : 'descending');
      else th.removeAttribute('aria-sort');
    }
    $('table-body').replaceChildren(...rows.map((c) =>
      h('tr', { 'data-code': c.code },
        h('th', { scope: 'row' }, h('a', { href: this.linkFor(c.code) }, c.name)),
        ...COLUMNS.slice(1).map((column) => h('td', { class: column.num ? 'num' : null, 'data-key': column.key }, column.text(c))))));
    const which = this.group || 'all councils';
    $('table-caption').textContent = `Complaint statistics ${this.year}, ${which}, sorted by ${col.label.toLowerCase()} (${this.ascending ? 'ascending' : 'descending'})`;
    $('table-status').textContent = `Showing ${rows.length} of ${this.councils.length} councils.`;
  }
}
