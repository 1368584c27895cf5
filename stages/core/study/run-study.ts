import type { TrainWithSeed } from "../classifier.ts";
import type { Dataset, Row } from "../dataset.ts";
import { StageError } from "../errors.ts";
import type { RandomAttack } from "../poison.ts";
import type { Progress } from "../progress.ts";
import { createRng, deriveSeed, type Rng } from "../rng.ts";
import { stratifiedSplit } from "../split.ts";
import { runDegradation } from "./degradation.ts";
import { type CurveSource, runLearningCurve } from "./learning-curve.ts";
import { rowsNeededTable, type StudyResults } from "./results.ts";
import { trainCost } from "./train-cost.ts";

/** Draws rows from the synthetic source: rows of the study data's schema. */
export type SyntheticSampler = (count: number, rng: Rng) => Row[];

export interface StudySpec {
  seed: number;
  repeats: number;
  test_size: number;
  methods: readonly RandomAttack[];
  rates: readonly number[];
  curves: {
    repeats: number;
    rates: readonly number[];
    iris_sizes: readonly number[];
    synthetic_sizes: readonly number[];
    synthetic_test_rows: number;
    target_accuracy: number;
  };
}

/** The degradation study on IRIS and the learning curves on IRIS and on synthetic data, from one seed. */
export function runStudy(
  data: Dataset,
  spec: StudySpec,
  trainWithSeed: TrainWithSeed,
  synthetic: SyntheticSampler,
  progress?: Progress,
): StudyResults {
  const iris = data.rows;
  const classCount = data.schema.classes.length;
  const trainRows = stratifiedSplit(iris, spec.test_size, createRng(0)).train.length; // does not depend on the seed
  if (Math.max(...spec.curves.iris_sizes) > trainRows) {
    throw new StageError(
      `study.curves.iris_sizes = [${spec.curves.iris_sizes.join(", ")}]: IRIS has only ${trainRows} training rows at test_size ${spec.test_size}`,
    );
  }
  // Progress over the three parts as one: each part's steps and cost shifted by the parts before it.
  const testRows = iris.length - trainRows;
  const curveUnits = spec.curves.repeats * spec.curves.rates.length;
  const curveWork = (sizes: readonly number[], predictedRows: number) =>
    curveUnits * sizes.reduce((sum, rows) => sum + trainCost(rows, predictedRows), 0);
  const parts = [
    {
      steps: spec.repeats * spec.methods.length * spec.rates.length,
      work: spec.repeats * spec.methods.length * spec.rates.length * trainCost(trainRows, 2 * testRows),
    },
    { steps: curveUnits * spec.curves.iris_sizes.length, work: curveWork(spec.curves.iris_sizes, testRows) },
    {
      steps: curveUnits * spec.curves.synthetic_sizes.length,
      work: curveWork(spec.curves.synthetic_sizes, spec.curves.synthetic_test_rows),
    },
  ];
  const sumOf = (list: readonly { steps: number; work: number }[]) =>
    list.reduce((sum, item) => ({ steps: sum.steps + item.steps, work: sum.work + item.work }), { steps: 0, work: 0 });
  const whole = sumOf(parts);
  let part = 0;
  const report: Progress = (step) => {
    const before = sumOf(parts.slice(0, part));
    progress?.({
      done: before.steps + step.done,
      total: whole.steps,
      work: before.work + step.work,
      totalWork: whole.work,
    });
  };

  const degradation = runDegradation(data, spec, trainWithSeed, report);
  part++;

  const irisSource: CurveSource = (repeat) => {
    const { train, test } = stratifiedSplit(
      iris,
      spec.test_size,
      createRng(deriveSeed(spec.seed, "curve-split", repeat)),
    );
    return { pool: train, test };
  };
  const curveSpec = { seed: spec.seed, repeats: spec.curves.repeats, rates: spec.curves.rates, schema: data.schema };
  const irisCurve = runLearningCurve(
    irisSource,
    { ...curveSpec, sizes: spec.curves.iris_sizes },
    trainWithSeed,
    report,
  );
  part++;

  const syntheticSource: CurveSource = (repeat) => ({
    pool: synthetic(
      Math.max(...spec.curves.synthetic_sizes),
      createRng(deriveSeed(spec.seed, "synthetic-pool", repeat)),
    ),
    test: synthetic(spec.curves.synthetic_test_rows, createRng(deriveSeed(spec.seed, "synthetic-test", repeat))),
  });
  const syntheticCurve = runLearningCurve(
    syntheticSource,
    { ...curveSpec, sizes: spec.curves.synthetic_sizes },
    trainWithSeed,
    report,
  );

  const target = spec.curves.target_accuracy;
  return {
    repeats: spec.repeats,
    train_rows: trainRows,
    test_rows: iris.length - trainRows,
    degradation,
    curves: { iris: irisCurve, synthetic: syntheticCurve },
    rows_needed: {
      iris: rowsNeededTable(irisCurve, target, classCount),
      synthetic: rowsNeededTable(syntheticCurve, target, classCount),
    },
    target_accuracy: target,
    class_count: classCount,
  };
}
