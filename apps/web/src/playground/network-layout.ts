// Where the network view puts each neuron: one column per layer, neurons centred in their column,
// tiles as large as the width allows. Pure arithmetic (no DOM), so phone sizes can be tested.

/** A neuron's tile: its layer, its index in the layer, and its top-left corner in pixels. */
export interface NeuronBox {
  layer: number;
  index: number;
  x: number;
  y: number;
}

/** The drawing's size, the tile size and every tile's place. */
export interface NetworkLayout {
  width: number;
  height: number;
  tile: number;
  boxes: NeuronBox[][];
}

/** Tiles never grow past this (TensorFlow Playground's size) nor shrink below the smaller one. */
const LARGEST_TILE = 32;
const SMALLEST_TILE = 12;

/**
 * Lays out layers of `widths` neurons in `width` pixels: columns evenly spaced, a tile at most a
 * third of a column wide and the gap between two tiles of a column 0.6 of a tile (a number fits under each).
 *
 * @example
 * ```ts
 * networkLayout([2, 6, 6, 2], 360).tile; // 30: four columns of 90 px
 * ```
 */
export function networkLayout(widths: readonly number[], width: number): NetworkLayout {
  const column = width / widths.length;
  const tile = Math.max(SMALLEST_TILE, Math.min(LARGEST_TILE, Math.floor(column / 3)));
  const pitch = Math.round(tile * 1.6); // room for a number under each tile
  const tallest = Math.max(...widths);
  const height = tallest * pitch + tile; // room for a label under the lowest tile
  const boxes = widths.map((count, layer) => {
    const x = Math.round(column * (layer + 0.5) - tile / 2);
    const top = Math.round((height - tile - count * pitch + (pitch - tile)) / 2);
    return Array.from({ length: count }, (_, index) => ({ layer, index, x, y: top + index * pitch }));
  });
  return { width, height, tile, boxes };
}

/** A neuron's name as the page writes it: x₁, x₂ for the inputs, "h2.3" for hidden neurons, the class scores by colour. */
export function neuronName(widths: readonly number[], layer: number, index: number): string {
  if (layer === 0) return index === 0 ? 'x₁' : 'x₂';
  if (layer === widths.length - 1) return index === 0 ? 'score orange' : 'score blue';
  return `h${layer}.${index + 1}`;
}
