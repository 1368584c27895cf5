import { listed, type Schema } from "../dataset.ts";
import { StageError } from "../errors.ts";
import type { PoisonParams } from "../params.ts";
import type { PoisonInput } from "../poison.ts";
import { triggerAt } from "./backdoor.ts";
import { type AttackOptions, required, type Trigger } from "./options.ts";

/**
 * The options of the attack poison.method names, from params.yaml and the data: class names must be classes
 * of the schema, feature names its features. A bad name is one StageError naming the key and the value.
 * `trigger` replaces the computed one (evaluate stamps the trigger the poison stage recorded).
 */
export function attackOptions(
  params: PoisonParams,
  schema: Schema,
  input: PoisonInput,
  trigger?: Trigger,
): AttackOptions {
  switch (params.method) {
    case "targeted_flip": {
      const source = classIndex(schema, "poison.targeted.source", params.targeted?.source);
      const target = classIndex(schema, "poison.targeted.target", params.targeted?.target);
      return { targeted: { source, target } };
    }
    case "adversarial_flip": {
      const adversarial = required(params.adversarial, "adversarial_flip");
      return { adversarial: { folds: adversarial.folds, trees: adversarial.n_estimators } };
    }
    case "backdoor": {
      const settings = required(params.backdoor, "backdoor");
      const target = settings.target === null ? 0 : classIndex(schema, "poison.backdoor.target", settings.target);
      const features = triggerFeatures(schema, settings.features);
      return {
        backdoor: { target, trigger: trigger ?? triggerAt(input, features, settings.quantile, settings.beyond ?? 0) },
      };
    }
    case "label_flip":
    case "feature_noise":
    case "inject":
      return {};
    default: {
      const unreachable: never = params.method;
      return unreachable;
    }
  }
}

function classIndex(schema: Schema, key: string, name: string | null | undefined): number {
  const index = name == null ? -1 : schema.classes.indexOf(name);
  if (index < 0) {
    throw new StageError(
      `Invalid params in params.yaml:\n  ✖ ${key} = ${JSON.stringify(name ?? null)}: not a class of the data; its classes: ${listed(schema.classes)}`,
    );
  }
  return index;
}

/**
 * A count means the last N numeric features (numeric, so a quantile is a value); names mean those columns.
 * `where` names, in a bad count's message, the setting and the data (the study passes its own key and data set).
 */
export function triggerFeatures(
  schema: Schema,
  features: number | readonly string[],
  where = { key: "poison.backdoor.features", data: "the data" },
): number[] {
  if (typeof features === "number") {
    const numeric = schema.features.flatMap((column, index) => (column.kind === "numeric" ? [index] : []));
    if (numeric.length < features) {
      throw new StageError(
        `Invalid params in params.yaml:\n  ✖ ${where.key} = ${features}: ${where.data} has only ${numeric.length} numeric features`,
      );
    }
    return numeric.slice(numeric.length - features);
  }
  const names = schema.features.map((column) => column.name);
  return features.map((name) => {
    const index = names.indexOf(name);
    if (index < 0) {
      throw new StageError(
        `Invalid params in params.yaml:\n  ✖ poison.backdoor.features = ${JSON.stringify(name)}: not a feature of the data; its features: ${listed(names)}`,
      );
    }
    return index;
  });
}
