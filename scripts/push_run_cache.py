"""npm run push:run-cache [-- REMOTE]: `dvc push --run-cache`, made complete for this project's stages.

DVC 3 leaves two gaps that this closes:
- It records no run-cache entry for a stage with a `cache: false` plain output (the study stages' results are
  committed to git, so the report can be reviewed from git alone). Recording one is safe when the stage is up to
  date, because the entry then describes exactly the files in the workspace: this records an entry for every
  such stage, as `dvc commit` would, so another machine restores the study stages too.
- It pushes the entries but only the cached outputs of the workspace. A stage's `cache: false` outputs are kept
  in the local cache by its run-cache entry and never pushed, so on another machine `dvc repro --pull` finds the
  entry, misses the file and runs the stage after all. This pushes what each entry names.
Runs with the Python that has DVC (.venv's after scripts/setup.sh); REMOTE defaults to the default remote.
"""

import sys

from dvc.repo import Repo

remote = sys.argv[1] if len(sys.argv) > 1 else None
repo = Repo()
with repo.lock:
    recorded = []
    for stage in repo.index.stages:
        uncached_plain_out = any(not (out.use_cache or out.is_metric or out.is_plot) for out in stage.outs)
        # DVC never run-caches a `persist` output (the readme stage's README.md): leave such stages alone.
        persistent = any(out.persist for out in stage.outs)
        if stage.cmd and uncached_plain_out and not persistent and not stage.changed():
            repo.stage_cache.save(stage)
            recorded.append(stage.addressing)
    entries = repo.stage_cache.push(remote)
    objects = repo.stage_cache.get_used_objs(entries)
    pushed = sum(len(repo.cloud.push(objs, remote=remote, odb=odb).transferred) for odb, objs in objects.items())
print(
    f"push:run-cache: entries recorded for {', '.join(recorded) or 'no stage'}; "
    f"{len(entries)} run-cache entries, {pushed} new objects pushed"
)
