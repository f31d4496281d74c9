// The council panel: the year's figures in words, and the council's figures across the years.
import { h, $ } from './dom.js';
import { STATS, areaLabel, averageText, count, humanise, per100k, percent } from './format.js';

const OUTCOMES = [
  ['upheld', 'Upheld'],
  ['not_upheld', 'Not upheld'],
  ['closed_after_initial_enquiries', 'Closed after initial enquiries'],
  ['referred_back_for_local_resolution', 'Referred back for local resolution'],
  ['incomplete_invalid', 'Incomplete or invalid'],
];

const RATE_WORDS = {
  upheld: {
    title: 'Complaints upheld',
    sentence: (c) => `${count(c.count)} of ${count(c.of)} detailed investigations were upheld.`,
    none: 'No figure: we carried out no detailed investigations of this council this year.',
  },
  compliance: {
    title: 'Compliance with our recommendations',
    sentence: (c) =>
      `The council carried out ${count(c.count)} of ${count(c.of)} of our recommendations` +
      (c.late ? `, ${count(c.late)} of them late.` : '.'),
    none: 'No figure: there were no recommendations for the council to carry out this year.',
  },
  remedy: {
    title: 'Satisfactory remedy by the council',
    sentence: (c) =>
      `In ${count(c.count)} of ${count(c.of)} upheld complaints the council had already put things right before we became involved.`,
    none: 'No figure: we upheld no complaints about this council this year.',
  },
};

function field(name, text, tag = 'span') {
  return h(tag, { 'data-field': name }, text);
}

function rateBlock(stat, council, averages) {
  const def = STATS[stat];
  const words = RATE_WORDS[stat];
  const part = council[def.part] ?? {};
  const shown = percent(part.rate);
  const group = council.comparison_group;
  const average = averageText(stat, averages?.[group]?.[def.average]);
  const children = [h('h3', null, words.title)];
  if (shown === null) {
    children.push(h('div', { class: 'figure no-figure-text' }, field(`${stat}.rate`, 'No figure')));
    children.push(h('p', null, words.none));
  } else {
    children.push(h('div', { class: 'figure' }, field(`${stat}.rate`, shown)));
    children.push(h('p', null, field(`${stat}.counts`, words.sentence(part))));
    if (part.ci_low !== null && part.ci_low !== undefined && part.ci_high !== null && part.ci_high !== undefined) {
      children.push(
        h('p', null, '95% interval: ', field(`${stat}.ci_low`, percent(part.ci_low)), ' to ', field(`${stat}.ci_high`, percent(part.ci_high)), '.'),
      );
    }
    if (part.small_base) {
      children.push(
        h('p', { class: 'small-base', 'data-field': `${stat}.small_base` },
          `This is based on fewer than 10 cases. With so few, one case more or less changes the percentage a lot, so treat a difference from other councils or other years with caution.`),
      );
    }
  }
  if (average !== null) {
    children.push(h('p', null, 'Compared with ', field(`${stat}.average`, average), ` in similar authorities (${group}).`));
  }
  return h('section', { class: 'stat-block', 'aria-label': words.title }, children);
}

function per100kBlock(council, averages) {
  const value = per100k(council.upheld?.per_100k);
  const average = averageText('per100k', averages?.[council.comparison_group]?.upheld_per_100k);
  return h('section', { class: 'stat-block', 'aria-label': 'Upheld per 100,000 residents' },
    h('h3', null, 'Upheld decisions per 100,000 residents'),
    value === null
      ? h('p', null, field('per100k.value', 'No figure'), ': the population is not available.')
      : h('div', { class: 'figure' }, field('per100k.value', value)),
    average === null ? null : h('p', null, 'Compared with ', field('per100k.average', average), ` in similar authorities (${council.comparison_group}).`),
    council.population ? h('p', null, 'Population: ', field('population', count(council.population)), '.') : null,
  );
}

function decisionsTable(council) {
  const decisions = council.decisions ?? {};
  const known = new Set(['total', ...OUTCOMES.map(([key]) => key)]);
  const rows = OUTCOMES.map(([key, label]) => [key, label]);
  for (const key of Object.keys(decisions)) if (!known.has(key)) rows.push([key, humanise(key)]);
  return h('table', { class: 'small-table' },
    h('caption', null, 'Decisions by outcome'),
    h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Outcome'), h('th', { scope: 'col', class: 'num' }, 'Decisions'))),
    h('tbody', null, rows.map(([key, label]) =>
      h('tr', null, h('th', { scope: 'row' }, label), h('td', { class: 'num', 'data-field': `decisions.${key}` }, count(decisions[key] ?? 0))))),
    h('tfoot', null, h('tr', null, h('th', { scope: 'row' }, 'Total'), h('td', { class: 'num', 'data-field': 'decisions.total' }, count(decisions.total ?? 0)))),
  );
}

function serviceAreasTable(council) {
  const areas = Object.entries(council.service_areas ?? {}).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  if (!areas.length) return h('p', null, 'No decisions by service area this year.');
  return h('table', { class: 'small-table' },
    h('caption', null, 'Decisions by service area'),
    h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Service area'), h('th', { scope: 'col', class: 'num' }, 'Decisions'))),
    h('tbody', null, areas.map(([key, n]) =>
      h('tr', null, h('th', { scope: 'row' }, areaLabel(key)), h('td', { class: 'num', 'data-field': `service_areas.${key}` }, count(n))))),
  );
}

function withCounts(text, part) {
  if (text === null) return 'No figure';
  return part && part.of !== undefined ? [text, h('br'), h('span', { class: 'of' }, `${count(part.count)} of ${count(part.of)}`)] : text;
}

export function historyTable(history) {
  if (!history.length) return h('p', null, 'No earlier figures are published for this council.');
  const letterOf = (c) => (typeof c.letter === 'string' && /^letters\/[\w\-/]+\.html$/.test(c.letter) ? `/${c.letter}` : null);
  return h('div', { class: 'scroll-x', role: 'region', 'aria-label': 'Figures in every published year (scrolls sideways)', tabindex: '0' }, h('table', { class: 'small-table history' },
    h('caption', null, 'Figures in every published year'),
    h('thead', null, h('tr', null,
      h('th', { scope: 'col' }, 'Year'),
      h('th', { scope: 'col' }, 'Upheld'),
      h('th', { scope: 'col' }, 'Compliance'),
      h('th', { scope: 'col' }, 'Satisfactory remedy'),
      h('th', { scope: 'col' }, 'Upheld per 100,000'),
      h('th', { scope: 'col' }, 'Letter'))),
    h('tbody', null, history.map(({ year, council: c }) =>
      h('tr', { 'data-year': year },
        h('th', { scope: 'row' }, year),
        h('td', { 'data-field': 'history.upheld' }, withCounts(percent(c.upheld?.rate), c.upheld)),
        h('td', { 'data-field': 'history.compliance' }, withCounts(percent(c.compliance?.rate), c.compliance)),
        h('td', { 'data-field': 'history.remedy' }, withCounts(percent(c.satisfactory_remedy?.rate), c.satisfactory_remedy)),
        h('td', { 'data-field': 'history.per100k' }, per100k(c.upheld?.per_100k) ?? 'No figure'),
        h('td', null, letterOf(c) ? h('a', { href: letterOf(c) }, `${year} letter`) : '')))),
  ));
}

/** Fill the panel for a council of the year; the history table arrives later. */
export function showPanel(council, figures, { onClose, href }) {
  const panel = $('panel');
  $('panel-title').textContent = council.name;
  const body = $('panel-body');
  const letter = typeof council.letter === 'string' && !council.letter.includes('..') && /^letters\/[\w\-/]+\.html$/.test(council.letter) ? council.letter : null;
  body.replaceChildren(
    h('p', { class: 'council-meta' },
      h('span', { 'data-field': 'type' }, council.type ?? ''), ' · ', 'compared with ',
      h('span', { 'data-field': 'comparison_group' }, council.comparison_group ?? ''), ' · ', figures.year),
    h('p', null, h('a', { class: 'govuk-link', href, 'data-field': 'page' }, `${council.name}: its own page, with every year`)),
    h('p', null, h('button', { type: 'button', class: 'link-button', onclick: onClose }, 'Close this council')),
    rateBlock('upheld', council, figures.averages),
    rateBlock('compliance', council, figures.averages),
    rateBlock('remedy', council, figures.averages),
    per100kBlock(council, figures.averages),
    h('section', { class: 'stat-block', 'aria-label': 'Decisions' },
      h('h3', null, 'Decisions'),
      council.complaints_received ? h('p', null, 'Complaints and enquiries received: ', field('complaints_received', count(council.complaints_received)), '.') : null,
      decisionsTable(council),
      serviceAreasTable(council)),
    h('section', { class: 'stat-block', 'aria-label': 'Service improvements' },
      h('h3', null, 'Service improvements'),
      h('p', null, 'Service improvements the council agreed to: ',
        field('service_improvements', count(council.service_improvements ?? 0)), '.')),
    letter
      ? h('p', null, h('a', { href: letter, 'data-field': 'letter' }, `Read the ${figures.year} annual review letter to ${council.name}`))
      : null,
    h('section', { class: 'stat-block', 'aria-label': 'Every published year', id: 'history' },
      h('h3', null, 'Every published year'),
      h('p', { class: 'hint' }, 'Loading earlier years\u2026')),
  );
  panel.hidden = false;
  panel.classList.remove('empty');
}

export function showHistory(history) {
  const section = $('history');
  if (!section) return;
  section.replaceChildren(h('h3', null, 'Every published year'), historyTable(history));
}

export function hidePanel() {
  $('panel').hidden = false;
  $('panel').classList.add('empty');
  $('panel-title').textContent = 'Choose a council';
  $('panel-body').replaceChildren(
    h('p', null, 'Pick a council on the map, find it by name with the search box, or choose it in the table of every council to see its figures here.'),
  );
}
