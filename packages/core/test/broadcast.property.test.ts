// Property-based tests (fast-check): broadcasting and shape operations against simple references.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concat, Tensor } from '../src/index.js';

/** A random shape of rank 0..4 with lengths 1..4, and one broadcast-compatible with it. */
const broadcastPair = fc.array(fc.integer({ min: 1, max: 4 }), { maxLength: 4 }).chain((shape) =>
  fc.tuple(
    fc.constant(shape),
    fc
      .integer({ min: 0, max: shape.length })
      .chain((drop) =>
        fc
          .array(fc.boolean(), { minLength: shape.length - drop, maxLength: shape.length - drop })
          .map((ones) => shape.slice(drop).map((length, i) => (ones[i] ? 1 : length))),
      ),
    fc.boolean(),
  ),
);

const sizeOf = (shape: readonly number[]) => shape.reduce((s, n) => s * n, 1);
const sequence = (shape: readonly number[], start: number) =>
  new Tensor(
    Float32Array.from({ length: sizeOf(shape) }, (_, i) => start + i),
    shape,
  );

/** Reference: the value of `t` at a multi-index of the broadcast shape, read NumPy's way. */
function broadcastRead(t: Tensor, index: number[]): number {
  const offset = index.length - t.ndim;
  let flat = 0;
  t.shape.forEach((length, axis) => {
    flat = flat * length + (length === 1 ? 0 : index[axis + offset]!);
  });
  return t.data[flat]!;
}

function* indices(shape: readonly number[]): Generator<number[]> {
  const index = shape.map(() => 0);
  for (let n = 0; n < sizeOf(shape); n++) {
    yield [...index];
    for (let axis = shape.length - 1; axis >= 0; axis--) {
      if (++index[axis]! < shape[axis]!) break;
      index[axis] = 0;
    }
  }
}

describe('broadcasting (property-based)', () => {
  it('a − b equals the elementwise reference in either operand order, with the NumPy result shape', () => {
    fc.assert(
      fc.property(broadcastPair, ([shapeA, shapeB, swap]) => {
        const [x, y] = swap
          ? [sequence(shapeB, 100), sequence(shapeA, 1)]
          : [sequence(shapeA, 1), sequence(shapeB, 100)];
        const out = x.sub(y);
        const rank = Math.max(x.ndim, y.ndim);
        expect(out.ndim).toBe(rank);
        let flat = 0;
        for (const index of indices(out.shape)) {
          expect(out.data[flat++]).toBe(broadcastRead(x, index) - broadcastRead(y, index));
        }
      }),
    );
  });

  it('the gradient of a broadcast operand is summed back to its own shape', () => {
    fc.assert(
      fc.property(broadcastPair, ([shapeA, shapeB]) => {
        const a = sequence(shapeA, 0);
        const b = sequence(shapeB, 0);
        b.requiresGrad = true;
        a.add(b).sum().backward();
        // Each element of b is used size(a ⊕ b) / size(b) times.
        const outSize = sizeOf(a.add(b).shape);
        expect(b.grad!.shape).toEqual(shapeB);
        expect(Array.from(b.grad!.data)).toEqual(new Array(sizeOf(shapeB)).fill(outSize / sizeOf(shapeB)));
      }),
    );
  });
});

describe('shape operations (property-based)', () => {
  const shapeArbitrary = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 });

  it('permute moves element [i0, i1, …] to [i_order[0], …]; permuting back is the identity', () => {
    fc.assert(
      fc.property(
        shapeArbitrary.chain((shape) =>
          fc.tuple(
            fc.constant(shape),
            fc.shuffledSubarray(
              shape.map((_, i) => i),
              { minLength: shape.length },
            ),
          ),
        ),
        ([shape, order]) => {
          const x = sequence(shape, 0);
          const y = x.permute(order);
          let flat = 0;
          for (const index of indices(y.shape)) {
            const source = new Array<number>(shape.length);
            order.forEach((axis, i) => (source[axis] = index[i]!));
            expect(y.data[flat++]).toBe(broadcastRead(x, source));
          }
          const inverse = order.map((_, i) => order.indexOf(i));
          expect(y.permute(inverse).toArray()).toEqual(x.toArray());
        },
      ),
    );
  });

  it('slice with a step picks start, start+step, … like Array.prototype filtering', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 12 }),
        fc.integer({ min: -15, max: 15 }),
        fc.integer({ min: -15, max: 15 }),
        fc.integer({ min: 1, max: 4 }),
        (length, start, end, step) => {
          const values = Array.from({ length }, (_, i) => i);
          const s = start < 0 ? Math.max(start + length, 0) : Math.min(start, length);
          const e = end < 0 ? Math.max(end + length, 0) : Math.min(end, length);
          const expected = values.filter((i) => i >= s && i < e && (i - s) % step === 0);
          expect(Array.from(sequence([length], 0).slice(0, start, end, step).data)).toEqual(expected);
        },
      ),
    );
  });

  it('concat then split along any axis gives the parts back', () => {
    fc.assert(
      fc.property(
        shapeArbitrary,
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 3 }),
        fc.nat(),
        (shape, lengths, axisSeed) => {
          const axis = axisSeed % shape.length;
          const parts = lengths.map((length, i) =>
            sequence(
              shape.map((n, a) => (a === axis ? length : n)),
              100 * i,
            ),
          );
          const joined = concat(parts, axis);
          expect(joined.shape[axis]).toBe(lengths.reduce((s, n) => s + n, 0));
          joined.split(lengths, axis).forEach((piece, i) => expect(piece.toArray()).toEqual(parts[i]!.toArray()));
        },
      ),
    );
  });

  it('reshape keeps row-major order', () => {
    fc.assert(
      fc.property(shapeArbitrary, (shape) => {
        const x = sequence(shape, 0);
        expect(Array.from(x.reshape([-1]).data)).toEqual(Array.from({ length: x.size }, (_, i) => i));
        expect(x.reshape([-1]).reshape(shape).toArray()).toEqual(x.toArray());
      }),
    );
  });
});
