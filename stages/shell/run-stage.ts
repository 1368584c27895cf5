import { StageError } from "../core/errors.ts";

/**
 * Runs a stage's main function. The one place that prints errors and sets the exit code: a StageError
 * prints its message alone (it is meant for a person), anything else prints with its stack.
 */
export async function runStage(name: string, main: () => void | Promise<void>): Promise<void> {
  try {
    await main();
  } catch (error) {
    if (error instanceof StageError) {
      console.error(`poisonlab ${name}: ${error.message}`);
    } else {
      console.error(`poisonlab ${name}: unexpected failure`);
      console.error(error);
    }
    process.exitCode = 1;
  }
}
