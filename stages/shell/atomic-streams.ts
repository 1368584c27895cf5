import { once } from "node:events";
import { createWriteStream, mkdirSync, renameSync, rmSync, type WriteStream } from "node:fs";
import { dirname } from "node:path";

/**
 * Writes files by streaming, with writeOutputs' guarantee: each goes to `<name>.tmp-<pid>` first and all
 * are renamed only once every one is complete, so a failing stage leaves no half-written output.
 * `write` streams into the files of `paths`; `texts` are small files written whole beside them.
 */
export async function writeStreamed(
  paths: readonly string[],
  write: (streams: WriteStream[]) => Promise<void>,
  texts: Record<string, string> = {},
): Promise<void> {
  const allPaths = [...paths, ...Object.keys(texts)];
  const temporaries = allPaths.map((path) => {
    mkdirSync(dirname(path), { recursive: true });
    return `${path}.tmp-${process.pid}`;
  });
  const streams = temporaries.map((temporary) => createWriteStream(temporary));
  try {
    await write(streams.slice(0, paths.length));
    for (const [i, text] of Object.values(texts).entries()) streams[paths.length + i]?.end(text);
    await Promise.all(streams.map(finish));
  } catch (error) {
    for (const stream of streams) stream.destroy();
    for (const temporary of temporaries) rmSync(temporary, { force: true });
    throw error;
  }
  for (const [i, temporary] of temporaries.entries()) renameSync(temporary, allPaths[i] as string);
}

/** Writes text pieces to a stream, waiting whenever its buffer is full, so memory stays bounded. */
export async function writeChunks(stream: NodeJS.WritableStream, chunks: Iterable<string>): Promise<void> {
  for (const chunk of chunks) {
    if (!stream.write(chunk)) await once(stream, "drain");
  }
}

async function finish(stream: WriteStream): Promise<void> {
  if (stream.writableFinished) return;
  if (!stream.writableEnded) stream.end();
  await once(stream, "finish");
}

/** Writes one file from text pieces, atomically. */
export async function writeTextStreamed(path: string, chunks: Iterable<string>): Promise<void> {
  await writeStreamed([path], async ([stream]) => writeChunks(stream as WriteStream, chunks));
}
