// The one module that knows where the published files are and what shape data/index.json has.
// Everything else in the page works with the normalised objects returned from here.

const CODE = /^[A-Z0-9]{1,12}$/;
const YEAR = /^\d{4}-\d{2}$/;

// Download kinds, in the order they are listed, with the file name used when index.json
// does not say where a year's file is.
export const FILE_KINDS = [
  { kind: 'csv', label: 'Figures for every council (CSV)', fallback: 'councils.csv' },
  { kind: 'json', label: 'Figures for every council (JSON)', fallback: 'councils.json' },
  { kind: 'geojson', label: 'Council locations with their figures (GeoJSON)', fallback: 'councils.geojson' },
  { kind: 'averages', label: 'Averages of similar authorities (CSV)', fallback: null },
  { kind: 'national', label: 'England and each group of similar authorities (CSV)', fallback: null },
  { kind: 'datapackage', label: 'Data package describing every CSV (Frictionless, JSON)', fallback: null },
  { kind: 'spreadsheet', label: 'Every table in one accessible spreadsheet (Excel)', fallback: null },
  { kind: 'dictionary', label: 'Data dictionary for the CSV', fallback: 'data-dictionary.csv' },
  { kind: 'schema', label: 'JSON Schema for the JSON file', fallback: 'councils.schema.json' },
  { kind: 'methodology', label: 'Methodology note', fallback: 'methodology.html' },
  { kind: 'revisions', label: 'Revision notes', fallback: 'revisions.html' },
  { kind: 'prerelease', label: 'Pre-release access statement', fallback: null },
  { kind: 'attribution', label: 'Attribution for the council data', fallback: null },
  { kind: 'hexmap', label: null, fallback: 'hexmap.json' },
];

// Which kind a file is, from its key in index.json and its path; the most specific first.
const KIND_TESTS = [
  ['hexmap', /hex/],
  ['datapackage', /datapackage/],
  ['spreadsheet', /spreadsheet|\.xlsx$/],
  ['averages', /^averages_csv|averages\.csv$/],
  ['national', /^national_csv|national\.csv$/],
  ['ignored', /national|history|index_schema|geojson_dictionary/],
  ['attribution', /attribution/],
  ['geojson', /geojson/],
  ['schema', /schema/],
  ['dictionary', /dictionary/],
  ['methodology', /methodolog/],
  ['revisions', /revision/],
  ['prerelease', /pre-?release|access/],
  ['csv', /\bcsv\b|\.csv$/],
  ['json', /\bjson\b|\.json$|^councils$/],
];

const cache = new Map();
let historyTemplate = 'data/councils/{code}.json';

function fetchJson(path) {
  if (!cache.has(path)) {
    const url = new URL(path, document.baseURI);
    const request = fetch(url, { cache: path.endsWith('index.json') || path.endsWith('calendar.json') ? 'no-cache' : 'default' })
      .then((response) => {
        if (!response.ok) throw new Error(`${path}: ${response.status}`);
        return response.json();
      });
    request.catch(() => cache.delete(path));
    cache.set(path, request);
  }
  return cache.get(path);
}

function pathOf(value) {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') return value.key ?? value.path ?? value.href ?? value.url ?? null;
  return null;
}

// A path in index.json is a bucket key ("data/2019-20/councils.csv") or a bare file name in
// the year's folder ("councils.csv").
function resolve(path, folder) {
  if (!path) return null;
  if (/^https?:/.test(path) || path.startsWith('/')) return path;
  return path.includes('/') ? path : `${folder}${path}`;
}

function kindOf(key, path) {
  const text = `${key ?? ''} ${path}`.toLowerCase();
  const hit = KIND_TESTS.find(([, test]) => test.test(text));
  return hit ? hit[0] : null;
}

function normaliseFiles(raw, folder) {
  const files = {};
  const entries = Array.isArray(raw)
    ? raw.map((value) => [value && typeof value === 'object' ? value.kind ?? value.name : null, value])
    : Object.entries(raw && typeof raw === 'object' ? raw : {});
  for (const [key, value] of entries) {
    const path = resolve(pathOf(value), folder);
    if (!path) continue;
    const kind = kindOf(key, path);
    if (kind && kind !== 'ignored' && !files[kind]) files[kind] = path;
  }
  for (const { kind, fallback } of FILE_KINDS) {
    if (!files[kind] && fallback) files[kind] = `${folder}${fallback}`;
  }
  return files;
}

function yearEntries(raw) {
  const list = raw.years ?? raw.published ?? raw.published_years ?? raw.releases ?? [];
  if (Array.isArray(list)) {
    return list.map((item) => (typeof item === 'string' ? { year: item } : { ...item, year: item.year ?? item.id ?? item.name }));
  }
  if (list && typeof list === 'object') {
    return Object.entries(list).map(([year, item]) => (item && typeof item === 'object' ? { ...item, year } : { year, revision: item }));
  }
  return [];
}

function byYear(raw, name) {
  const value = raw[name];
  return value && typeof value === 'object' && !Array.isArray(value) ? value : {};
}

/** data/index.json as {years: [{year, revision, releasedAt, files}], latest, nextRelease}. */
export async function loadIndex() {
  const raw = await fetchJson('data/index.json');
  const revisions = byYear(raw, 'revisions');
  const released = byYear(raw, 'released_at');
  const filesByYear = byYear(raw, 'files');
  const years = yearEntries(raw)
    .filter((entry) => typeof entry.year === 'string' && YEAR.test(entry.year))
    .map((entry) => {
      const folder = (resolve(entry.prefix ?? entry.path ?? entry.folder ?? entry.dir ?? null, '') ?? `data/${entry.year}`).replace(/\/?$/, '/');
      return {
        year: entry.year,
        revision: entry.revision ?? entry.latest_revision ?? revisions[entry.year] ?? null,
        releasedAt: entry.released_at ?? entry.release_time ?? entry.released ?? entry.published_at ?? released[entry.year] ?? null,
        files: normaliseFiles(entry.files ?? entry.paths ?? entry.objects ?? filesByYear[entry.year], folder),
      };
    })
    .sort((a, b) => (a.year < b.year ? 1 : -1));
  const latestRaw = raw.latest ?? raw.latest_year ?? null;
  const latest = (latestRaw && typeof latestRaw === 'object' ? latestRaw.year : latestRaw) ?? years[0]?.year ?? null;
  // The release calendar changes between releases (held, moved, announced): it has the last word.
  const calendar = await fetchJson(raw.release_calendar ?? 'calendar.json').catch(() => null);
  const nextRaw = calendar ? calendar.next_release : raw.next_release ?? raw.next_scheduled_release ?? raw.next_release_date ?? raw.next ?? null;
  const nextRelease = nextRaw && typeof nextRaw === 'object' ? nextRaw.release_at ?? nextRaw.date ?? nextRaw.release_date ?? null : nextRaw;
  if (typeof raw.council_history === 'string' && raw.council_history.includes('{code}')) {
    historyTemplate = raw.council_history;
  }
  return { years, latest: years.some((y) => y.year === latest) ? latest : years[0]?.year ?? null, nextRelease };
}

/** The year's councils.json (schema_version 1) and its hex layout {lower: {code: {q, r}}, county: {...}}. */
export async function loadYear(entry) {
  const [figures, hexmap] = await Promise.all([
    fetchJson(entry.files.json),
    fetchJson(entry.files.hexmap).catch(() => ({ layers: { lower: {}, county: {} } })),
  ]);
  const layers = hexmap.layers ?? {};
  return { figures, layers: { lower: layers.lower ?? {}, county: layers.county ?? {} } };
}

/** A council's figures for every published year: [{year, council}] oldest first. */
export async function loadHistory(code) {
  if (!CODE.test(code)) return [];
  const raw = await fetchJson(historyTemplate.replace('{code}', code));
  let list = Array.isArray(raw) ? raw : raw.years ?? raw.figures ?? raw.history ?? [];
  if (!Array.isArray(list)) {
    list = Object.entries(list).map(([year, item]) => ({ ...item, year: item.year ?? year }));
  }
  return list
    .map((item) => ({ year: item.year, council: item.council ?? item.figures ?? item }))
    .filter((item) => typeof item.year === 'string' && YEAR.test(item.year))
    .sort((a, b) => (a.year < b.year ? -1 : 1));
}

export const isCode = (value) => CODE.test(value);
export const isYear = (value) => YEAR.test(value);
