// The council panel: the council's own page for the year (rendered at release) supplies every
// figure, sentence and table; the panel shows its figures section beside the map.
import { $, h } from './dom.js';

const pages = new Map();

function loadFigures(href) {
  if (!pages.has(href)) {
    const request = fetch(href)
      .then((response) => {
        if (!response.ok) throw new Error(`${href}: ${response.status}`);
        return response.text();
      })
      .then((text) => {
        const page = new DOMParser().parseFromString(text, 'text/html');
        const figures = page.getElementById('council-figures');
        if (!figures) throw new Error(`${href}: no figures section`);
        return { figures, meta: page.querySelector('.council-meta') };
      });
    request.catch(() => pages.delete(href));
    pages.set(href, request);
  }
  return pages.get(href);
}

/** Show a council's figures for the page's year; resolves once they are in the panel. */
export async function showPanel(council, { yearHref, onClose }) {
  const panel = $('panel');
  $('panel-title').textContent = council.name;
  const links = [
    h('p', null, h('a', { class: 'govuk-link', href: yearHref, 'data-field': 'page' }, `${council.name}: its own page, with every year`)),
    h('p', null, h('button', { type: 'button', class: 'link-button', onclick: onClose }, 'Close this council')),
  ];
  $('panel-body').replaceChildren(...links, h('p', { class: 'govuk-body hint' }, 'Loading\u2026'));
  panel.hidden = false;
  panel.classList.remove('empty');
  panel.setAttribute('aria-busy', 'true');
  try {
    const { figures, meta } = await loadFigures(yearHref);
    if ($('panel-title').textContent !== council.name) return;
    $('panel-body').replaceChildren(
      ...(meta ? [document.importNode(meta, true)] : []),
      ...links,
      document.importNode(figures, true),
    );
  } catch (error) {
    $('panel-body').replaceChildren(
      ...links,
      h('p', { class: 'govuk-body' }, 'The figures could not be loaded here: follow the link to the council\u2019s page.'),
    );
  } finally {
    panel.removeAttribute('aria-busy');
  }
}

export function hidePanel() {
  $('panel').hidden = false;
  $('panel').classList.add('empty');
  $('panel-title').textContent = 'Choose a council';
  $('panel-body').replaceChildren(
    h('p', { class: 'govuk-body' }, 'Pick a council on the map, find it by name with the search box, or choose it in the table of every council to see its figures here.'),
  );
}
