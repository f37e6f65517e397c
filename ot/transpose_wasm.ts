/**
 * The IKNP bit-matrix transpose (same layout and result as {@link transpose128} in
 * ot/transpose.ts) as a small hand-assembled WebAssembly SIMD function, used because it is
 * several times faster than the JavaScript tiles (BENCHMARKS.md has the measurement).
 *
 * Method (the `movemask` transpose used by emp-toolkit and libOTe): for 16 input rows and one
 * byte column b, a vector holding byte b of each of the 16 rows gives, through
 * `i8x16.bitmask` (bit 7 of every lane), output row 8b + 7 restricted to those 16 input rows
 * as 16 bits; shifting every lane left by one and repeating gives rows 8b + 6, ..., 8b. The
 * vectors come from 16 × 16 byte blocks transposed with shuffles. The module is assembled
 * below from its instruction list (no binary blob), so it can be audited here. Public data
 * layout only: no secret-dependent branches or addresses.
 *
 * {@link MatrixTransposer} uses it when the runtime has WebAssembly SIMD and falls back to the
 * JavaScript transpose otherwise.
 *
 * @module
 */

import { transpose128 } from "./transpose.ts";

// ---- a minimal assembler for the module's two functions ----

function leb(value: number): number[] {
  const out: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
  return out;
}

function sleb(value: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = value & 0x7f;
    value >>= 7;
    if ((value === 0 && (byte & 0x40) === 0) || (value === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

function section(id: number, body: number[]): number[] {
  return [id, ...leb(body.length), ...body];
}

function name(text: string): number[] {
  const bytes = [...new TextEncoder().encode(text)];
  return [...leb(bytes.length), ...bytes];
}

const INTERLEAVE_LOW = [0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23];
const INTERLEAVE_HIGH = INTERLEAVE_LOW.map((lane) => lane + 8);

const op = {
  get: (i: number) => [0x20, ...leb(i)],
  set: (i: number) => [0x21, ...leb(i)],
  tee: (i: number) => [0x22, ...leb(i)],
  const: (v: number) => [0x41, ...sleb(v)],
  add: [0x6a],
  mul: [0x6c],
  shl: [0x74],
  ltU: [0x49],
  loop: [0x03, 0x40],
  end: [0x0b],
  brIf: (depth: number) => [0x0d, ...leb(depth)],
  store16: (offset: number) => [0x3b, 0x01, ...leb(offset)],
  load128: [0xfd, 0x00, 0x00, 0x00],
  shuffle: (lanes: number[]) => [0xfd, 0x0d, ...lanes],
  bitmask: [0xfd, 0x64],
  shl16x8: [0xfd, 0x8b, 0x01],
  store128: [0xfd, 0x0b, 0x00, 0x00],
  xor128: [0xfd, 0x51],
};

// Locals: params in(0), out(1), rowBytes(2); g(3), c(4), o(5), r0..r15 (6..21) as i32;
// x0..x15 (22..37) and y0..y15 (38..53) as v128.
const IN = 0, OUT = 1, ROW_BYTES = 2, G = 3, C = 4, O = 5, R = 6, X = 22, Y = 38;

/**
 * transpose(in, out, rowBytes): 128 rows of rowBytes bytes (a multiple of 16) at `in` →
 * 8·rowBytes rows of 16 bytes at `out`. Per group g of 16 input rows and 16-byte column
 * block c: load the 16 × 16 byte block, transpose it with four rounds of the perfect shuffle
 * (interleave rows i and i + 8; each round rotates the byte position's 8 index bits by one,
 * so four rounds swap row and column), then each transposed vector holds byte column 16c + b
 * of the 16 rows, and bitmask / shift extract its 8 bit columns.
 */
function transposeBody(): number[] {
  const code: number[] = [];
  const emit = (...parts: (number | number[])[]) => {
    for (const p of parts) typeof p === "number" ? code.push(p) : code.push(...p);
  };
  emit(op.const(0), op.set(G), op.loop); // for g in 0..7
  for (let l = 0; l < 16; l++) {
    // r_l = in + (16g + l) · rowBytes
    emit(op.get(IN), op.get(G), op.const(16), op.mul, op.const(l), op.add);
    emit(op.get(ROW_BYTES), op.mul, op.add, op.set(R + l));
  }
  emit(op.const(0), op.set(C), op.loop); // for c = 0, 16, ..., rowBytes − 16 (byte offset)
  for (let l = 0; l < 16; l++) emit(op.get(R + l), op.get(C), op.add, op.load128, op.set(X + l));
  let from = X, to = Y;
  for (let round = 0; round < 4; round++) {
    for (let i = 0; i < 8; i++) {
      emit(op.get(from + i), op.get(from + i + 8), op.shuffle(INTERLEAVE_LOW), op.set(to + 2 * i));
      emit(op.get(from + i), op.get(from + i + 8), op.shuffle(INTERLEAVE_HIGH));
      emit(op.set(to + 2 * i + 1));
    }
    [from, to] = [to, from];
  }
  // o = out + 128·c + 2·g; byte column 16c + b, bit k is output row 8(16c + b) + k, whose
  // 16 bits for this group sit at o + 128b + 16k.
  emit(op.get(OUT), op.get(C), op.const(7), op.shl, op.add);
  emit(op.get(G), op.const(1), op.shl, op.add, op.set(O));
  for (let b = 0; b < 16; b++) {
    for (let k = 7; k >= 0; k--) {
      emit(op.get(O), op.get(from + b), op.bitmask, op.store16(128 * b + 16 * k));
      // A 16-bit lane shift moves each byte's bit k − 1 to bit 7 of that same byte.
      if (k > 0) emit(op.get(from + b), op.const(1), op.shl16x8, op.set(from + b));
    }
  }
  emit(op.get(C), op.const(16), op.add, op.tee(C), op.get(ROW_BYTES), op.ltU, op.brIf(0), op.end);
  emit(op.get(G), op.const(1), op.add, op.tee(G), op.const(8), op.ltU, op.brIf(0), op.end);
  emit(op.end);
  const locals = [0x02, 19, 0x7f, 32, 0x7b]; // 19 × i32, 32 × v128
  return [...leb(locals.length + code.length), ...locals, ...code];
}

/**
 * maskRows(t, g, r, u, rowBytes): u_j = t_j ⊕ g_j ⊕ r for the 128 rows of rowBytes bytes (a
 * multiple of 16): the IKNP receiver's u matrix from its two PRG expansions and choice bits.
 */
function maskRowsBody(): number[] {
  const [T, Gm, Rm, U, RB, J, Cm, ROW] = [0, 1, 2, 3, 4, 5, 6, 7];
  const code: number[] = [];
  const emit = (...parts: (number | number[])[]) => {
    for (const p of parts) typeof p === "number" ? code.push(p) : code.push(...p);
  };
  emit(op.const(0), op.set(J), op.loop); // for j in 0..127
  emit(op.get(J), op.get(RB), op.mul, op.set(ROW), op.const(0), op.set(Cm), op.loop);
  emit(op.get(U), op.get(ROW), op.add, op.get(Cm), op.add); // store address
  emit(op.get(T), op.get(ROW), op.add, op.get(Cm), op.add, op.load128);
  emit(op.get(Gm), op.get(ROW), op.add, op.get(Cm), op.add, op.load128, op.xor128);
  emit(op.get(Rm), op.get(Cm), op.add, op.load128, op.xor128, op.store128);
  emit(op.get(Cm), op.const(16), op.add, op.tee(Cm), op.get(RB), op.ltU, op.brIf(0), op.end);
  emit(op.get(J), op.const(1), op.add, op.tee(J), op.const(128), op.ltU, op.brIf(0), op.end);
  emit(op.end);
  const locals = [0x01, 3, 0x7f]; // j, c, row offset
  return [...leb(locals.length + code.length), ...locals, ...code];
}

function assemble(): Uint8Array<ArrayBuffer> {
  const bytes = [
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    // types: 0 = (i32 × 3) → (), 1 = (i32 × 5) → ()
    ...section(1, [2, 0x60, 3, 0x7f, 0x7f, 0x7f, 0, 0x60, 5, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0]),
    ...section(3, [2, 0, 1]), // transpose: type 0, maskRows: type 1
    ...section(5, [1, 0x00, 1]), // one memory, at least 1 page
    ...section(7, [
      3,
      ...name("transpose"),
      0x00,
      0,
      ...name("maskRows"),
      0x00,
      1,
      ...name("memory"),
      0x02,
      0,
    ]),
    ...section(10, [2, ...transposeBody(), ...maskRowsBody()]),
  ];
  return new Uint8Array(bytes);
}

let compiled: WebAssembly.Module | null | undefined;

function module(): WebAssembly.Module | null {
  if (compiled === undefined) {
    try {
      compiled = new WebAssembly.Module(assemble());
    } catch {
      compiled = null; // no SIMD support: callers fall back to JavaScript
    }
  }
  return compiled;
}

/**
 * One transpose engine with its own memory: write the 128 × columns/8-byte column-form matrix
 * into {@link WasmTranspose.input}, call {@link WasmTranspose.run}, read the columns × 16-byte
 * rows from {@link WasmTranspose.output}. Views stay valid until the next `prepare`.
 */
export class WasmTranspose {
  #memory: WebAssembly.Memory;
  #transpose: (input: number, output: number, rowBytes: number) => void;
  #maskRows: (t: number, g: number, r: number, u: number, rowBytes: number) => void;
  #columns = 0;
  /** Second column-form matrix (the receiver's G(k_j^1) rows). */
  second: Uint32Array = new Uint32Array(0);
  /** One row of columns bits (the receiver's choice bits). */
  mask: Uint32Array = new Uint32Array(0);
  #masked: Uint8Array = new Uint8Array(0);
  /** The column-form input (128 rows of columns/32 words). */
  input: Uint32Array = new Uint32Array(0);
  /** The row-form output (columns rows of 4 words). */
  output: Uint32Array = new Uint32Array(0);

  constructor(instance: WebAssembly.Instance) {
    this.#memory = instance.exports.memory as WebAssembly.Memory;
    this.#transpose = instance.exports.transpose as (a: number, b: number, c: number) => void;
    this.#maskRows = instance.exports.maskRows as (
      t: number,
      g: number,
      r: number,
      u: number,
      rowBytes: number,
    ) => void;
  }

  /** Sizes the buffers for `columns` (a multiple of 128) and refreshes the views. */
  prepare(columns: number): void {
    if (columns % 128 !== 0 || columns <= 0) {
      throw new RangeError("WasmTranspose: columns must be a positive multiple of 128");
    }
    const bytes = columns * 16;
    // Layout: input | output | second | masked | mask, each matrix 16·columns bytes.
    const needed = Math.ceil((4 * bytes + columns / 8) / 65536);
    const pages = this.#memory.buffer.byteLength / 65536;
    if (needed > pages) this.#memory.grow(needed - pages);
    this.#columns = columns;
    const buffer = this.#memory.buffer;
    this.input = new Uint32Array(buffer, 0, bytes >>> 2);
    this.output = new Uint32Array(buffer, bytes, bytes >>> 2);
    this.second = new Uint32Array(buffer, 2 * bytes, bytes >>> 2);
    this.#masked = new Uint8Array(buffer, 3 * bytes, bytes);
    this.mask = new Uint32Array(buffer, 4 * bytes, columns >>> 5);
  }

  /** input_j ⊕ second_j ⊕ mask for every row j, as a fresh array (e.g. for the channel). */
  maskRows(): Uint8Array {
    const bytes = this.#columns * 16;
    this.#maskRows(0, 2 * bytes, 4 * bytes, 3 * bytes, this.#columns >>> 3);
    return this.#masked.slice();
  }

  /** Transposes the prepared input into the output. */
  run(): Uint32Array {
    this.#transpose(0, this.#columns * 16, this.#columns >>> 3);
    return this.output;
  }
}

/** A fresh {@link WasmTranspose}, or null when WebAssembly SIMD is not available. */
export function createWasmTranspose(): WasmTranspose | null {
  const compiledModule = module();
  if (!compiledModule) return null;
  return new WasmTranspose(new WebAssembly.Instance(compiledModule, {}));
}

/**
 * The column-form buffer and transpose of one IKNP endpoint: WebAssembly SIMD when available,
 * else JavaScript. Fill {@link MatrixTransposer.input}, then call
 * {@link MatrixTransposer.transpose}; both buffers are reused by the next chunk.
 */
export class MatrixTransposer {
  #wasm: WasmTranspose | null = createWasmTranspose();
  #input = new Uint32Array(0);
  #output = new Uint32Array(0);
  #second = new Uint32Array(0);
  #mask = new Uint32Array(0);

  /** Whether the WebAssembly path is in use (for benchmarks and tests). */
  get usesWasm(): boolean {
    return this.#wasm !== null;
  }

  /** The column-form buffer for `columns` (a multiple of 128): 128 rows of columns/32 words. */
  input(columns: number): Uint32Array {
    if (this.#wasm) {
      this.#wasm.prepare(columns);
      return this.#wasm.input;
    }
    if (this.#input.length < columns * 4) {
      this.#input = new Uint32Array(columns * 4);
      this.#output = new Uint32Array(columns * 4);
    }
    return this.#input.subarray(0, columns * 4);
  }

  /**
   * For the IKNP receiver: a second column-form matrix and a one-row mask beside the input
   * (call after {@link input} for the same columns); {@link maskRows} combines them.
   */
  maskBuffers(columns: number): { second: Uint32Array; mask: Uint32Array } {
    if (this.#wasm) return { second: this.#wasm.second, mask: this.#wasm.mask };
    if (this.#second.length < columns * 4) this.#second = new Uint32Array(columns * 4);
    if (this.#mask.length < columns >>> 5) this.#mask = new Uint32Array(columns >>> 5);
    return {
      second: this.#second.subarray(0, columns * 4),
      mask: this.#mask.subarray(0, columns >>> 5),
    };
  }

  /** input_j ⊕ second_j ⊕ mask for each of the 128 rows j, as a fresh array. */
  maskRows(columns: number): Uint8Array {
    if (this.#wasm) return this.#wasm.maskRows();
    const words = columns >>> 5;
    const out = new Uint32Array(columns * 4);
    for (let j = 0; j < 128; j++) {
      const base = j * words;
      for (let w = 0; w < words; w++) {
        out[base + w] = this.#input[base + w] ^ this.#second[base + w] ^ this.#mask[w];
      }
    }
    return new Uint8Array(out.buffer);
  }

  /** Transposes the buffer last returned by {@link input}: columns rows of 16 bytes. */
  transpose(columns: number): Uint8Array {
    const out = this.#wasm ? this.#wasm.run() : transpose128(this.#input, columns, this.#output);
    return new Uint8Array(out.buffer, out.byteOffset, columns * 16);
  }
}
