/**
 * Gathers one pipeline result from its files, whichever way they are read: from the workspace (the push
 * stage) or from an experiment's commit (the sweep command). Pure: the caller passes the file reader.
 */
import { parse } from "yaml";
import { StageError } from "../core/errors.ts";
import { pushedFiles } from "./pushed-files.ts";
import { buildResult, type PipelineResult, type ResultFile } from "./result.ts";

export interface ResultLayout {
  dvcYaml: string;
  pushStage: string; // its deps that other stages write are the files sent
  params: string; // sent too, and flattened into MLflow params
}

/** Reads a file's bytes; `where` names the source in messages (a path, or a path at a commit). */
export type ReadBytes = (path: string) => Uint8Array;

export function assembleResult(
  read: ReadBytes,
  layout: ResultLayout,
  where: (path: string) => string = (path) => path,
): PipelineResult {
  const dvcYaml = parseText(read(layout.dvcYaml), where(layout.dvcYaml), "YAML");
  const { metrics, others } = pushedFiles(dvcYaml, layout.pushStage, where(layout.dvcYaml));
  const paths = [...metrics, ...others, layout.params];
  const files: ResultFile[] = paths.map((path) => ({ path, bytes: read(path) }));
  const bytesOf = (path: string): Uint8Array => files.find((file) => file.path === path)?.bytes ?? new Uint8Array();
  const metricsJson = metrics.map((path) => ({ path, json: parseText(bytesOf(path), where(path), "JSON") }));
  return buildResult(parseText(bytesOf(layout.params), where(layout.params), "YAML"), metricsJson, files);
}

function parseText(bytes: Uint8Array, source: string, format: "JSON" | "YAML"): unknown {
  const text = new TextDecoder().decode(bytes);
  try {
    return format === "JSON" ? JSON.parse(text) : parse(text);
  } catch (error) {
    throw new StageError(`${source}: not valid ${format}: ${(error as Error).message}`);
  }
}
