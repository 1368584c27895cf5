import { littleEndianDoubles, littleEndianInt64s, ProtoWriter } from "./protobuf.ts";

/**
 * The ONNX messages the export writes (onnx/onnx-ml.proto, field numbers as there), as plain values and one
 * encoder each: ModelProto, OperatorSetIdProto, GraphProto, NodeProto, AttributeProto, TensorProto,
 * ValueInfoProto, TypeProto. Only the fields the export uses; a reader ignores none of them.
 */

/** TensorProto.DataType values. */
export const ELEM = { float: 1, int64: 7, string: 8, double: 11 } as const;
export type ElemType = keyof typeof ELEM;

/** A constant tensor (an initializer or a tensor attribute). */
export type Tensor =
  | { name?: string; type: "double"; dims: number[]; values: ArrayLike<number> }
  | { name?: string; type: "double"; dims: number[]; raw: ProtoWriter }
  | { name?: string; type: "int64"; dims: number[]; values: number[] }
  | { name?: string; type: "string"; dims: number[]; values: string[] };

/** An attribute; `ints` and `strings` may come pre-encoded (a forest's node lists are built in one pass). */
export type Attribute =
  | { name: string; type: "int"; value: number }
  | { name: string; type: "float"; value: number }
  | { name: string; type: "string"; value: string }
  | { name: string; type: "tensor"; value: Tensor }
  | { name: string; type: "ints"; values: ArrayLike<number> | PackedInts }
  | { name: string; type: "floats"; values: Float32Array }
  | { name: string; type: "strings"; values: string[] | RepeatedStrings };

export interface OnnxNode {
  opType: string;
  domain?: string;
  name: string;
  inputs: string[];
  outputs: string[];
  attributes?: Attribute[];
}

/** A graph input or output: a tensor of one element type; a string dimension is symbolic (the row count). */
export interface ValueInfo {
  name: string;
  type: ElemType;
  shape: Array<number | string>;
}

export interface Graph {
  name: string;
  nodes: OnnxNode[];
  initializers: Tensor[];
  inputs: ValueInfo[];
  outputs: ValueInfo[];
}

export interface OnnxModel {
  irVersion: number;
  opsets: Array<{ domain: string; version: number }>;
  producerName: string;
  producerVersion: string;
  docString: string;
  graph: Graph;
}

/** Packed int64 values written one by one into an attribute's `ints` field. */
export class PackedInts {
  readonly writer = new ProtoWriter();
  count = 0;
  push(value: number): void {
    this.writer.rawVarint(value);
    this.count++;
  }
}

/** String values written one by one as an attribute's `strings` entries. */
export class RepeatedStrings {
  readonly writer = new ProtoWriter();
  private readonly encoded = new Map<string, Uint8Array>();
  count = 0;
  push(value: string): void {
    let bytes = this.encoded.get(value);
    if (bytes === undefined) {
      bytes = new TextEncoder().encode(value);
      this.encoded.set(value, bytes);
    }
    this.writer.bytes(ATTRIBUTE.strings, bytes);
    this.count++;
  }
}

const ATTRIBUTE = { name: 1, f: 2, i: 3, s: 4, t: 5, floats: 7, ints: 8, strings: 9, type: 20 } as const;
/** AttributeProto.AttributeType values. */
const ATTRIBUTE_TYPE = { float: 1, int: 2, string: 3, tensor: 4, floats: 6, ints: 7, strings: 8 } as const;

/** The model's bytes, in parts (write them in order). */
export function encodeModel(model: OnnxModel): Uint8Array[] {
  const writer = new ProtoWriter().varint(1, model.irVersion);
  writer.string(2, model.producerName).string(3, model.producerVersion).string(6, model.docString);
  writer.message(7, encodeGraph(model.graph));
  for (const { domain, version } of model.opsets) {
    writer.message(8, new ProtoWriter().string(1, domain).varint(2, version));
  }
  return writer.chunks();
}

function encodeGraph(graph: Graph): ProtoWriter {
  const writer = new ProtoWriter();
  for (const node of graph.nodes) writer.message(1, encodeNode(node));
  writer.string(2, graph.name);
  for (const tensor of graph.initializers) writer.message(5, encodeTensor(tensor));
  for (const input of graph.inputs) writer.message(11, encodeValueInfo(input));
  for (const output of graph.outputs) writer.message(12, encodeValueInfo(output));
  return writer;
}

function encodeNode(node: OnnxNode): ProtoWriter {
  const writer = new ProtoWriter();
  for (const input of node.inputs) writer.string(1, input);
  for (const output of node.outputs) writer.string(2, output);
  writer.string(3, node.name).string(4, node.opType);
  for (const attribute of node.attributes ?? []) writer.message(5, encodeAttribute(attribute));
  if (node.domain !== undefined) writer.string(7, node.domain);
  return writer;
}

export function encodeAttribute(attribute: Attribute): ProtoWriter {
  const writer = new ProtoWriter().string(ATTRIBUTE.name, attribute.name);
  switch (attribute.type) {
    case "int":
      writer.varint(ATTRIBUTE.i, attribute.value);
      break;
    case "float":
      writer.float(ATTRIBUTE.f, attribute.value);
      break;
    case "string":
      writer.string(ATTRIBUTE.s, attribute.value);
      break;
    case "tensor":
      writer.message(ATTRIBUTE.t, encodeTensor(attribute.value));
      break;
    case "ints":
      if (attribute.values instanceof PackedInts) writer.message(ATTRIBUTE.ints, attribute.values.writer);
      else writer.packedVarints(ATTRIBUTE.ints, attribute.values);
      break;
    case "floats":
      writer.packedFloats(ATTRIBUTE.floats, attribute.values);
      break;
    case "strings":
      if (attribute.values instanceof RepeatedStrings) {
        writer.fields(attribute.values.writer);
      } else {
        for (const value of attribute.values) writer.string(ATTRIBUTE.strings, value);
      }
      break;
  }
  return writer.varint(ATTRIBUTE.type, ATTRIBUTE_TYPE[attribute.type]);
}

const TENSOR = { dims: 1, dataType: 2, stringData: 6, name: 8, rawData: 9 } as const;

export function encodeTensor(tensor: Tensor): ProtoWriter {
  const writer = new ProtoWriter().packedVarints(TENSOR.dims, tensor.dims).varint(TENSOR.dataType, ELEM[tensor.type]);
  if (tensor.type === "string") {
    for (const value of tensor.values) writer.string(TENSOR.stringData, value);
  }
  if (tensor.name !== undefined) writer.string(TENSOR.name, tensor.name);
  if (tensor.type === "double" && "raw" in tensor) writer.message(TENSOR.rawData, tensor.raw);
  else if (tensor.type === "double") writer.bytes(TENSOR.rawData, littleEndianDoubles(tensor.values));
  else if (tensor.type === "int64") writer.bytes(TENSOR.rawData, littleEndianInt64s(tensor.values));
  return writer;
}

function encodeValueInfo(value: ValueInfo): ProtoWriter {
  const shape = new ProtoWriter();
  for (const dim of value.shape) {
    shape.message(1, typeof dim === "number" ? new ProtoWriter().varint(1, dim) : new ProtoWriter().string(2, dim));
  }
  const tensorType = new ProtoWriter().varint(1, ELEM[value.type]).message(2, shape);
  return new ProtoWriter().string(1, value.name).message(2, new ProtoWriter().message(1, tensorType));
}
