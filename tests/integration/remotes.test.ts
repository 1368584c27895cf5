/**
 * Results that travel through DVC's remotes, in throw-away git copies of this repository: push from one
 * clone and pull into a second through a local folder, S3 (moto's server) and Google Cloud Storage
 * (gcp-storage-emulator), both on 127.0.0.1 with credentials from the environment; a shared run-cache that
 * lets the second clone's `dvc repro` restore the single run and the study stages without starting a stage
 * command; and rolling
 * back to a known-good data version after a poisoned one landed.
 */
import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { parseDocument } from "yaml";
import { stagesRun } from "../support/dvc-output.ts";
import { type StorageEmulator, startGcsEmulator, startS3Emulator } from "../support/storage-emulators.ts";
import { cloneTempRepo, createTempRepo, type TempRepo } from "../support/temp-repo.ts";

/** Every output of the single run and the export, DVC-cached or committed to git. */
const OUTPUTS = [
  "data/prepared/train.csv",
  "data/prepared/test.csv",
  "data/poisoned/train.csv",
  "data/poisoned/manifest.json",
  "data/sanitized/train.csv",
  "data/sanitized/flags.json",
  "models/model.json",
  "models/model.onnx",
  "metrics/sanitize.json",
  "metrics/evaluate.json",
  "metrics/confusion.json",
];
const SINGLE_RUN = ["prepare", "poison", "sanitize", "train", "evaluate"];
/** The single run and the ONNX export: every output dvc.lock records but the study's, so a pull or checkout finds each. */
const SINGLE_RUN_TARGETS = ["evaluate", "export"];
const STUDY_STAGES = ["study", "defenses", "adversary", "report"];
/** The study stages' outputs, committed to git (`cache: false`): run-cached by `npm run push:run-cache`. */
const STUDY_OUTPUTS = [
  "metrics/study.json",
  "metrics/study-results.json",
  "metrics/study-summary.json",
  "metrics/defenses-results.json",
  "metrics/defenses-summary.json",
  "metrics/adversary.json",
  "reports/study.md",
];
const UP_TO_DATE = /Data and pipelines are up to date/;

const bytesOf = (repo: TempRepo, files: readonly string[]): Buffer[] =>
  files.map((file) => readFileSync(repo.path(file)));

describe("dvc push and pull through remotes", () => {
  let source: TempRepo;
  let remoteFolder: string;
  let s3: StorageEmulator;
  let gcs: StorageEmulator;
  const clones: TempRepo[] = [];

  before(async () => {
    source = createTempRepo();
    remoteFolder = mkdtempSync(join(tmpdir(), "poisonlab-remote-"));
    [s3, gcs] = await Promise.all([startS3Emulator(), startGcsEmulator()]);
    source.dvc("repro", ...SINGLE_RUN_TARGETS);
    // The remotes as a team would commit them: URLs and endpoints in .dvc/config, no credentials anywhere.
    source.dvc("remote", "add", "local", remoteFolder);
    source.dvc("remote", "add", "s3", s3.url);
    source.dvc("remote", "modify", "s3", "endpointurl", s3.endpoint);
    source.dvc("remote", "add", "gcs", gcs.url);
    source.dvc("remote", "modify", "gcs", "endpointurl", gcs.endpoint);
    source.commitAll("the single run's results and three remotes");
  });
  after(async () => {
    // Plain folders first: a copy whose removal throws must not strand them in the temp folder.
    rmSync(remoteFolder, { recursive: true, force: true });
    await Promise.all([s3?.server.stop(), gcs?.server.stop()]);
    for (const clone of clones) clone.remove();
    source?.remove();
  });

  function roundTrip(remote: string, env: Record<string, string>): void {
    const pushed = source.ok("dvc", ["push", "-r", remote], { env });
    assert.match(pushed.stdout, /\d+ files? pushed/, pushed.stdout);
    const clone = cloneTempRepo(source);
    clones.push(clone);
    for (const output of ["data/prepared/train.csv", "models/model.json"])
      assert.ok(!clone.exists(output), `${output} absent before the pull`);
    clone.ok("dvc", ["pull", "-r", remote], { env });
    assert.deepEqual(bytesOf(clone, OUTPUTS), bytesOf(source, OUTPUTS), "every output byte-identical");
    assert.match(clone.dvc("status", "evaluate"), UP_TO_DATE);
    assert.doesNotMatch(clone.read(".dvc/config"), /secret|access_key|credential|token/i);
  }

  it("round-trips every output through a local folder", () => {
    roundTrip("local", {});
  });

  it("round-trips every output through S3 (moto's server, dvc-s3)", () => {
    roundTrip("s3", s3.env);
  });

  it("round-trips every output through Google Cloud Storage (gcp-storage-emulator, dvc-gs)", () => {
    roundTrip("gcs", gcs.env);
  });
});

describe("a shared run-cache", () => {
  let machineA: TempRepo;
  let machineB: TempRepo;
  let remoteFolder: string;
  let shimFolder: string;
  let restored: string;
  const calls = (): string => {
    try {
      return readFileSync(join(shimFolder, "calls"), "utf8");
    } catch {
      return "";
    }
  };

  before(() => {
    remoteFolder = mkdtempSync(join(tmpdir(), "poisonlab-remote-"));
    machineA = createTempRepo();
    machineA.dvc("remote", "add", "-d", "team", remoteFolder);
    machineA.commitAll("the team's remote");
    machineB = cloneTempRepo(machineA);
    // A configuration nobody committed: only the run-cache can tell machine B what its stages would make.
    // Fewer study repeats, to keep the study stages short.
    for (const machine of [machineA, machineB]) {
      const params = parseDocument(machine.read("params.yaml"));
      params.setIn(["poison", "rate"], 0.3);
      params.setIn(["study", "repeats"], 2);
      params.setIn(["study", "curves", "repeats"], 2);
      params.setIn(["study", "across", "defense_repeats"], 2);
      params.setIn(["study", "adversary", "repeats"], 2);
      machine.write("params.yaml", params.toString());
    }
    machineA.dvc("repro", ...SINGLE_RUN_TARGETS, ...STUDY_STAGES);
    machineA.ok("npm", ["run", "--silent", "push:run-cache"]);
    // Machine B runs with a `node` that records any call and fails: no stage command may start.
    shimFolder = mkdtempSync(join(tmpdir(), "poisonlab-node-shim-"));
    const shim = join(shimFolder, "node");
    writeFileSync(shim, `#!/bin/sh\necho "node $*" >> '${join(shimFolder, "calls")}'\nexit 97\n`);
    chmodSync(shim, 0o755);
    restored = machineB.ok("dvc", ["repro", "--pull", ...SINGLE_RUN_TARGETS, ...STUDY_STAGES], {
      env: { PATH: `${shimFolder}${delimiter}${process.env.PATH}` },
    }).stdout;
  });
  after(() => {
    // Plain folders first: a copy whose removal throws must not strand them in the temp folder.
    rmSync(remoteFolder, { recursive: true, force: true });
    if (shimFolder) rmSync(shimFolder, { recursive: true, force: true });
    machineA?.remove();
    machineB?.remove();
  });

  it("restores the single run and the study stages on machine B without starting a single stage command", () => {
    assert.equal(calls(), "", "no node process was started");
    assert.deepEqual(stagesRun(restored), []);
    for (const stage of [...SINGLE_RUN.slice(1), "export", ...STUDY_STAGES])
      assert.match(restored, new RegExp(`Stage '${stage}' is cached - skipping run, checking out outputs`), restored);
  });

  it("gives machine B machine A's outputs and dvc.lock byte for byte", () => {
    assert.deepEqual(bytesOf(machineB, OUTPUTS), bytesOf(machineA, OUTPUTS));
    assert.deepEqual(bytesOf(machineB, STUDY_OUTPUTS), bytesOf(machineA, STUDY_OUTPUTS));
    // Not the committed files: the results of machine A's uncommitted study params.
    for (const file of STUDY_OUTPUTS) assert.notEqual(machineB.read(file), machineB.git("show", `HEAD:${file}`), file);
    assert.equal(machineB.read("dvc.lock"), machineA.read("dvc.lock"));
    assert.equal(JSON.parse(machineB.read("data/poisoned/manifest.json")).rows_poisoned, 36);
  });
});

describe("rolling back to a known-good data version", () => {
  let repo: TempRepo;
  let clean: Buffer[];
  const CLEAN_TAG = "data-known-good";

  before(() => {
    repo = createTempRepo();
    repo.dvc("repro", ...SINGLE_RUN_TARGETS);
    clean = bytesOf(repo, OUTPUTS);
    // The committed dvc.lock and metrics already describe these clean results: tag that commit.
    assert.equal(repo.git("status", "--porcelain"), "");
    repo.git("tag", CLEAN_TAG);
    // A poisoned data version lands: a fifth of the raw labels swapped, committed with its results.
    const lines = repo.read("data/raw/iris.csv").split("\n");
    const swap: Record<string, string> = { setosa: "virginica", versicolor: "setosa", virginica: "versicolor" };
    const poisoned = lines.map((line, index) =>
      index > 0 && index % 5 === 0
        ? line.replace(/(setosa|versicolor|virginica)/, (label) => swap[label] ?? label)
        : line,
    );
    repo.write("data/raw/iris.csv", poisoned.join("\n"));
    repo.dvc("repro", ...SINGLE_RUN_TARGETS);
    repo.commitAll("a poisoned data version");
  });
  after(() => repo?.remove());

  it("has different results on the poisoned version", () => {
    assert.notDeepEqual(bytesOf(repo, ["metrics/evaluate.json"]), [clean[OUTPUTS.indexOf("metrics/evaluate.json")]]);
  });

  it("git checkout <tag> && dvc checkout brings back the clean data, model and metrics", () => {
    repo.git("checkout", "-q", CLEAN_TAG);
    repo.dvc("checkout");
    assert.deepEqual(bytesOf(repo, OUTPUTS), clean);
    assert.match(repo.dvc("status", "evaluate"), UP_TO_DATE);
  });

  it("dvc repro --force then reproduces the clean metrics byte for byte", () => {
    const forced = repo.dvc("repro", "--force", "evaluate");
    // --force reaches every stage upstream, the build too (whose bundles come out byte-identical).
    assert.deepEqual(stagesRun(forced), ["build", ...SINGLE_RUN]);
    assert.deepEqual(bytesOf(repo, OUTPUTS), clean);
  });
});
