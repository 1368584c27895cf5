import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { StageError } from "../../stages/core/errors.ts";
import { parseForestFile } from "../../stages/core/forest/forest-file.ts";
import { forestV1Json } from "../../stages/core/forest/forest-file-v1.ts";
import { leafReference, type Tree } from "../../stages/core/forest/tree.ts";
import { type ModelFile, modelFileText, parseModelFile, trainModel } from "../../stages/core/model.ts";
import { forestOnnxModel } from "../../stages/core/onnx/forest-graph.ts";
import { encodeAttribute, encodeModel } from "../../stages/core/onnx/onnx-proto.ts";
import { concatChunks, ProtoWriter } from "../../stages/core/onnx/protobuf.ts";
import { type Ensemble, mljsEnsemble, poisonlabEnsemble } from "../../stages/core/onnx/tree-ensemble.ts";
import type { TrainParams } from "../../stages/core/params.ts";
import { IRIS, IRIS_SCHEMA } from "../support/iris.ts";

const bytes = (writer: ProtoWriter): number[] => Array.from(concatChunks(writer.chunks()));
const ascii = (text: string): number[] => Array.from(text, (char) => char.charCodeAt(0));

/** What an ensemble sends to its sink, as lines that read like the ONNX node lists. */
function nodeLines(ensemble: Ensemble): string[] {
  const lines: string[] = [];
  ensemble.write({
    split: (tree, node, feature, threshold, yes, no) =>
      lines.push(`${tree}:${node} ${ensemble.mode} f${feature} ${threshold} -> ${yes} / ${no}`),
    leaf: (tree, node, label) => lines.push(`${tree}:${node} LEAF class ${label}`),
  });
  return lines;
}

describe("the protobuf writer", () => {
  it("writes varints, strings and nested messages as the protobuf encoding specifies", () => {
    assert.deepEqual(bytes(new ProtoWriter().varint(1, 300)), [0x08, 0xac, 0x02]);
    // 2^35: more than JavaScript's 32-bit shifts hold.
    assert.deepEqual(bytes(new ProtoWriter().varint(2, 2 ** 35)), [0x10, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]);
    assert.deepEqual(bytes(new ProtoWriter().string(3, "ab")), [0x1a, 0x02, 0x61, 0x62]);
    const child = new ProtoWriter().varint(1, 1);
    assert.deepEqual(bytes(new ProtoWriter().message(7, child)), [0x3a, 0x02, 0x08, 0x01]);
    assert.deepEqual(bytes(new ProtoWriter().packedVarints(8, [1, 300])), [0x42, 0x03, 0x01, 0xac, 0x02]);
    assert.deepEqual(bytes(new ProtoWriter().double(1, 1)), [0x09, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f]);
  });

  it("refuses a negative or fractional varint instead of writing wrong bytes", () => {
    assert.throws(() => new ProtoWriter().varint(1, -1), /not a non-negative integer/);
    assert.throws(() => new ProtoWriter().varint(1, 0.5), /not a non-negative integer/);
  });

  it("keeps large blocks as parts of their own with the same bytes as one buffer", () => {
    const block = Uint8Array.from({ length: 10_000 }, (_, i) => i % 251);
    const writer = new ProtoWriter().varint(1, 5).bytes(2, block).varint(3, 6);
    const all = concatChunks(writer.chunks());
    assert.equal(all.length, writer.byteLength);
    assert.deepEqual(Array.from(all.subarray(0, 5)), [0x08, 0x05, 0x12, 0x90, 0x4e]);
    assert.deepEqual(Array.from(all.subarray(5, 10_005)), Array.from(block));
    assert.deepEqual(Array.from(all.subarray(10_005)), [0x18, 0x06]);
  });

  it("encodes an ONNX AttributeProto with its type discriminator (field 20)", () => {
    // name = 1 "axis", i = 3, type = 20 INT (2)
    assert.deepEqual(bytes(encodeAttribute({ name: "axis", type: "int", value: 1 })), [
      0x0a,
      0x04,
      ...ascii("axis"),
      0x18,
      0x01,
      0xa0,
      0x01,
      0x02,
    ]);
  });
});

describe("forests as tree ensembles", () => {
  it("poisonlab-forest: the root first, splits keep their index, each leaf reference becomes a leaf node after them", () => {
    // Split 0: f1 <= 2.5 -> leaf class 0, else split 1: f0 <= 1 -> leaf class 2, else leaf class 1.
    const tree: Tree = {
      feature: Uint16Array.from([1, 0]),
      threshold: Float64Array.from([2.5, 1]),
      left: Int32Array.from([leafReference(0), leafReference(2)]),
      right: Int32Array.from([1, leafReference(1)]),
    };
    assert.deepEqual(nodeLines(poisonlabEnsemble({ featureCount: 2, classCount: 3, trees: [tree, tree] })), [
      "0:0 BRANCH_LEQ f1 2.5 -> 2 / 1",
      "0:1 BRANCH_LEQ f0 1 -> 3 / 4",
      "0:2 LEAF class 0",
      "0:3 LEAF class 2",
      "0:4 LEAF class 1",
      "1:0 BRANCH_LEQ f1 2.5 -> 2 / 1",
      "1:1 BRANCH_LEQ f0 1 -> 3 / 4",
      "1:2 LEAF class 0",
      "1:3 LEAF class 2",
      "1:4 LEAF class 1",
    ]);
  });

  it("ml-random-forest: `<` splits, a tree's columns mapped to features, a leaf votes its largest share (first on a tie)", () => {
    const leaf = (shares: number[]) => ({ distribution: [shares] });
    const forest = {
      baseModel: {
        indexes: [[2, 0]],
        estimators: [
          {
            root: {
              splitColumn: 0,
              splitValue: 1.5,
              left: leaf([0.5, 0.5]),
              right: { splitColumn: 1, splitValue: 4, left: leaf([0, 0.2, 0.8]), right: leaf([0, 1]) },
            },
          },
        ],
      },
    };
    assert.deepEqual(nodeLines(mljsEnsemble(forest)), [
      "0:0 BRANCH_LT f2 1.5 -> 1 / 2",
      "0:1 LEAF class 0",
      "0:2 BRANCH_LT f0 4 -> 3 / 4",
      "0:3 LEAF class 2",
      "0:4 LEAF class 1",
    ]);
  });
});

describe("the ONNX graph of a model file", () => {
  const params: TrainParams = {
    engine: "poisonlab-forest",
    n_estimators: 5,
    max_features: null,
    max_depth: 3,
    min_samples_split: 2,
    min_samples_leaf: 1,
    seed: 1,
  };
  const modelFile = (model: ModelFile): ModelFile =>
    parseModelFile(JSON.parse([...modelFileText(model)].join("")), "model.json");
  const model = modelFile(trainModel(IRIS.rows, params, IRIS_SCHEMA));

  it("has one [N] input per feature column, a label output and one probability output per class", () => {
    const { graph, opsets } = forestOnnxModel(model, "model.json");
    assert.deepEqual(
      graph.inputs.map((input) => [input.name, input.type, input.shape]),
      IRIS_SCHEMA.features.map((column) => [column.name, "double", ["N"]]),
    );
    assert.deepEqual(
      graph.outputs.map((output) => [output.name, output.type, output.shape]),
      [
        ["label", "string", ["N"]],
        ["probability_setosa", "double", ["N"]],
        ["probability_versicolor", "double", ["N"]],
        ["probability_virginica", "double", ["N"]],
      ],
    );
    assert.deepEqual(opsets, [
      { domain: "", version: 17 },
      { domain: "ai.onnx.ml", version: 3 },
    ]);
    const ensemble = graph.nodes.find((node) => node.opType === "TreeEnsembleClassifier");
    const labels = ensemble?.attributes?.find((attribute) => attribute.name === "classlabels_int64s");
    assert.deepEqual(labels?.type === "ints" && Array.from(labels.values as number[]), [0, 1, 2, 3], "a padding class");
  });

  it("encodes a categorical column as a string input through a LabelEncoder whose default is the unseen code", () => {
    const schema = {
      ...IRIS_SCHEMA,
      features: [
        { name: "colour", kind: "categorical" as const, categories: ["black", "grey", "white"] },
        ...IRIS_SCHEMA.features.slice(1),
      ],
    };
    const rows = IRIS.rows.map((row, i) => ({ ...row, features: [i % 3, ...row.features.slice(1)] }));
    const { graph } = forestOnnxModel(modelFile(trainModel(rows, params, schema)), "model.json");
    assert.deepEqual(graph.inputs[0], { name: "colour", type: "string", shape: ["N"] });
    const encoder = graph.nodes.find((node) => node.opType === "LabelEncoder");
    assert.deepEqual(encoder?.inputs, ["colour"]);
    assert.deepEqual(
      encoder?.attributes?.map((attribute) =>
        attribute.type === "floats"
          ? Array.from(attribute.values)
          : attribute.type === "strings" || attribute.type === "float"
            ? "values" in attribute
              ? attribute.values
              : attribute.value
            : null,
      ),
      [["black", "grey", "white"], [0, 1, 2], 3],
    );
  });

  it("gives byte-identical files for the same model", () => {
    const first = concatChunks(encodeModel(forestOnnxModel(model, "model.json")));
    const second = concatChunks(encodeModel(forestOnnxModel(modelFile(model), "model.json")));
    assert.ok(first.length > 1000);
    assert.deepEqual(second, first);
  });

  it("gives the same bytes from the forest file version 1 (as written before version 2) as from version 2", () => {
    const deep = modelFile(trainModel(IRIS.rows, { ...params, max_depth: null, n_estimators: 20 }, IRIS_SCHEMA));
    const forest = parseForestFile(deep.forest, "model.json");
    const v1 = modelFile({ ...deep, forest: forestV1Json(forest) });
    assert.equal((v1.forest as { version: number }).version, 1);
    assert.equal((deep.forest as { version: number }).version, 2);
    assert.deepEqual(
      concatChunks(encodeModel(forestOnnxModel(v1, "model.json"))),
      concatChunks(encodeModel(forestOnnxModel(deep, "model.json"))),
    );
  });

  it("refuses a feature column named like an output, naming it", () => {
    const schema = {
      ...IRIS_SCHEMA,
      features: [{ name: "label", kind: "numeric" as const }, ...IRIS_SCHEMA.features.slice(1)],
    };
    const clash = modelFile(trainModel(IRIS.rows, params, schema));
    assert.throws(
      () => forestOnnxModel(clash, "models/model.json"),
      (error: unknown) =>
        error instanceof StageError && /models\/model\.json: feature column "label"/.test(error.message),
    );
  });
});
