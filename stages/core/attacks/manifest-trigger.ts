import type { Schema } from "../dataset.ts";
import { StageError } from "../errors.ts";
import type { ManifestFile } from "../manifest-file.ts";
import type { Trigger } from "./options.ts";

/** The trigger a backdoor manifest recorded, in schema indices; undefined for other attacks. */
export function manifestTrigger(manifest: ManifestFile, schema: Schema, source: string): Trigger | undefined {
  if (manifest.trigger === undefined) return undefined;
  const names = schema.features.map((column) => column.name);
  const entries = Object.entries(manifest.trigger.features);
  const features = entries.map(([name]) => {
    const index = names.indexOf(name);
    if (index < 0)
      throw new StageError(
        `${source}: the trigger names "${name}", not a feature of the model; re-run the poison stage`,
      );
    return index;
  });
  return { features, values: entries.map(([, value]) => value) };
}
