// The hex map: one focusable polygon per council, arrow keys move between them, Enter opens one.
import { svg, $ } from './dom.js';

const SIZE = 10; // corner radius of a hexagon
const WIDTH = Math.sqrt(3) * SIZE;
const ROW = 1.5 * SIZE;
const PAD = 4;

function centre(q, r) {
  return [PAD + WIDTH / 2 + WIDTH * (q + 0.5 * (r & 1)), PAD + SIZE + ROW * r];
}

function corners(x, y, radius = SIZE) {
  const points = [];
  for (let k = 0; k < 6; k += 1) {
    const angle = (Math.PI / 180) * (60 * k - 30);
    points.push(`${(x + radius * Math.cos(angle)).toFixed(2)},${(y + radius * Math.sin(angle)).toFixed(2)}`);
  }
  return points.join(' ');
}

const KEYS = { ArrowRight: [1, 0], ArrowLeft: [-1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };

export class HexMap {
  constructor({ onOpen, onHover }) {
    this.root = $('map');
    this.group = $('hexes');
    this.focusRing = $('focus-ring');
    this.selectedRing = $('selected-ring');
    this.onOpen = onOpen;
    this.onHover = onHover;
    this.items = new Map(); // code -> {node, x, y}
    this.anchorX = null;
    this.group.addEventListener('click', (event) => {
      const code = event.target.closest('.hex')?.dataset.code;
      if (code) this.onOpen(code, { byKeyboard: false });
    });
    this.group.addEventListener('keydown', (event) => this.keydown(event));
    this.group.addEventListener('focusin', (event) => this.focused(event.target.closest('.hex')));
    this.group.addEventListener('focusout', () => this.focusRing.setAttribute('hidden', ''));
    this.group.addEventListener('mouseover', (event) => {
      const code = event.target.closest('.hex')?.dataset.code;
      if (code) this.onHover(code);
    });
  }

  /** Draw the councils [{code, q, r}]; keeps nothing from the previous drawing. */
  draw(cells) {
    this.items.clear();
    let maxX = 0;
    let maxY = 0;
    const ordered = [...cells].sort((a, b) => a.r - b.r || a.q - b.q);
    // The release drew these councils already (as links, for readers without JavaScript):
    // keep its hexagons rather than drawing them again.
    const drawn = [...this.group.querySelectorAll('a.hex-link > polygon')];
    const adopt = drawn.length === ordered.length && drawn.every((node, i) => node.dataset.code === ordered[i].code);
    if (!adopt) this.group.replaceChildren();
    for (const [i, { code, q, r }] of ordered.entries()) {
      const [x, y] = centre(q, r);
      let node;
      if (adopt) {
        node = drawn[i];
        node.parentNode.replaceWith(node);
        node.setAttribute('role', 'button');
        node.setAttribute('tabindex', '-1');
      } else {
        node = svg('polygon', {
          class: 'hex no-figure',
          points: corners(x, y),
          role: 'button',
          tabindex: '-1',
          'data-code': code,
        });
        this.group.append(node);
      }
      this.items.set(code, { node, x, y });
      maxX = Math.max(maxX, x + WIDTH / 2);
      maxY = Math.max(maxY, y + SIZE);
    }
    this.root.setAttribute('viewBox', `0 0 ${(maxX + PAD).toFixed(1)} ${(maxY + PAD).toFixed(1)}`);
    this.root.classList.toggle('few', cells.length < 60);
    const first = ordered[0]?.code;
    if (first) this.items.get(first).node.setAttribute('tabindex', '0');
    this.tabStop = first ?? null;
    this.selectedRing.setAttribute('hidden', '');
    this.focusRing.setAttribute('hidden', '');
  }

  /** Colour and name each hexagon: classOf(code) -> class, labelOf(code) -> accessible name. */
  paint(classOf, labelOf) {
    for (const [code, { node }] of this.items) {
      node.setAttribute('class', `hex ${classOf(code)}`);
      node.setAttribute('aria-label', labelOf(code));
    }
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
    this.selectedRing.setAttribute('points', corners(item.x, item.y, SIZE + 0.5));
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
    this.setTabStop(node.dataset.code);
    this.focusRing.setAttribute('points', corners(item.x, item.y, SIZE + 1));
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
