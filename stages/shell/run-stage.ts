import { constants } from "node:os";
import { StageError } from "../core/errors.ts";
import { removeAllPartials } from "./partial-files.ts";

const SIGNALS = ["SIGINT", "SIGTERM"] as const;

/**
 * Runs a stage's main function. The one place that prints errors and sets the exit code: a StageError
 * prints its message alone (it is meant for a person), anything else prints with its stack. Whatever ends
 * the stage (an error, SIGINT, SIGTERM, even an uncaught exception) removes its partial files; a signal
 * then exits with 128 + its number, as a shell reports it.
 */
export async function runStage(name: string, main: () => void | Promise<void>): Promise<void> {
  for (const signal of SIGNALS) {
    process.once(signal, () => {
      removeAllPartials();
      console.error(`poisonlab ${name}: stopped by ${signal}; partial files removed`);
      process.exit(128 + constants.signals[signal]);
    });
  }
  // Covers what bypasses the catch below: an uncaught exception from a stream callback, or process.exit.
  process.once("exit", removeAllPartials);
  try {
    await main();
  } catch (error) {
    removeAllPartials();
    if (error instanceof StageError) {
      console.error(`poisonlab ${name}: ${error.message}`);
    } else {
      console.error(`poisonlab ${name}: unexpected failure`);
      console.error(error);
    }
    process.exitCode = 1;
  }
}
