// Draws the MLP: a tile per neuron (a heat map over the plane, or one number's colour), a line per
// weight on one canvas (colour = sign, width = |value|), legends, and what is under the pointer or
// the keyboard focus. Draws what it is given; computes nothing of the network itself (the worker does).
import { colorAt, heatmapPixels, type Rgb } from '../shared/heatmap';
import { formatSignificant } from '../shared/page';
import { networkLayout, neuronName, type NetworkLayout } from './network-layout';

/** An edge's ends in CSS pixels, its layer (of the neuron it feeds) and its index in that layer's weights. */
interface EdgeLine {
  layer: number;
  k: number;
  to: number;
  from: number;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

/** How close (CSS pixels) the pointer must come to an edge to show it. */
const EDGE_HIT = 4;

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

/**
 * The network drawing inside `parent`; call {@link NetworkView.render} with each new scene.
 *
 * @example
 * ```ts
 * const view = new NetworkView(element('pg-network'));
 * view.render(valuesScene(await worker.network(20), 'tanh'));
 * ```
 */
export class NetworkView {
  readonly #stage: HTMLDivElement;
  readonly #edgeCanvas: HTMLCanvasElement;
  readonly #info: HTMLParagraphElement;
  readonly #legend: HTMLDivElement;
  #layout: NetworkLayout | null = null;
  #tiles: HTMLCanvasElement[][] = [];
  #labels: HTMLSpanElement[][] = [];
  #edgeLines: EdgeLine[] = [];
  #scene: NetworkScene | null = null;
  #focus: (() => string) | null = null;

  constructor(parent: HTMLElement) {
    this.#stage = document.createElement('div');
    this.#stage.className = 'network';
    // NOTE(edge-canvas): one canvas for every edge, not an SVG line each: a 6 × 16 network has 1,344
    // edges, and restyling that many elements every epoch cost the page most of its frames.
    this.#edgeCanvas = document.createElement('canvas');
    this.#edgeCanvas.className = 'edges';
    this.#stage.append(this.#edgeCanvas);
    this.#edgeCanvas.addEventListener('pointermove', (event) => this.#hoverEdge(event));
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
    if (layout === null || layout.width !== width || layout.boxes.map((b) => b.length).join() !== scene.widths.join())
      this.#build(networkLayout(scene.widths, width));
    for (let layer = 0; layer < scene.widths.length; layer++) {
      for (let index = 0; index < scene.widths[layer]!; index++) this.#paintTile(scene, layer, index);
    }
    this.#paintEdges(scene);
    this.#legend.replaceChildren(legend(scene.neuronScale), legend(scene.edgeScale));
    if (this.#focus !== null) this.#info.textContent = this.#focus();
  }

  #paintEdges(scene: NetworkScene): void {
    const canvas = this.#edgeCanvas;
    const context = canvas.getContext('2d')!;
    const ratio = window.devicePixelRatio || 1;
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.clearRect(0, 0, canvas.width, canvas.height);
    context.lineCap = 'round';
    const range = scene.edgeScale.range || 1;
    const shown: number[] = [];
    for (const edge of this.#edgeLines) {
      const value = scene.edges[edge.layer]?.[edge.k];
      if (value === undefined) continue;
      shown.push(value);
      const [r, g, b] = colorAt(scene.edgeScale.palette, 0.5 + (0.5 * value) / range);
      context.strokeStyle = `rgb(${r} ${g} ${b})`;
      context.lineWidth = 0.6 + 3.4 * Math.min(1, Math.abs(value) / range);
      context.beginPath();
      context.moveTo(edge.x1, edge.y1);
      context.lineTo(edge.x2, edge.y2);
      context.stroke();
    }
    canvas.dataset['count'] = String(shown.length);
    canvas.dataset['values'] = JSON.stringify(shown);
  }

  /** Shows the edge nearest the pointer, if one is within {@link EDGE_HIT} pixels. */
  #hoverEdge(event: PointerEvent): void {
    const box = this.#edgeCanvas.getBoundingClientRect();
    const [x, y] = [event.clientX - box.left, event.clientY - box.top];
    let best: EdgeLine | null = null;
    let bestDistance = EDGE_HIT;
    for (const edge of this.#edgeLines) {
      if (this.#scene?.edges[edge.layer]?.[edge.k] === undefined) continue;
      const distance = distanceToSegment(x, y, edge);
      if (distance < bestDistance) [best, bestDistance] = [edge, distance];
    }
    if (best !== null) {
      const { layer, to, from } = best;
      this.#show(() => this.#scene?.describeEdge(layer, to, from) ?? '');
    }
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
      context.putImageData(
        new ImageData(
          heatmapPixels({ values, columns: n, rows: n, palette: scene.neuronScale.palette, scale: t }),
          n,
          n,
        ),
        0,
        0,
      );
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
    const ratio = window.devicePixelRatio || 1;
    [this.#edgeCanvas.width, this.#edgeCanvas.height] = [Math.round(width * ratio), Math.round(height * ratio)];
    Object.assign(this.#edgeCanvas.style, { width: `${width}px`, height: `${height}px` });
    this.#stage.querySelectorAll('canvas.neuron, span').forEach((node) => node.remove());
    const widths = boxes.map((column) => column.length);
    this.#edgeLines = boxes.flatMap((column, layer) => {
      if (layer === 0) return [];
      const sources = boxes[layer - 1]!;
      return column.flatMap((to) =>
        sources.map((from) => ({
          layer,
          k: to.index * sources.length + from.index,
          to: to.index,
          from: from.index,
          x1: from.x + tile,
          y1: from.y + tile / 2,
          x2: to.x,
          y2: to.y + tile / 2,
        })),
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

/** The distance from (x, y) to the segment of `edge`, in pixels. */
function distanceToSegment(x: number, y: number, edge: EdgeLine): number {
  const [dx, dy] = [edge.x2 - edge.x1, edge.y2 - edge.y1];
  const t = Math.max(0, Math.min(1, ((x - edge.x1) * dx + (y - edge.y1) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(x - (edge.x1 + t * dx), y - (edge.y1 + t * dy));
}

/** A legend: the scale's title, a bar of its palette, and its two ends and middle. */
function legend(scale: Scale): HTMLElement {
  const box = document.createElement('div');
  box.className = 'legend';
  const stops = scale.palette.map(([r, g, b], i) => `rgb(${r} ${g} ${b}) ${(100 * i) / (scale.palette.length - 1)}%`);
  const bar = document.createElement('span');
  bar.className = 'legend-bar';
  bar.style.background = `linear-gradient(to right, ${stops.join(', ')})`;
  const ends = (text: string) =>
    Object.assign(document.createElement('span'), { textContent: text, className: 'legend-end' });
  box.append(
    Object.assign(document.createElement('span'), { textContent: scale.title }),
    ends(formatSignificant(-scale.range, 2)),
    bar,
    ends(`+${formatSignificant(scale.range, 2)}`),
  );
  return box;
}
