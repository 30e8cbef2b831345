// Builds one WebAssembly function body: named locals, one method per instruction, structured control.
// Imports only binary-values.ts and opcodes.ts; knows no module layout (module-writer.ts does).
import { signedLeb128, unsignedLeb128, type ValueType } from './binary-values.js';
import { EMPTY_BLOCK, OP, SIMD } from './opcodes.js';

/**
 * Builds one function body with named parameters and locals. Each method appends one instruction
 * (WAT-like, stack machine order: push the operands, then the operator) and returns `this`.
 *
 * @example
 * const body = new FunctionBuilder({ x: I32 }, [I32], {});
 * body.get('x').i32(1).add(); // (i32.add (local.get $x) (i32.const 1))
 */
export class FunctionBuilder {
  readonly params: ValueType[];
  readonly results: ValueType[];
  readonly locals: ValueType[] = [];
  readonly code: number[] = [];
  private readonly indices = new Map<string, number>();

  constructor(params: Record<string, ValueType>, results: ValueType[], locals: Record<string, ValueType>) {
    this.params = Object.values(params);
    this.results = results;
    for (const name of Object.keys(params)) this.indices.set(name, this.indices.size);
    for (const [name, type] of Object.entries(locals)) {
      this.indices.set(name, this.indices.size);
      this.locals.push(type);
    }
  }

  private index(name: string): number {
    const index = this.indices.get(name);
    if (index === undefined) throw new Error(`FunctionBuilder: unknown local '${name}'`);
    return index;
  }

  private emit(...bytes: number[]): this {
    this.code.push(...bytes);
    return this;
  }

  private simd(opcode: number, ...immediates: number[]): this {
    return this.emit(0xfd, ...unsignedLeb128(opcode), ...immediates);
  }

  /** Memory immediate: alignment hint (log2 bytes) and a constant byte offset added to the address. */
  private static memarg(alignLog2: number, offset: number): number[] {
    return [...unsignedLeb128(alignLog2), ...unsignedLeb128(offset)];
  }

  get(name: string): this {
    return this.emit(OP.localGet, ...unsignedLeb128(this.index(name)));
  }
  set(name: string): this {
    return this.emit(OP.localSet, ...unsignedLeb128(this.index(name)));
  }
  tee(name: string): this {
    return this.emit(OP.localTee, ...unsignedLeb128(this.index(name)));
  }
  i32(value: number): this {
    return this.emit(OP.i32Const, ...signedLeb128(value));
  }
  add(): this {
    return this.emit(OP.i32Add);
  }
  sub(): this {
    return this.emit(OP.i32Sub);
  }
  mul(): this {
    return this.emit(OP.i32Mul);
  }
  and(): this {
    return this.emit(OP.i32And);
  }
  or(): this {
    return this.emit(OP.i32Or);
  }
  eqz(): this {
    return this.emit(OP.i32Eqz);
  }
  eq(): this {
    return this.emit(OP.i32Eq);
  }
  ne(): this {
    return this.emit(OP.i32Ne);
  }
  ltU(): this {
    return this.emit(OP.i32LtU);
  }
  shl(): this {
    return this.emit(OP.i32Shl);
  }
  gtU(): this {
    return this.emit(OP.i32GtU);
  }
  leU(): this {
    return this.emit(OP.i32LeU);
  }
  /** Pops c, b, a; pushes a when c ≠ 0, else b. */
  select(): this {
    return this.emit(OP.select);
  }
  call(functionIndex: number): this {
    return this.emit(OP.call, ...unsignedLeb128(functionIndex));
  }

  /** Increments an i32 local by a constant or by another local. */
  addTo(name: string, amount: number | string): this {
    this.get(name);
    if (typeof amount === 'number') this.i32(amount);
    else this.get(amount);
    return this.add().set(name);
  }

  i32Load(offset = 0): this {
    return this.emit(OP.i32Load, ...FunctionBuilder.memarg(2, offset));
  }
  i32Store(offset = 0): this {
    return this.emit(OP.i32Store, ...FunctionBuilder.memarg(2, offset));
  }
  f32Load(offset = 0): this {
    return this.emit(OP.f32Load, ...FunctionBuilder.memarg(2, offset));
  }
  f32Store(offset = 0): this {
    return this.emit(OP.f32Store, ...FunctionBuilder.memarg(2, offset));
  }
  /** Pushes an f32 constant (4 little-endian IEEE 754 bytes). */
  f32(value: number): this {
    const bytes = new Uint8Array(Float32Array.of(value).buffer);
    return this.emit(OP.f32Const, ...bytes);
  }
  /** Pushes an f64 constant (8 little-endian IEEE 754 bytes). */
  f64(value: number): this {
    return this.emit(OP.f64Const, ...new Uint8Array(Float64Array.of(value).buffer));
  }
  f32Add(): this {
    return this.emit(OP.f32Add);
  }
  f64Load(offset = 0): this {
    return this.emit(OP.f64Load, ...FunctionBuilder.memarg(3, offset));
  }
  f64Store(offset = 0): this {
    return this.emit(OP.f64Store, ...FunctionBuilder.memarg(3, offset));
  }
  f64Add(): this {
    return this.emit(OP.f64Add);
  }
  /** f32 → f64, exactly. */
  f64PromoteF32(): this {
    return this.emit(OP.f64PromoteF32);
  }
  /** max(a, b) with NaN propagating and max(−0, +0) = +0. */
  f32Max(): this {
    return this.emit(OP.f32Max);
  }
  f32Gt(): this {
    return this.emit(OP.f32Gt);
  }
  /** Pops length, value, address: sets `length` bytes from `address` to the low byte of `value`. */
  memoryFill(): this {
    return this.emit(OP.bulk, ...unsignedLeb128(11), 0x00);
  }
  v128Load(offset = 0): this {
    return this.simd(SIMD.v128Load, ...FunctionBuilder.memarg(4, offset));
  }
  v128Store(offset = 0): this {
    return this.simd(SIMD.v128Store, ...FunctionBuilder.memarg(4, offset));
  }
  /** Loads one f32 and copies it into all four lanes. */
  v128Load32Splat(offset = 0): this {
    return this.simd(SIMD.v128Load32Splat, ...FunctionBuilder.memarg(2, offset));
  }
  f32x4Add(): this {
    return this.simd(SIMD.f32x4Add);
  }
  /**
   * Pops b, a; pushes four f32 lanes picked from the eight of a (0–3) and b (4–7), as i8x16.shuffle
   * with the matching byte lanes. E.g. [0, 4, 1, 5] interleaves the low halves (unpcklps).
   */
  shuffleF32(lanes: readonly [number, number, number, number]): this {
    if (lanes.some((lane) => !Number.isInteger(lane) || lane < 0 || lane > 7)) {
      throw new RangeError(`shuffleF32: lanes must be integers 0–7, got [${lanes.join(', ')}]`);
    }
    const bytes = lanes.flatMap((lane) => [4 * lane, 4 * lane + 1, 4 * lane + 2, 4 * lane + 3]);
    return this.simd(SIMD.i8x16Shuffle, ...bytes);
  }
  f32x4Mul(): this {
    return this.simd(SIMD.f32x4Mul);
  }
  f32x4Div(): this {
    return this.simd(SIMD.f32x4Div);
  }
  /** Lane-wise max: NaN propagates, max(−0, +0) = +0 (like f32.max). */
  f32x4Max(): this {
    return this.simd(SIMD.f32x4Max);
  }
  /** Lane-wise a > b: all ones where true, zeros elsewhere (false for NaN). */
  f32x4Gt(): this {
    return this.simd(SIMD.f32x4Gt);
  }
  /** Pops an f32; pushes it in all four lanes. */
  f32x4Splat(): this {
    return this.simd(SIMD.f32x4Splat);
  }
  v128And(): this {
    return this.simd(SIMD.v128And);
  }
  v128Or(): this {
    return this.simd(SIMD.v128Or);
  }
  /** Pops mask, b, a; pushes a's bits where mask's are 1 and b's elsewhere. */
  v128Bitselect(): this {
    return this.simd(SIMD.v128Bitselect);
  }
  /** Lane-wise a == b (false for NaN) and a ≠ b (true for NaN): all ones where true. */
  f32x4Eq(): this {
    return this.simd(SIMD.f32x4Eq);
  }
  f32x4Ne(): this {
    return this.simd(SIMD.f32x4Ne);
  }
  /** Pops an i32; pushes it in all four lanes. */
  i32x4Splat(): this {
    return this.simd(SIMD.i32x4Splat);
  }
  i32x4Add(): this {
    return this.simd(SIMD.i32x4Add);
  }
  /** Lanes 0 and 1 of an f32x4 as an f64x2, exactly. */
  f64x2PromoteLowF32x4(): this {
    return this.simd(SIMD.f64x2PromoteLowF32x4);
  }
  f64x2Add(): this {
    return this.simd(SIMD.f64x2Add);
  }
  f64x2Sub(): this {
    return this.simd(SIMD.f64x2Sub);
  }
  f64x2Mul(): this {
    return this.simd(SIMD.f64x2Mul);
  }
  f64x2Div(): this {
    return this.simd(SIMD.f64x2Div);
  }
  f64x2Sqrt(): this {
    return this.simd(SIMD.f64x2Sqrt);
  }
  /** Lane-wise max: NaN propagates, max(−0, +0) = +0 (like Math.max). */
  f64x2Max(): this {
    return this.simd(SIMD.f64x2Max);
  }
  /** Pops an f64; pushes it in both lanes. */
  f64x2Splat(): this {
    return this.simd(SIMD.f64x2Splat);
  }
  /** Both f64 lanes rounded to f32 (to nearest, ties to even) in lanes 0 and 1; lanes 2 and 3 zero. */
  f32x4DemoteF64x2Zero(): this {
    return this.simd(SIMD.f32x4DemoteF64x2Zero);
  }
  /** Loads two floats (8 bytes) into lanes 0 and 1, zeroing lanes 2 and 3. */
  v128Load64Zero(offset = 0): this {
    return this.simd(SIMD.v128Load64Zero, ...FunctionBuilder.memarg(3, offset));
  }
  /** Pops a v128 and an address: stores its low 8 bytes (f32 lanes 0 and 1) there. */
  v128Store64Lane0(offset = 0): this {
    return this.simd(SIMD.v128Store64Lane, ...FunctionBuilder.memarg(3, offset), 0);
  }
  f64x2ExtractLane(lane: 0 | 1): this {
    return this.simd(SIMD.f64x2ExtractLane, lane);
  }
  /** Pushes four i32 constants (lane 0 first). */
  i32x4Const(lanes: readonly [number, number, number, number]): this {
    const bytes = new Uint8Array(Int32Array.from(lanes).buffer);
    return this.simd(SIMD.v128Const, ...bytes);
  }

  /** `block … end`: `br 0` inside `body` jumps past the end. */
  block(body: () => void): this {
    this.emit(OP.block, EMPTY_BLOCK);
    body();
    return this.emit(OP.end);
  }

  /** `loop … end`: `br 0` inside `body` jumps back to the start. */
  loop(body: () => void): this {
    this.emit(OP.loop, EMPTY_BLOCK);
    body();
    return this.emit(OP.end);
  }

  /**
   * `for (counter = 0; counter < limit; counter++) body()` as a loop whose test is at the bottom,
   * so it needs limit ≥ 1 (both i32 locals, compared unsigned).
   */
  countUp(counter: string, limit: string, body: () => void): this {
    this.i32(0).set(counter);
    return this.loop(() => {
      body();
      this.addTo(counter, 1);
      this.get(counter).get(limit).ltU().brIf(0);
    });
  }

  /** Pops a condition; runs `then` when it is non-zero, else `otherwise`. */
  ifElse(then: () => void, otherwise?: () => void): this {
    this.emit(OP.if, EMPTY_BLOCK);
    then();
    if (otherwise) {
      this.emit(OP.else);
      otherwise();
    }
    return this.emit(OP.end);
  }

  /** Branches to the enclosing block/loop `depth` levels out (0 = innermost). */
  br(depth: number): this {
    return this.emit(OP.br, ...unsignedLeb128(depth));
  }
  /** Pops a condition; branches like `br` when it is non-zero. */
  brIf(depth: number): this {
    return this.emit(OP.brIf, ...unsignedLeb128(depth));
  }
}
