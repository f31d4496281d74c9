// Statistics, number formatting and the colour scale.

import { CATALOGUE } from './catalogue.js';

// Every statistic, from the catalogue published with the data (keyed by the page's id).
export const STATS = Object.fromEntries(
  CATALOGUE.statistics.map((s) => [
    s.id,
    {
      label: s.label,
      legend: s.legend,
      kind: s.unit === 'fraction' ? 'rate' : 'per100k',
      part: s.record,
      average: s.key,
      decimals: s.decimals,
      none: s.none,
      value: (c) => c?.[s.record]?.[s.field] ?? null,
    },
  ]),
);

export const DEFAULT_STAT = 'upheld';

/** How people read a service area ("Education and children's services"), from the catalogue. */
export function areaLabel(key) {
  return CATALOGUE.service_areas?.[key] ?? humanise(key);
}

/** A name as the site's council pages spell it in their address (publication/pages.py). */
export function slugify(name) {
  return name.normalize('NFKD').replace(/[^\x00-\x7f]/g, '').toLowerCase()
    .replace(/&/g, ' and ').replace(/['.]/g, '').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'council';
}

/** Text reduced for matching: case, punctuation, "St"/"St." and "&"/"and" do not matter. */
export function searchKey(text) {
  return ` ${String(text).normalize('NFKD').replace(/[^\x00-\x7f]/g, '').toLowerCase()
    .replace(/&/g, ' and ').replace(/['.]/g, '').replace(/[^a-z0-9]+/g, ' ')} `
    .replace(/ saint /g, ' st ').replace(/ +/g, ' ');
}

const whole = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 });
const PER_100K_DECIMALS = STATS.per100k.decimals;
const perResidents = new Intl.NumberFormat('en-GB', {
  minimumFractionDigits: PER_100K_DECIMALS,
  maximumFractionDigits: PER_100K_DECIMALS,
});

/** A fraction as a whole percentage, rounded half up ("69%"); null for no figure. */
export function percent(rate) {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return null;
  return `${Math.floor(rate * 100 + 0.5 + 1e-9)}%`;
}

export function count(n) {
  return n === null || n === undefined ? 'not available' : whole.format(n);
}

/** A per-100,000 figure rounded half up to the catalogue's places, as the letters give it. */
export function per100k(value) {
  if (value === null || value === undefined || !Number.isFinite(value)) return null;
  const scale = 10 ** PER_100K_DECIMALS;
  return perResidents.format(Math.floor(value * scale + 0.5 + 1e-9) / scale);
}

/** The statistic's value as shown on the map and in the table, or null. */
export function statText(stat, council) {
  const value = STATS[stat].value(council);
  return STATS[stat].kind === 'rate' ? percent(value) : per100k(value);
}

export function averageText(stat, value) {
  if (value === null || value === undefined) return null;
  return STATS[stat].kind === 'rate' ? percent(value) : per100k(value);
}

export function formatDate(value) {
  if (!value) return null;
  const date = new Date(value.length === 10 ? `${value}T12:00:00Z` : value);
  if (Number.isNaN(date.getTime())) return null;
  return new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/London' }).format(date);
}

export function humanise(key) {
  const text = String(key).replace(/_/g, ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

// Five steps of a sequential scale that stays ordered for the common colour-vision deficiencies
// (blue to yellow, lightness rising steadily). Hexagons also carry a dark outline.
export const PALETTE_SIZE = 5;

/**
 * Class breaks at the quintiles of the year's values, rounded to what is shown (whole percent or
 * one decimal). Returns {steps: [{cls, label}], classOf(value)}.
 */
export function makeScale(stat, values) {
  const kind = STATS[stat].kind;
  const round = kind === 'rate' ? (x) => Math.floor(x * 100 + 0.5 + 1e-9) / 100 : (x) => Math.round(x * 10) / 10;
  const show = kind === 'rate' ? (x) => percent(x) : (x) => per100k(x);
  const sorted = values.filter((x) => x !== null && x !== undefined && Number.isFinite(x)).sort((a, b) => a - b);
  const breaks = [];
  if (sorted.length) {
    for (const p of [0.2, 0.4, 0.6, 0.8]) {
      const b = round(sorted[Math.floor(p * (sorted.length - 1))]);
      if (b > sorted[0] && !breaks.includes(b)) breaks.push(b);
    }
  }
  const n = sorted.length ? breaks.length + 1 : 0;
  const paletteIndex = (i) => (n <= 1 ? 2 : Math.round((i * (PALETTE_SIZE - 1)) / (n - 1)));
  const steps = [];
  for (let i = 0; i < n; i += 1) {
    let label;
    if (n === 1) label = `${show(sorted[0])}${sorted.length > 1 && sorted.at(-1) !== sorted[0] ? ` to ${show(sorted.at(-1))}` : ''}`;
    else if (i === 0) label = `Under ${show(breaks[0])}`;
    else if (i === n - 1) label = kind === 'rate' && breaks[i - 1] >= 1 ? show(breaks[i - 1]) : `${show(breaks[i - 1])} or more`;
    else label = `${show(breaks[i - 1])} to under ${show(breaks[i])}`;
    steps.push({ cls: `step-${paletteIndex(i)}`, label });
  }
  const classOf = (value) => {
    if (value === null || value === undefined || !Number.isFinite(value)) return 'no-figure';
    const shown = kind === 'rate' ? round(value) : value;
    const i = breaks.filter((b) => shown >= b).length;
    return steps[i].cls;
  };
  return { steps, classOf };
}
