/**
 * The README's four-level sweep ("Experiments and review"), as the argv lists `npm run bench:sweep` times.
 * tests/unit/sweep-commands.test.ts checks that each command appears verbatim in README.md, in this order:
 * change the two together.
 */
export const README_SWEEP: readonly (readonly string[])[] = ["0", "0.05", "0.1", "0.5"].map((rate) => [
  "dvc",
  "exp",
  "run",
  "-S",
  `poison.rate=${rate}`,
]);

/** Characters no POSIX shell treats specially; the README quotes any other word (a comma list, say). */
const BARE_WORD = /^[A-Za-z0-9_./=:@%+-]+$/;

/** One argument as the README spells it: bare when it can be, else in single quotes. */
export function shellWord(argument: string): string {
  return BARE_WORD.test(argument) ? argument : `'${argument.replaceAll("'", `'\\''`)}'`;
}

/** A command as one shell line: its words, each spelled by shellWord, joined with spaces. */
export function shellLine(argv: readonly string[]): string {
  return argv.map(shellWord).join(" ");
}

/**
 * BENCH_SWEEP_COMMANDS: a JSON array of commands, each a non-empty array of strings (an argv), to time a
 * variant of the sweep without editing code. Anything else is refused with one message naming the variable.
 */
export function parseSweepCommands(text: string): string[][] {
  const refuse = (why: string): never => {
    throw new Error(`BENCH_SWEEP_COMMANDS ${why}: expected a JSON array of argv arrays, e.g. [["dvc","exp","run"]]`);
  };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return refuse(`is not JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(value) || value.length === 0) return refuse(`is ${JSON.stringify(value)}`);
  return value.map((command, index) => {
    if (!Array.isArray(command) || command.length === 0 || !command.every((word) => typeof word === "string")) {
      return refuse(`command ${index + 1} is ${JSON.stringify(command)}`);
    }
    return command as string[];
  });
}

const RATE_SETTING = /^(?:params\.yaml:)?poison\.rate=(.*)$/;

/** The values of a command's `-S <setting>`, `--set-param <setting>` and `--set-param=<setting>`. */
function settingsOf(argv: readonly string[]): string[] {
  const settings: string[] = [];
  argv.forEach((word, index) => {
    const next = argv[index + 1];
    if (word.startsWith("--set-param=")) settings.push(word.slice("--set-param=".length));
    else if ((word === "-S" || word === "--set-param") && next !== undefined) settings.push(next);
  });
  return settings;
}

/**
 * The poison.rate values the commands set (a comma list is a grid), in order and without repeats: the
 * rates the sweep's experiments must have. A value that is not a number is refused.
 */
export function sweptRates(commands: readonly (readonly string[])[]): number[] {
  const rates: number[] = [];
  for (const argv of commands) {
    for (const setting of settingsOf(argv)) {
      const values = RATE_SETTING.exec(setting)?.[1];
      if (values === undefined) continue;
      for (const text of values.split(",")) {
        const rate = Number(text);
        if (text.trim() === "" || !Number.isFinite(rate)) {
          throw new Error(`sweep command ${shellLine(argv)}: poison.rate value "${text}" is not a number`);
        }
        if (!rates.includes(rate)) rates.push(rate);
      }
    }
  }
  return rates;
}
