// Finding a council by name, an other name it is known by, or its code: the councils are the
// rows of the table the release rendered. Names rank before other names ("Kingston" finds the
// Royal Borough of Kingston upon Thames before Hull, "Kingston upon Hull"), and a match on an
// other name says which.

/** Text reduced for matching: case, punctuation, "St"/"St." and "&"/"and" do not matter. */
export function searchKey(text) {
  return ` ${String(text).normalize('NFKD').replace(/[^\x00-\x7f]/g, '').toLowerCase()
    .replace(/&/g, ' and ').replace(/['.]/g, '').replace(/[^a-z0-9]+/g, ' ')} `
    .replace(/ saint /g, ' st ').replace(/ +/g, ' ');
}

/** The councils of the page: [{code, slug, name, group, aliases, href}]. */
export function councilsOfPage() {
  return [...document.querySelectorAll('#table-body tr[data-code]')].map((row) => ({
    code: row.dataset.code,
    slug: row.dataset.slug,
    group: row.dataset.group,
    name: row.querySelector('th a').textContent,
    href: row.querySelector('th a').getAttribute('href'),
    aliases: row.dataset.aka ? row.dataset.aka.split('; ') : [],
  }));
}

// How well a text matches: 0 it starts with the term, 1 a word in it does, 2 it contains it.
function closeness(text, term) {
  const key = searchKey(text);
  if (key.startsWith(term)) return 0;
  if (key.includes(term)) return term.startsWith(' ') ? 1 : 2;
  return null;
}

/**
 * The councils matching what was typed, best first, at most `limit`: the code or address
 * exactly, then names (start, word, anywhere), then other names, each by name.
 * Returns [{council, alias}] (alias: the other name that matched, or null).
 */
export function rank(councils, typed, limit = 10) {
  const trimmed = typed.trim();
  if (!trimmed) return [];
  const term = searchKey(trimmed).replace(/ $/, '');
  const slug = trimmed.toLowerCase().replace(/^\/?councils\/|\/$/g, '');
  const scored = [];
  for (const council of councils) {
    if (council.code === trimmed.toUpperCase() || council.slug === slug) {
      scored.push({ council, alias: null, score: 0 });
      continue;
    }
    const byName = closeness(council.name, term);
    if (byName !== null) {
      scored.push({ council, alias: null, score: 1 + byName });
      continue;
    }
    let best = null;
    for (const alias of council.aliases) {
      const found = closeness(alias, term);
      if (found !== null && (!best || found < best.found)) best = { alias, found };
    }
    if (best) scored.push({ council, alias: best.alias, score: 4 + best.found });
  }
  scored.sort((a, b) => a.score - b.score || a.council.name.localeCompare(b.council.name));
  return scored.slice(0, limit).map(({ council, alias }) => ({ council, alias }));
}
