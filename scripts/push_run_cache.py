"""npm run push:run-cache [-- REMOTE]: `dvc push --run-cache`, plus the outputs every run-cache entry names.

DVC 3 pushes the run-cache entries but only the cached outputs of the workspace. A stage's `cache: false`
metrics (committed to git here) are kept in the local cache by its run-cache entry and never pushed, so on
another machine `dvc repro --pull` finds the entry, misses the metrics file and runs the stage after all.
This pushes what each entry names, so that the other machine restores every stage that has an entry.
Runs with the Python that has DVC (.venv's after scripts/setup.sh); REMOTE defaults to the default remote.
"""

import sys

from dvc.repo import Repo

remote = sys.argv[1] if len(sys.argv) > 1 else None
repo = Repo()
with repo.lock:
    entries = repo.stage_cache.push(remote)
    objects = repo.stage_cache.get_used_objs(entries)
    pushed = sum(len(repo.cloud.push(objs, remote=remote, odb=odb).transferred) for odb, objs in objects.items())
print(f"push:run-cache: {len(entries)} run-cache entries, {pushed} new objects pushed")
