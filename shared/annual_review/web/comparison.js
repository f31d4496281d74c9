// A reader's own comparison group on a council's page (?with=E09000021,E09000022): the group's
// pooled figures worked out from the year's published per-council counts, by the rule of
// publication/comparison.py (total count over total base; per 100,000 residents each resident
// counted once, a county's residents being its districts'). Every label, unit and rounding comes
// from the catalogue; every word is in the page. Without JavaScript the section stays hidden and
// the preset groups, rendered at release, are the comparison.
import { CATALOGUE } from './catalogue.js';

const CODE = /^E\d{8}$/;

/** The figure as the page shows it: the catalogue's decimals, halves rounded up. */
export function shown(statistic, value) {
  if (value === null || value === undefined || !Number.isFinite(value)) return null;
  const scale = 10 ** statistic.decimals;
  if (statistic.unit === 'fraction') {
    return `${(Math.floor(value * 100 * scale + 0.5 + 1e-9) / scale).toFixed(statistic.decimals)}%`;
  }
  return (Math.floor(value * scale + 0.5 + 1e-9) / scale).toFixed(statistic.decimals);
}

/** Residents counted once: the councils other than the counties, or the counties alone. */
export function residentsOnce(records, countyType) {
  const lower = records.filter((r) => r.type !== countyType);
  const known = (lower.length ? lower : records).map((r) => r.population).filter((p) => p);
  return known.length ? known.reduce((a, b) => a + b, 0) : null;
}

/** The group's pooled figure for one catalogue statistic, or null. */
export function pooled(records, statistic, countyType, perResidents) {
  if (statistic.unit === 'fraction') {
    const top = records.reduce((sum, r) => sum + r[statistic.record].count, 0);
    const bottom = records.reduce((sum, r) => sum + r[statistic.record].of, 0);
    return bottom ? top / bottom : null;
  }
  const mixed = records.some((r) => r.type !== countyType);
  const counted = records.filter((r) => r.population || (mixed && r.type === countyType));
  const people = residentsOnce(records, countyType);
  if (!people) return null;
  const count = (r) => r[statistic.record].count ?? r.upheld.count;
  return (counted.reduce((sum, r) => sum + count(r), 0) * perResidents) / people;
}

/** The codes in the address (?with=...), valid and without repeats, in order. */
export function chosenCodes(search, parameter) {
  const given = new URLSearchParams(search).get(parameter) ?? '';
  return [...new Set(given.split(',').map((c) => c.trim().toUpperCase()).filter((c) => CODE.test(c)))];
}

function addressWith(codes, parameter) {
  const url = new URL(window.location.href);
  if (codes.length) url.searchParams.set(parameter, codes.join(','));
  else url.searchParams.delete(parameter);
  url.hash = 'comparison';
  return url.toString();
}

async function start(root) {
  const parameter = root.dataset.parameter;
  const countyType = root.dataset.countyType;
  const none = root.dataset.none;
  const response = await fetch(root.dataset.data);
  if (!response.ok) return;
  const year = await response.json();
  const byCode = new Map(year.councils.map((r) => [r.code, r]));
  const byName = new Map(year.councils.map((r) => [r.name.toLowerCase(), r.code]));
  const choices = root.querySelector('#comparison-choices');
  for (const r of [...year.councils].sort((a, b) => a.name.localeCompare(b.name))) {
    if (r.code === root.dataset.code) continue;
    const option = document.createElement('option');
    option.value = r.name;
    choices.append(option);
  }
  let codes = chosenCodes(window.location.search, parameter).filter((c) => byCode.has(c));
  const members = root.querySelector('[data-comparison-members]');
  const link = root.querySelector('[data-comparison-link]');

  function draw() {
    const records = codes.map((c) => byCode.get(c));
    for (const statistic of CATALOGUE.statistics) {
      const cell = root.querySelector(`[data-custom="${statistic.key}"]`);
      if (!cell) continue;
      const value = records.length ? pooled(records, statistic, countyType, CATALOGUE.per_residents) : null;
      cell.textContent = shown(statistic, value) ?? none;
    }
    members.textContent = records.length
      ? members.dataset.lead + records.map((r) => r.name).join(', ')
      : members.dataset.empty;
    const address = addressWith(codes, parameter);
    link.href = address;
    window.history.replaceState(null, '', address);
  }

  root.querySelector('[data-comparison-form]').addEventListener('submit', (event) => {
    event.preventDefault();
    const input = root.querySelector('#comparison-add');
    const code = byName.get(input.value.trim().toLowerCase());
    if (code && code !== root.dataset.code && !codes.includes(code)) codes = [...codes, code];
    input.value = '';
    draw();
  });
  root.querySelector('[data-comparison-clear]').addEventListener('click', () => {
    codes = [];
    draw();
  });
  root.hidden = false;
  if (codes.length) draw();
  else members.textContent = members.dataset.empty;
}

const root = typeof document !== 'undefined' ? document.getElementById('comparison-custom') : null;
if (root) start(root);
