import type { CategoricalColumn, FeatureColumn } from "../dataset.ts";
import { StageError } from "../errors.ts";
import type { ModelFile } from "../model.ts";
import {
  type Attribute,
  type OnnxModel,
  type OnnxNode,
  PackedInts,
  RepeatedStrings,
  type Tensor,
} from "./onnx-proto.ts";
import { ProtoWriter } from "./protobuf.ts";
import { type Ensemble, forestEnsemble } from "./tree-ensemble.ts";

/**
 * A poisonlab model file as an ONNX graph that ONNX Runtime scores exactly as poisonlab does:
 *
 *   one input per feature column, named by the column, shape [N]: a double, or a string for a categorical
 *   column (LabelEncoder gives its code, an unseen category the code one past the last, as dataset.ts)
 *   -> Concat into [N, features] doubles -> TreeEnsembleClassifier (double thresholds, so no float32
 *   rounding can flip a comparison; each leaf adds 1 to its class: the votes, exact in any order)
 *   -> `label`: ArgMax of the votes, the first class on a tie as poisonlab's predictLabels, as the class name
 *   -> `probability_<class>`: votes / trees in double, one [N] output per class.
 *
 * Every input and output is one column of N values: MLflow's onnx flavor feeds a DataFrame's columns by name
 * and returns a DataFrame of the outputs, which needs them one-dimensional.
 *
 * The classifier gets one class more than the data, which no leaf votes for: with exactly two classes ONNX
 * Runtime's TreeEnsembleClassifier takes its binary path, whose label and scores do not follow the votes.
 */

export const LABEL_OUTPUT = "label";
export const probabilityOutput = (className: string): string => `probability_${className}`;

const IR_VERSION = 8;
const OPSETS = [
  { domain: "", version: 17 },
  { domain: "ai.onnx.ml", version: 3 },
];
const ROWS = "N";
/** Category codes travel as float32 from the LabelEncoder: exact below 2^24. */
const MAX_CATEGORIES = 2 ** 24;
// Internal value names; a feature column with one of these names, or an output's, is refused.
const INTERNAL = "poisonlab/";

export function forestOnnxModel(model: ModelFile, source: string): OnnxModel {
  const { features, classes } = model;
  checkNames(model, source);
  const ensemble = forestEnsemble(model.engine, model.forest, source, {
    featureCount: features.length,
    classCount: classes.length,
  });
  const nodes: OnnxNode[] = [];
  const initializers: Tensor[] = [
    { name: `${INTERNAL}axis_1`, type: "int64", dims: [1], values: [1] },
    { name: `${INTERNAL}zero`, type: "int64", dims: [1], values: [0] },
    { name: `${INTERNAL}class_count`, type: "int64", dims: [1], values: [classes.length] },
    { name: `${INTERNAL}class_names`, type: "string", dims: [classes.length], values: classes },
    { name: `${INTERNAL}trees`, type: "double", dims: [], values: [ensemble.trees] },
    ...classes.map((_, c): Tensor => ({ name: `${INTERNAL}class_${c}`, type: "int64", dims: [], values: [c] })),
  ];
  const columns = features.map((feature, i) => {
    const column = `${INTERNAL}column_${i}`;
    const numbers = feature.kind === "numeric" ? feature.name : categoryCodes(feature, i, nodes, source);
    nodes.push(node("Unsqueeze", [numbers, `${INTERNAL}axis_1`], [column]));
    return column;
  });
  nodes.push(node("Concat", columns, [`${INTERNAL}features`], [int("axis", 1)]));
  nodes.push(
    node(
      "TreeEnsembleClassifier",
      [`${INTERNAL}features`],
      [`${INTERNAL}ensemble_label`, `${INTERNAL}votes_padded`],
      treeEnsembleAttributes(ensemble, classes.length),
      "ai.onnx.ml",
    ),
    node(
      "Slice",
      [`${INTERNAL}votes_padded`, `${INTERNAL}zero`, `${INTERNAL}class_count`, `${INTERNAL}axis_1`],
      [`${INTERNAL}votes`],
    ),
    node("ArgMax", [`${INTERNAL}votes`], [`${INTERNAL}label_index`], [int("axis", 1), int("keepdims", 0)]),
    node("Gather", [`${INTERNAL}class_names`, `${INTERNAL}label_index`], [LABEL_OUTPUT], [int("axis", 0)]),
    node("Cast", [`${INTERNAL}votes`], [`${INTERNAL}votes_double`], [int("to", 11)]),
    node("Div", [`${INTERNAL}votes_double`, `${INTERNAL}trees`], [`${INTERNAL}probabilities`]),
    ...classes.map((name, c) =>
      node(
        "Gather",
        [`${INTERNAL}probabilities`, `${INTERNAL}class_${c}`],
        [probabilityOutput(name)],
        [int("axis", 1)],
      ),
    ),
  );
  return {
    irVersion: IR_VERSION,
    opsets: OPSETS,
    producerName: "poisonlab",
    producerVersion: `${model.format} v${model.version}`,
    docString: `A ${model.engine} forest of ${ensemble.trees} trees predicting ${model.label} (${classes.join(", ")}).`,
    graph: {
      name: "poisonlab_forest",
      nodes,
      initializers,
      inputs: features.map((feature) => ({
        name: feature.name,
        type: feature.kind === "numeric" ? "double" : "string",
        shape: [ROWS],
      })),
      outputs: [
        { name: LABEL_OUTPUT, type: "string", shape: [ROWS] },
        ...classes.map((name) => ({ name: probabilityOutput(name), type: "double" as const, shape: [ROWS] })),
      ],
    },
  };
}

/** A categorical column's codes as doubles: LabelEncoder (string -> float code), then Cast. */
function categoryCodes(column: CategoricalColumn, i: number, nodes: OnnxNode[], source: string): string {
  const { categories } = column;
  if (categories.length >= MAX_CATEGORIES) {
    throw new StageError(
      `${source}: column ${column.name} has ${categories.length} categories, more than ONNX export takes (${MAX_CATEGORIES - 1})`,
    );
  }
  const code = `${INTERNAL}code_${i}`;
  const codeDouble = `${INTERNAL}code_double_${i}`;
  nodes.push(
    node(
      "LabelEncoder",
      [column.name],
      [code],
      [
        { name: "keys_strings", type: "strings", values: categories },
        { name: "values_floats", type: "floats", values: Float32Array.from(categories, (_, index) => index) },
        { name: "default_float", type: "float", value: categories.length },
      ],
      "ai.onnx.ml",
    ),
    node("Cast", [code], [codeDouble], [int("to", 11)]),
  );
  return codeDouble;
}

/**
 * The classifier's attributes, written in one pass over the trees. Every leaf adds weight 1 to its class,
 * so a class's score is its vote count; class `classCount` is the padding class no leaf votes for.
 */
function treeEnsembleAttributes(ensemble: Ensemble, classCount: number): Attribute[] {
  const nodes = {
    treeIds: new PackedInts(),
    nodeIds: new PackedInts(),
    featureIds: new PackedInts(),
    modes: new RepeatedStrings(),
    trueIds: new PackedInts(),
    falseIds: new PackedInts(),
    values: new ProtoWriter(),
  };
  const leaves = { treeIds: new PackedInts(), nodeIds: new PackedInts(), classIds: new PackedInts() };
  const addNode = (tree: number, id: number, mode: string, feature: number, value: number, yes: number, no: number) => {
    nodes.treeIds.push(tree);
    nodes.nodeIds.push(id);
    nodes.featureIds.push(feature);
    nodes.modes.push(mode);
    nodes.values.rawDouble(value);
    nodes.trueIds.push(yes);
    nodes.falseIds.push(no);
  };
  ensemble.write({
    split: (tree, id, feature, threshold, yes, no) => addNode(tree, id, ensemble.mode, feature, threshold, yes, no),
    leaf: (tree, id, label) => {
      addNode(tree, id, "LEAF", 0, 0, 0, 0);
      leaves.treeIds.push(tree);
      leaves.nodeIds.push(id);
      leaves.classIds.push(label);
    },
  });
  return [
    { name: "class_ids", type: "ints", values: leaves.classIds },
    { name: "class_nodeids", type: "ints", values: leaves.nodeIds },
    { name: "class_treeids", type: "ints", values: leaves.treeIds },
    { name: "class_weights", type: "floats", values: new Float32Array(leaves.classIds.count).fill(1) },
    { name: "classlabels_int64s", type: "ints", values: Array.from({ length: classCount + 1 }, (_, c) => c) },
    { name: "nodes_falsenodeids", type: "ints", values: nodes.falseIds },
    { name: "nodes_featureids", type: "ints", values: nodes.featureIds },
    { name: "nodes_modes", type: "strings", values: nodes.modes },
    { name: "nodes_nodeids", type: "ints", values: nodes.nodeIds },
    { name: "nodes_treeids", type: "ints", values: nodes.treeIds },
    { name: "nodes_truenodeids", type: "ints", values: nodes.trueIds },
    {
      name: "nodes_values_as_tensor",
      type: "tensor",
      value: { type: "double", dims: [nodes.treeIds.count], raw: nodes.values },
    },
    { name: "post_transform", type: "string", value: "NONE" },
  ];
}

/** Input names are the columns' own: none may be an output's name or one of the graph's internal names. */
function checkNames(model: ModelFile, source: string): void {
  const outputs = new Set([LABEL_OUTPUT, ...model.classes.map(probabilityOutput)]);
  const clash = model.features.find(
    (feature: FeatureColumn) => outputs.has(feature.name) || feature.name.startsWith(INTERNAL),
  );
  if (clash !== undefined) {
    throw new StageError(
      `${source}: feature column "${clash.name}" would have the name of an ONNX output or internal value (${LABEL_OUTPUT}, ${probabilityOutput("<class>")}, ${INTERNAL}...): rename the column`,
    );
  }
}

function node(
  opType: string,
  inputs: string[],
  outputs: string[],
  attributes: Attribute[] = [],
  domain?: string,
): OnnxNode {
  return {
    opType,
    name: outputs[0] as string,
    inputs,
    outputs,
    attributes,
    ...(domain === undefined ? {} : { domain }),
  };
}

function int(name: string, value: number): Attribute {
  return { name, type: "int", value };
}
