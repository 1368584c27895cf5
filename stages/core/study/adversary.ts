import { triggerAt } from "../attacks/backdoor.ts";
import type { AttackOptions, BackdoorOptions } from "../attacks/options.ts";
import { triggerFeatures } from "../attacks/resolve-options.ts";
import type { TrainWithSeed } from "../classifier.ts";
import type { Dataset, Schema } from "../dataset.ts";
import { StageError } from "../errors.ts";
import type { StudyParams } from "../params.ts";
import { poisonCount, rowsTable } from "../poison.ts";
import type { Progress } from "../progress.ts";
import { uniformStep } from "../progress.ts";
import { createRng, deriveSeed } from "../rng.ts";
import { stratifiedSplit } from "../split.ts";
import { BACKDOOR_DEFENSES, type DataSetAdversary, FLIP_ATTACKS, type FlipAttack } from "./adversary-results.ts";
import { backdoorMeasurements, type DetectorKnobs } from "./backdoor-study.ts";
import { certifiedAccuracies } from "./certify-study.ts";
import { flipAccuracy } from "./chosen-flips.ts";
import { fitForest, type RepeatContext, testAccuracy } from "./repeat-context.ts";
import { type Summary, summarize } from "./statistics.ts";
import { targetedPair } from "./targeted-pair.ts";

export interface AdversarySpec {
  seed: number;
  test_size: number;
  adversary: StudyParams["adversary"];
  detector: DetectorKnobs;
}

/**
 * The chosen attacks and the certified defense on one data set, over study.adversary.repeats fresh splits drawn
 * as in the study (same split and forest seeds): random, targeted and adversarial flips at equal budgets; the
 * backdoor at each rate and trigger position against each detector; certified accuracy for each k.
 */
export function runAdversary(
  name: string,
  data: Dataset,
  spec: AdversarySpec,
  trainWithSeed: TrainWithSeed,
  progress?: Progress,
): DataSetAdversary {
  const { adversary } = spec;
  const pair = targetedPair(data);
  const trigger = triggerFeatures(data.schema, adversary.trigger_features, {
    key: "study.adversary.trigger_features",
    data: name,
  });
  const samples = new Map<string, number[]>();
  const add = (key: string, value: number) => {
    const values = samples.get(key) ?? [];
    values.push(value);
    samples.set(key, values);
  };
  // A stratified split's class counts do not depend on its seed: one split tells every repeat's sizes.
  const anySplit = stratifiedSplit(data.rows, spec.test_size, createRng(0)).train;
  checkBudgets(name, data.schema, anySplit, pair, adversary);
  for (let repeat = 0; repeat < adversary.repeats; repeat++) {
    const { train, test } = stratifiedSplit(
      data.rows,
      spec.test_size,
      createRng(deriveSeed(spec.seed, "split", repeat)),
    );
    const forestSeed = deriveSeed(spec.seed, "forest", repeat);
    const context: RepeatContext = {
      schema: data.schema,
      train,
      test,
      seed: spec.seed,
      repeat,
      forestSeed,
      trainWithSeed,
    };
    const clean = testAccuracy(context, fitForest(context, train));
    add("clean", clean);
    const options: Record<FlipAttack, AttackOptions> = {
      label_flip: {},
      targeted_flip: { targeted: pair },
      adversarial_flip: { adversarial: { folds: adversary.surrogate.folds, trees: adversary.surrogate.n_estimators } },
    };
    for (const method of FLIP_ATTACKS) {
      for (const rate of adversary.flip_rates) {
        const attacked = flipAccuracy(context, method, rate, options[method]);
        add(`flip ${method} ${rate}`, attacked);
        add(`drop ${method} ${rate}`, clean - attacked);
      }
    }
    const table = rowsTable(train, data.schema.features.length);
    for (const beyond of adversary.trigger_beyond) {
      const backdoor: BackdoorOptions = { target: 0, trigger: triggerAt(table, trigger, 1, beyond) };
      for (const rate of adversary.backdoor_rates) {
        for (const measured of backdoorMeasurements(context, rate, backdoor, spec.detector)) {
          const key = `${rate} ${beyond} ${measured.defense}`;
          if (measured.recall !== null) add(`recall ${key}`, measured.recall);
          add(`success ${key}`, measured.attack_success_rate);
          add(`accuracy ${key}`, measured.accuracy);
        }
      }
    }
    for (const k of adversary.certify_k) {
      certifiedAccuracies(context, k, adversary.certify_radii).forEach((value, i) => {
        add(`certify ${k} ${i}`, value);
      });
    }
    progress?.(uniformStep(repeat + 1, adversary.repeats));
  }
  const summary = (key: string): Summary => summarize(samples.get(key) ?? []);
  const maybe = (key: string): Summary | null => (samples.has(key) ? summary(key) : null);
  const className = (c: number) => data.schema.classes[c] as string;
  return {
    train_rows: anySplit.length,
    test_rows: data.rows.length - anySplit.length,
    class_count: data.schema.classes.length,
    targeted: { source: className(pair.source), target: className(pair.target) },
    backdoor: { target: className(0), features: trigger.map((f) => data.schema.features[f]?.name as string) },
    clean_accuracy: summary("clean"),
    flips: FLIP_ATTACKS.flatMap((method) =>
      adversary.flip_rates.map((rate) => ({
        method,
        rate,
        accuracy: summary(`flip ${method} ${rate}`),
        drop: summary(`drop ${method} ${rate}`),
      })),
    ),
    backdoors: adversary.trigger_beyond.flatMap((beyond) =>
      adversary.backdoor_rates.flatMap((rate) =>
        BACKDOOR_DEFENSES.map((defense) => {
          const key = `${rate} ${beyond} ${defense}`;
          return {
            rate,
            beyond,
            defense,
            recall: maybe(`recall ${key}`),
            attack_success_rate: summary(`success ${key}`),
            accuracy: summary(`accuracy ${key}`),
          };
        }),
      ),
    ),
    certify: adversary.certify_k.flatMap((k) =>
      [0, ...adversary.certify_radii].map((radius, i) => ({
        k,
        radius,
        certified_accuracy: summary(`certify ${k} ${i}`),
      })),
    ),
  };
}

/** The budgets must fit the rows the attacks draw from: the source class, and the rows of other classes. */
function checkBudgets(
  name: string,
  schema: Schema,
  train: Dataset["rows"],
  pair: { source: number },
  adversary: StudyParams["adversary"],
): void {
  const source = train.filter((row) => row.label === pair.source).length;
  const others = train.filter((row) => row.label !== 0).length;
  const check = (key: string, rates: readonly number[], available: number, needs: (budget: number) => string) => {
    for (const rate of rates) {
      const budget = poisonCount(train.length, rate);
      if (budget > available) {
        throw new StageError(
          `Invalid params in params.yaml:\n  ✖ study.adversary.${key} = ${rate}: ${needs(budget)}; lower the rate`,
        );
      }
    }
  };
  check(
    "flip_rates",
    adversary.flip_rates,
    source,
    (budget) =>
      `targeted_flip on ${name} needs ${budget} rows of its largest class, ${schema.classes[pair.source]}, which has ${source} training rows`,
  );
  check(
    "backdoor_rates",
    adversary.backdoor_rates,
    others,
    (budget) =>
      `the backdoor on ${name} needs ${budget} rows of classes other than its target ${schema.classes[0]}, which have ${others} training rows`,
  );
}
