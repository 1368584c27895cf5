import { once } from "node:events";
import { createWriteStream, mkdirSync, openSync, renameSync, type WriteStream } from "node:fs";
import { dirname } from "node:path";
import { claimPartial, removePartial, settlePartial } from "./partial-files.ts";
import { systemErrorCode, writeFailure } from "./write-error.ts";

/**
 * Writes files by streaming, with writeOutputs' guarantee: each goes to a registered partial file first and
 * all are renamed only once every one is complete, so a failing or interrupted stage leaves no half-written
 * output and no partial file. `write` streams into the files of `paths`; `texts` are files written beside
 * them, whole (a string) or in pieces (an iterable of strings, for a large one). A failed write (a full disk)
 * is one StageError naming the file.
 */
export async function writeStreamed(
  paths: readonly string[],
  write: (streams: WriteStream[]) => Promise<void>,
  texts: Record<string, string | Iterable<string>> = {},
): Promise<void> {
  const allPaths = [...paths, ...Object.keys(texts)];
  const partials: string[] = [];
  const streams: WriteStream[] = [];
  // The first stream the system refused (a full disk), so the message names its file whichever promise
  // reports the failure first.
  let failed: { path: string; error: unknown } | undefined;
  try {
    for (const path of allPaths) {
      mkdirSync(dirname(path), { recursive: true });
      const partial = claimPartial(path);
      partials.push(partial);
      // Opened synchronously: the file exists once registered, so a signal's cleanup cannot miss it.
      const stream = createWriteStream(partial, { fd: openSync(partial, "w") });
      stream.on("error", (error) => {
        if (systemErrorCode(error) !== undefined) failed ??= { path, error };
      });
      streams.push(stream);
    }
    await write(streams.slice(0, paths.length));
    for (const [i, text] of Object.values(texts).entries()) {
      const stream = streams[paths.length + i] as WriteStream;
      if (typeof text === "string") stream.end(text);
      else await writeChunks(stream, text);
    }
    await Promise.all(streams.map(finish));
  } catch (error) {
    for (const stream of streams) stream.destroy();
    for (const partial of partials) removePartial(partial);
    throw writeFailure(failed?.error ?? error, failed?.path ?? allPaths[partials.length - 1] ?? "");
  }
  for (const [i, partial] of partials.entries()) {
    renameSync(partial, allPaths[i] as string);
    settlePartial(partial);
  }
}

/** Writes text or byte pieces to a stream, waiting whenever its buffer is full, so memory stays bounded. */
export async function writeChunks(stream: WriteStream, chunks: Iterable<string | Uint8Array>): Promise<void> {
  for (const chunk of chunks) await writeChunk(stream, chunk);
}

/**
 * Writes one piece, and waits for the stream to drain when its buffer is full. A stream that failed
 * already (a full disk) never drains: its error is thrown instead of waiting for ever.
 */
export async function writeChunk(stream: WriteStream, chunk: string | Uint8Array): Promise<void> {
  if (stream.write(chunk)) return;
  if (stream.errored) throw stream.errored;
  await once(stream, "drain");
}

async function finish(stream: WriteStream): Promise<void> {
  if (stream.errored) throw stream.errored;
  if (stream.writableFinished) return;
  if (!stream.writableEnded) stream.end();
  await once(stream, "finish");
}

/** Writes one file from text (or byte) pieces, atomically. */
export async function writeTextStreamed(path: string, chunks: Iterable<string | Uint8Array>): Promise<void> {
  await writeStreamed([path], async ([stream]) => writeChunks(stream as WriteStream, chunks));
}
