// The hex map drawn at release: one group of hexagons per layer (lower-tier councils, county
// councils), each hexagon carrying its colour class and name for every statistic. This module
// makes the hexagons keyboard buttons (arrow keys move, Enter opens) and shows a layer and a
// statistic; it draws nothing of its own but the focus and selection rings.
import { $ } from './dom.js';

const KEYS = { ArrowRight: [1, 0], ArrowLeft: [-1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };

// A hexagon's centre and corner radius, from the corners the release wrote.
function geometry(node) {
  const corners = node.getAttribute('points').trim().split(/\s+/).map((p) => p.split(',').map(Number));
  const x = corners.reduce((sum, [px]) => sum + px, 0) / corners.length;
  const y = corners.reduce((sum, [, py]) => sum + py, 0) / corners.length;
  return { x, y, radius: Math.hypot(corners[0][0] - x, corners[0][1] - y) };
}

function ring(x, y, radius) {
  const points = [];
  for (let k = 0; k < 6; k += 1) {
    const angle = (Math.PI / 180) * (60 * k - 30);
    points.push(`${(x + radius * Math.cos(angle)).toFixed(2)},${(y + radius * Math.sin(angle)).toFixed(2)}`);
  }
  return points.join(' ');
}

export class HexMap {
  constructor({ onOpen, onHover }) {
    this.root = $('map');
    this.focusRing = $('focus-ring');
    this.selectedRing = $('selected-ring');
    this.onOpen = onOpen;
    this.onHover = onHover;
    this.items = new Map(); // code -> {node, x, y, radius}
    this.anchorX = null;
    this.layer = null;
    // The release wrapped each hexagon in a link for readers without JavaScript; with it, the
    // hexagon itself is the button (one tab stop for the map, arrow keys inside it).
    for (const link of this.root.querySelectorAll('a.hex-link')) {
      const node = link.querySelector('polygon');
      link.replaceWith(node);
      node.setAttribute('role', 'button');
      node.setAttribute('tabindex', '-1');
    }
    this.root.addEventListener('click', (event) => {
      const code = event.target.closest('.hex')?.dataset.code;
      if (code) this.onOpen(code, { byKeyboard: false });
    });
    this.root.addEventListener('keydown', (event) => this.keydown(event));
    this.root.addEventListener('focusin', (event) => this.focused(event.target.closest('.hex')));
    this.root.addEventListener('focusout', () => this.focusRing.setAttribute('hidden', ''));
    this.root.addEventListener('mouseover', (event) => {
      const code = event.target.closest('.hex')?.dataset.code;
      if (code) this.onHover(code);
    });
  }

  /** Show one layer's hexagons ("lower" or "county"). */
  show(layer) {
    if (layer === this.layer) return;
    this.layer = layer;
    this.items.clear();
    let group = null;
    for (const g of this.root.querySelectorAll('.hex-layer')) {
      const shown = g.dataset.layer === layer;
      g.toggleAttribute('hidden', !shown); // an SVG element has no hidden property
      if (shown) group = g;
    }
    if (!group) return;
    this.root.setAttribute('viewBox', group.dataset.viewBox);
    this.root.classList.toggle('few', Number(group.dataset.count) < 60);
    for (const node of group.querySelectorAll('polygon.hex')) {
      node.setAttribute('tabindex', '-1');
      this.items.set(node.dataset.code, { node, ...geometry(node) });
    }
    const first = this.items.keys().next().value ?? null;
    if (first) this.items.get(first).node.setAttribute('tabindex', '0');
    this.tabStop = first;
    this.selectedRing.setAttribute('hidden', '');
    this.focusRing.setAttribute('hidden', '');
  }

  /** Colour and name every hexagon of the layer by a statistic, as the release classed it. */
  paint(stat) {
    for (const { node } of this.items.values()) {
      node.setAttribute('class', `hex ${node.getAttribute(`data-class-${stat}`) ?? 'no-figure'}`);
      node.setAttribute('aria-label', node.getAttribute(`data-label-${stat}`) ?? '');
    }
  }

  label(code) {
    return this.items.get(code)?.node.getAttribute('aria-label') ?? '';
  }

  has(code) {
    return this.items.has(code);
  }

  setTabStop(code) {
    if (!this.items.has(code) || code === this.tabStop) return;
    if (this.tabStop && this.items.has(this.tabStop)) this.items.get(this.tabStop).node.setAttribute('tabindex', '-1');
    this.items.get(code).node.setAttribute('tabindex', '0');
    this.tabStop = code;
  }

  select(code) {
    for (const { node } of this.items.values()) node.removeAttribute('aria-pressed');
    const item = this.items.get(code);
    if (!item) {
      this.selectedRing.setAttribute('hidden', '');
      return;
    }
    item.node.setAttribute('aria-pressed', 'true');
    this.selectedRing.setAttribute('points', ring(item.x, item.y, item.radius + 0.5));
    this.selectedRing.removeAttribute('hidden');
    this.setTabStop(code);
  }

  focus(code) {
    const item = this.items.get(code);
    if (!item) return;
    this.setTabStop(code);
    item.node.focus();
  }

  focused(node) {
    if (!node) return;
    const item = this.items.get(node.dataset.code);
    if (!item) return;
    this.setTabStop(node.dataset.code);
    this.focusRing.setAttribute('points', ring(item.x, item.y, item.radius + 1));
    this.focusRing.removeAttribute('hidden');
    this.onHover(node.dataset.code);
  }

  /** The nearest council in a direction: within 60 degrees of it, nearest first. */
  neighbour(code, dx, dy) {
    const from = this.items.get(code);
    const originX = dy !== 0 && this.anchorX !== null ? this.anchorX : from.x;
    let best = null;
    for (const [other, item] of this.items) {
      if (other === code) continue;
      const vx = item.x - from.x;
      const vy = item.y - from.y;
      const along = vx * dx + vy * dy;
      if (along <= 1) continue;
      const across = dy !== 0 ? Math.abs(item.x - originX) : Math.abs(vy);
      if (across > along * 1.8) continue;
      const score = along + 2 * across;
      if (!best || score < best.score - 1e-6 || (Math.abs(score - best.score) <= 1e-6 && item.x < best.x)) {
        best = { code: other, score, x: item.x };
      }
    }
    return best?.code ?? null;
  }

  keydown(event) {
    const node = event.target.closest('.hex');
    if (!node) return;
    const code = node.dataset.code;
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      this.onOpen(code, { byKeyboard: true });
      return;
    }
    let target = null;
    if (KEYS[event.key]) {
      const [dx, dy] = KEYS[event.key];
      if (dy !== 0 && this.anchorX === null) this.anchorX = this.items.get(code).x;
      if (dx !== 0) this.anchorX = null;
      target = this.neighbour(code, dx, dy);
    } else if (event.key === 'Home' || event.key === 'End') {
      const codes = [...this.items.keys()];
      target = event.key === 'Home' ? codes[0] : codes.at(-1);
      this.anchorX = null;
    } else {
      return;
    }
    event.preventDefault();
    if (target) this.focus(target);
  }
}
