/**
 * A protobuf writer for the few ONNX messages the export needs: fields are appended in the order written,
 * so the same calls give the same bytes. A message is a list of byte parts: a nested message is appended
 * by reference behind its length, never copied, so a forest of millions of nodes is not held twice.
 */

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_BYTES = 2;
const WIRE_FIXED32 = 5;

const encoder = new TextEncoder();

export class ProtoWriter {
  private readonly parts: Uint8Array[] = [];
  private buffer = new Uint8Array(256);
  private position = 0;
  /** Bytes in the finished parts; the current buffer's are added by byteLength. */
  private partsLength = 0;

  get byteLength(): number {
    return this.partsLength + this.position;
  }

  /** The message's bytes in order; the writer must not be written to afterwards. */
  chunks(): Uint8Array[] {
    this.flush();
    return this.parts;
  }

  /** An int32, int64 or enum field; non-negative values only (the export writes no negative number). */
  varint(field: number, value: number): this {
    this.tag(field, WIRE_VARINT);
    this.rawVarint(value);
    return this;
  }

  float(field: number, value: number): this {
    this.tag(field, WIRE_FIXED32);
    this.reserve(4);
    new DataView(this.buffer.buffer).setFloat32(this.position, value, true);
    this.position += 4;
    return this;
  }

  double(field: number, value: number): this {
    this.tag(field, WIRE_FIXED64);
    this.reserve(8);
    new DataView(this.buffer.buffer).setFloat64(this.position, value, true);
    this.position += 8;
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, encoder.encode(value));
  }

  bytes(field: number, value: Uint8Array): this {
    this.tag(field, WIRE_BYTES);
    this.rawVarint(value.length);
    this.append(value);
    return this;
  }

  /** A nested message (or a packed field's contents): its length, then its parts by reference. */
  message(field: number, child: ProtoWriter): this {
    this.tag(field, WIRE_BYTES);
    this.rawVarint(child.byteLength);
    for (const part of child.chunks()) this.append(part);
    return this;
  }

  /** Another writer's fields appended as they are, no tag or length: repeated fields written elsewhere. */
  fields(other: ProtoWriter): this {
    for (const part of other.chunks()) this.append(part);
    return this;
  }

  /** A packed repeated int32/int64 field. */
  packedVarints(field: number, values: ArrayLike<number>): this {
    const packed = new ProtoWriter();
    for (let i = 0; i < values.length; i++) packed.rawVarint(values[i] as number);
    return this.message(field, packed);
  }

  /** A packed repeated float field. */
  packedFloats(field: number, values: Float32Array): this {
    return this.bytes(field, littleEndianFloats(values));
  }

  /** A double alone, no tag, little-endian: for a tensor's raw_data built value by value. */
  rawDouble(value: number): void {
    this.reserve(8);
    new DataView(this.buffer.buffer).setFloat64(this.position, value, true);
    this.position += 8;
  }

  /** The varint alone, no tag: for the contents of a packed field built value by value. */
  rawVarint(value: number): void {
    if (!Number.isSafeInteger(value) || value < 0) throw new Error(`protobuf: ${value} is not a non-negative integer`);
    this.reserve(8);
    let rest = value;
    // Division, not bit shifts: JavaScript's shifts work on 32 bits, node and tree counts may not fit.
    while (rest >= 0x80) {
      this.buffer[this.position++] = (rest % 0x80) | 0x80;
      rest = Math.floor(rest / 0x80);
    }
    this.buffer[this.position++] = rest;
  }

  private tag(field: number, wireType: number): void {
    this.rawVarint(field * 8 + wireType);
  }

  /** Large blocks become parts of their own; small ones are copied into the buffer. */
  private append(bytes: Uint8Array): void {
    if (bytes.length > 4096) {
      this.flush();
      this.parts.push(bytes);
      this.partsLength += bytes.length;
      return;
    }
    this.reserve(bytes.length);
    this.buffer.set(bytes, this.position);
    this.position += bytes.length;
  }

  private reserve(bytes: number): void {
    if (this.position + bytes <= this.buffer.length) return;
    if (this.position >= 65536) {
      this.flush();
      if (bytes <= this.buffer.length) return;
    }
    const grown = new Uint8Array(Math.max(this.buffer.length * 2, this.position + bytes));
    grown.set(this.buffer.subarray(0, this.position));
    this.buffer = grown;
  }

  private flush(): void {
    if (this.position === 0) return;
    this.parts.push(this.buffer.subarray(0, this.position));
    this.partsLength += this.position;
    this.buffer = new Uint8Array(this.buffer.length);
    this.position = 0;
  }
}

/** Floats as little-endian bytes, as protobuf stores them whatever the machine's byte order. */
export function littleEndianFloats(values: Float32Array): Uint8Array {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  values.forEach((value, i) => {
    view.setFloat32(4 * i, value, true);
  });
  return bytes;
}

/** Doubles as little-endian bytes (an ONNX tensor's raw_data). */
export function littleEndianDoubles(values: ArrayLike<number>): Uint8Array {
  const bytes = new Uint8Array(values.length * 8);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat64(8 * i, values[i] as number, true);
  return bytes;
}

/** Non-negative int64s as little-endian bytes (an ONNX tensor's raw_data). */
export function littleEndianInt64s(values: readonly number[]): Uint8Array {
  const bytes = new Uint8Array(values.length * 8);
  const view = new DataView(bytes.buffer);
  values.forEach((value, i) => {
    view.setBigInt64(8 * i, BigInt(value), true);
  });
  return bytes;
}

/** The whole message as one array (tests and small messages). */
export function concatChunks(chunks: readonly Uint8Array[]): Uint8Array {
  const total = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  return bytes;
}
