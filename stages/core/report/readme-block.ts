import { StageError } from "../errors.ts";

/** Replaces the text between `<!-- name:start -->` and `<!-- name:end -->`, keeping the markers. */
export function replaceBlock(document: string, name: string, content: string, source: string): string {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const from = document.indexOf(start);
  const to = document.indexOf(end);
  if (from < 0 || to < from)
    throw new StageError(`${source}: the markers "${start}" and "${end}" are missing or out of order`);
  return `${document.slice(0, from + start.length)}\n${content.trim()}\n${document.slice(to)}`;
}
