// Draws the MLP: a tile per neuron (a heat map over the plane, or one number's colour), a line per
// weight (colour = sign, width = |value|), legends, and what is under the pointer or the keyboard
// focus. Draws what it is given; computes nothing of the network itself (the worker does).
import { colorAt, heatmapPixels, type Rgb } from '../shared/heatmap';
import { formatSignificant } from '../shared/page';
import { networkLayout, neuronName, type NetworkLayout } from './network-layout';

const SVG = 'http://www.w3.org/2000/svg';

/** One colour scale: its palette, the value at each end (symmetric, ±range) and what it measures. */
export interface Scale {
  palette: readonly Rgb[];
  /** Values in [−range, range] span the palette; larger ones take its ends. */
  range: number;
  title: string;
}

/** What to draw. Arrays are per layer (0 = the inputs); `null` leaves that layer blank (not reached yet). */
export interface NetworkScene {
  widths: number[];
  /** Heat maps, neuron-major (`resolution²` values per neuron); takes precedence over `numbers`. */
  maps?: { values: (Float32Array | null)[]; resolution: number };
  /** One number per neuron, shown as the tile's colour and printed under it. */
  numbers?: (Float32Array | null)[];
  neuronScale: Scale;
  /** Per layer ≥ 1, the value of each incoming edge, `[to * inputs + from]`. */
  edges: (Float32Array | null)[];
  edgeScale: Scale;
  /** Hover / focus text of a neuron and of an edge. */
  describeNeuron(layer: number, index: number): string;
  describeEdge(layer: number, to: number, from: number): string;
}

/** The network drawing inside `parent`; call {@link NetworkView.render} with each new scene. */
export class NetworkView {
  readonly #stage: HTMLDivElement;
  readonly #svg: SVGSVGElement;
  readonly #info: HTMLParagraphElement;
  readonly #legend: HTMLDivElement;
  #layout: NetworkLayout | null = null;
  #tiles: HTMLCanvasElement[][] = [];
  #labels: HTMLSpanElement[][] = [];
  #lines: SVGLineElement[][] = [];
  #scene: NetworkScene | null = null;
  #focus: (() => string) | null = null;

  constructor(parent: HTMLElement) {
    this.#stage = document.createElement('div');
    this.#stage.className = 'network';
    this.#svg = document.createElementNS(SVG, 'svg');
    this.#stage.append(this.#svg);
    this.#legend = document.createElement('div');
    this.#legend.className = 'legends';
    this.#info = document.createElement('p');
    this.#info.className = 'network-info muted';
    this.#info.setAttribute('aria-live', 'polite');
    this.#info.textContent = 'Hover or tab to a neuron or a weight to read its value.';
    parent.append(this.#stage, this.#legend, this.#info);
    // NOTE(network-width): the width follows the window, not the panel: the panel's width follows
    // its content, so sizing the drawing from the panel would feed back into itself.
    window.addEventListener('resize', () => this.#scene !== null && this.render(this.#scene));
  }

  /** Draws `scene`, rebuilding the elements only when the shape of the network or the width changed. */
  render(scene: NetworkScene): void {
    this.#scene = scene;
    const width = Math.max(200, Math.min(480, window.innerWidth - 64)); // the page's and the panel's padding
    const layout = this.#layout;
    if (layout === null || layout.width !== width || layout.boxes.map((b) => b.length).join() !== scene.widths.join()) this.#build(networkLayout(scene.widths, width));
    for (let layer = 0; layer < scene.widths.length; layer++) {
      for (let index = 0; index < scene.widths[layer]!; index++) this.#paintTile(scene, layer, index);
    }
    const edgeRange = scene.edgeScale.range || 1;
    this.#lines.forEach((lines, layer) => {
      const values = scene.edges[layer] ?? null;
      lines.forEach((line, k) => {
        const value = values?.[k];
        line.style.display = value === undefined ? 'none' : '';
        if (value === undefined) return;
        const [r, g, b] = colorAt(scene.edgeScale.palette, 0.5 + (0.5 * value) / edgeRange);
        line.setAttribute('stroke', `rgb(${r} ${g} ${b})`);
        line.setAttribute('stroke-width', (0.6 + 3.4 * Math.min(1, Math.abs(value) / edgeRange)).toFixed(2));
        line.dataset['value'] = String(value);
      });
    });
    this.#legend.replaceChildren(legend(scene.neuronScale), legend(scene.edgeScale));
    if (this.#focus !== null) this.#info.textContent = this.#focus();
  }

  #paintTile(scene: NetworkScene, layer: number, index: number): void {
    const tile = this.#tiles[layer]![index]!;
    const label = this.#labels[layer]![index]!;
    const context = tile.getContext('2d')!;
    const map = scene.maps?.values[layer] ?? null;
    const number = scene.numbers?.[layer]?.[index];
    const range = scene.neuronScale.range || 1;
    const t = (v: number) => 0.5 + (0.5 * v) / range;
    if (map !== null && scene.maps !== undefined) {
      const n = scene.maps.resolution;
      if (tile.width !== n) [tile.width, tile.height] = [n, n];
      const values = map.subarray(index * n * n, (index + 1) * n * n);
      context.putImageData(new ImageData(heatmapPixels({ values, columns: n, rows: n, palette: scene.neuronScale.palette, scale: t }), n, n), 0, 0);
      tile.dataset['value'] = '';
    } else {
      [tile.width, tile.height] = [1, 1];
      const [r, g, b] = number === undefined ? [238, 241, 245] : colorAt(scene.neuronScale.palette, t(number));
      context.fillStyle = `rgb(${r} ${g} ${b})`;
      context.fillRect(0, 0, 1, 1);
      tile.dataset['value'] = number === undefined ? '' : String(number);
    }
    label.textContent = number === undefined ? '' : formatSignificant(number, 3);
  }

  #build(layout: NetworkLayout): void {
    this.#layout = layout;
    const { width, height, tile, boxes } = layout;
    this.#stage.style.width = `${width}px`;
    this.#stage.style.height = `${height}px`;
    this.#svg.setAttribute('width', String(width));
    this.#svg.setAttribute('height', String(height));
    this.#stage.querySelectorAll('canvas, span').forEach((node) => node.remove());
    this.#svg.replaceChildren();
    const widths = boxes.map((column) => column.length);
    this.#lines = boxes.map((column, layer) => {
      if (layer === 0) return [];
      const sources = boxes[layer - 1]!;
      return column.flatMap((to) =>
        sources.map((from) => {
          const line = document.createElementNS(SVG, 'line');
          line.setAttribute('x1', String(from.x + tile));
          line.setAttribute('y1', String(from.y + tile / 2));
          line.setAttribute('x2', String(to.x));
          line.setAttribute('y2', String(to.y + tile / 2));
          line.classList.add('edge');
          line.dataset['layer'] = String(layer);
          const describe = () => this.#scene?.describeEdge(layer, to.index, from.index) ?? '';
          line.addEventListener('pointerenter', () => this.#show(describe));
          this.#svg.append(line);
          return line;
        }),
      );
    });
    this.#tiles = [];
    this.#labels = [];
    for (const column of boxes) {
      const tiles: HTMLCanvasElement[] = [];
      const labels: HTMLSpanElement[] = [];
      for (const box of column) {
        const canvas = document.createElement('canvas');
        canvas.className = 'neuron';
        Object.assign(canvas.style, { left: `${box.x}px`, top: `${box.y}px`, width: `${tile}px`, height: `${tile}px` });
        canvas.tabIndex = 0;
        canvas.dataset['layer'] = String(box.layer);
        canvas.dataset['index'] = String(box.index);
        const name = neuronName(widths, box.layer, box.index);
        canvas.setAttribute('aria-label', name);
        const describe = () => this.#scene?.describeNeuron(box.layer, box.index) ?? '';
        canvas.addEventListener('pointerenter', () => this.#show(describe));
        canvas.addEventListener('focus', () => this.#show(describe));
        const label = document.createElement('span');
        label.className = 'neuron-label';
        Object.assign(label.style, { left: `${box.x + tile / 2}px`, top: `${box.y + tile}px` });
        this.#stage.append(canvas, label);
        tiles.push(canvas);
        labels.push(label);
      }
      this.#tiles.push(tiles);
      this.#labels.push(labels);
    }
  }

  #show(describe: () => string): void {
    this.#focus = describe;
    this.#info.textContent = describe();
  }
}

/** A legend: the scale's title, a bar of its palette, and its two ends and middle. */
function legend(scale: Scale): HTMLElement {
  const box = document.createElement('div');
  box.className = 'legend';
  const stops = scale.palette.map(([r, g, b], i) => `rgb(${r} ${g} ${b}) ${(100 * i) / (scale.palette.length - 1)}%`);
  const bar = document.createElement('span');
  bar.className = 'legend-bar';
  bar.style.background = `linear-gradient(to right, ${stops.join(', ')})`;
  const ends = (text: string) => Object.assign(document.createElement('span'), { textContent: text, className: 'legend-end' });
  box.append(Object.assign(document.createElement('span'), { textContent: scale.title }), ends(formatSignificant(-scale.range, 2)), bar, ends(`+${formatSignificant(scale.range, 2)}`));
  return box;
}
