/**
 * The README's four-level sweep ("Experiments and review"), as the argv lists `npm run bench:sweep` times.
 * tests/unit/sweep-commands.test.ts checks that each command appears verbatim in README.md, in this order:
 * change the two together. Each experiment names the two stages that write the single run's metrics, so DVC
 * runs them and what they need (poison, sanitize, train), and neither checks the study stages nor runs export
 * and push.
 */
export const README_SWEEP: readonly (readonly string[])[] = ["0", "0.05", "0.1", "0.5"].map((rate) => [
  "dvc",
  "exp",
  "run",
  "-S",
  `poison.rate=${rate}`,
  "evaluate",
  "certify",
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

/** A sweep `npm run bench:sweep` times: its column's name and its commands. */
export interface SweepVariant {
  name: string;
  commands: string[][];
}

/**
 * BENCH_SWEEP_COMMANDS: the sweeps to time instead of the README's, without editing code. A JSON array of
 * commands, each a non-empty array of strings (an argv), is one sweep named "sweep"; a JSON object of such
 * arrays is one sweep per key, timed side by side. Anything else is refused with one message naming the
 * variable.
 */
export function parseSweepCommands(text: string): SweepVariant[] {
  const refuse = (why: string): never => {
    throw new Error(
      `BENCH_SWEEP_COMMANDS ${why}: expected a JSON array of argv arrays, e.g. [["dvc","exp","run"]], or an object of them by name`,
    );
  };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return refuse(`is not JSON (${(error as Error).message})`);
  }
  const commandsOf = (list: unknown, where: string): string[][] => {
    if (!Array.isArray(list) || list.length === 0) return refuse(`${where}is ${JSON.stringify(list)}`);
    return list.map((command, index) => {
      if (!Array.isArray(command) || command.length === 0 || !command.every((word) => typeof word === "string")) {
        return refuse(`${where}command ${index + 1} is ${JSON.stringify(command)}`);
      }
      return command as string[];
    });
  };
  if (Array.isArray(value)) return [{ name: "sweep", commands: commandsOf(value, "") }];
  if (value === null || typeof value !== "object" || Object.keys(value).length === 0) {
    return refuse(`is ${JSON.stringify(value)}`);
  }
  return Object.entries(value).map(([name, list]) => ({ name, commands: commandsOf(list, `"${name}": `) }));
}

const RATE_SETTING = /^((?:params\.yaml:)?poison\.rate=)(.*)$/;
const SET_PARAM = "--set-param=";

/**
 * The setting a command's word holds, if any: the word after `-S` or `--set-param`, or what follows
 * `--set-param=`, with the part of the word before it.
 */
function settingAt(argv: readonly string[], index: number): { before: string; setting: string } | undefined {
  const word = argv[index] as string;
  if (word.startsWith(SET_PARAM)) return { before: SET_PARAM, setting: word.slice(SET_PARAM.length) };
  const previous = argv[index - 1];
  return previous === "-S" || previous === "--set-param" ? { before: "", setting: word } : undefined;
}

/**
 * The poison.rate values the commands set (a comma list is a grid), in order and without repeats: the
 * rates the sweep's experiments must have. A value that is not a number is refused.
 */
export function sweptRates(commands: readonly (readonly string[])[]): number[] {
  const rates: number[] = [];
  for (const argv of commands) {
    for (let index = 0; index < argv.length; index++) {
      const setting = settingAt(argv, index)?.setting;
      const values = setting === undefined ? undefined : RATE_SETTING.exec(setting)?.[2];
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

/**
 * The same commands with every poison.rate setting replaced by `rate` (the committed one): the experiments
 * then run no stage, and what is left is DVC's own cost per experiment, the floor under any such sweep.
 */
export function withRate(commands: readonly (readonly string[])[], rate: number): string[][] {
  return commands.map((argv) =>
    argv.map((word, index) => {
      const found = settingAt(argv, index);
      const name = found === undefined ? undefined : RATE_SETTING.exec(found.setting)?.[1];
      return found === undefined || name === undefined ? word : `${found.before}${name}${rate}`;
    }),
  );
}
