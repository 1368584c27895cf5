# Sourced by the npm scripts: installs what is missing, then puts the project's tools on PATH.
#  - npm packages from package-lock.json, when node_modules is missing or older than the lockfile;
#  - DVC, pinned in requirements.txt, into the project-local virtualenv .venv when no DVC 3 is on PATH.
# Install logs go to .venv/*.log and are printed only when an install fails.

poisonlab_fail() {
  echo "poisonlab setup: $1" >&2
  exit 1
}

poisonlab_npm_packages() {
  # A linked node_modules belongs to another checkout (the tests' temporary copies): never reinstall through it.
  if [ -L node_modules ]; then
    return 0
  fi
  if [ -f node_modules/.package-lock.json ] && [ ! package-lock.json -nt node_modules/.package-lock.json ]; then
    return 0
  fi
  echo "poisonlab setup: installing npm packages from package-lock.json" >&2
  npm ci --no-audit --no-fund --loglevel=error >&2 || poisonlab_fail "npm ci failed"
}

# Creates .venv if needed and installs a requirements file into it, unless it is already installed.
poisonlab_venv_install() {
  requirements="$1"
  stamp=".venv/.installed-$(basename "$requirements")"
  if [ -f "$stamp" ] && cmp -s "$requirements" "$stamp"; then
    return 0
  fi
  command -v python3 >/dev/null 2>&1 || poisonlab_fail "python3 is needed to install $requirements"
  [ -x .venv/bin/pip ] || python3 -m venv .venv || poisonlab_fail "could not create the virtualenv .venv"
  echo "poisonlab setup: installing $requirements into .venv (a few minutes the first time)" >&2
  log=".venv/pip-$(basename "$requirements" .txt).log"
  if ! .venv/bin/pip install --disable-pip-version-check -r "$requirements" >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    poisonlab_fail "pip could not install $requirements (full log: $log)"
  fi
  cp "$requirements" "$stamp"
}

poisonlab_dvc() {
  if [ -x .venv/bin/dvc ] || ! dvc --version 2>/dev/null | grep -q '^3\.'; then
    poisonlab_venv_install requirements.txt
  fi
}

poisonlab_npm_packages
poisonlab_dvc
PATH="$PWD/.venv/bin:$PWD/node_modules/.bin:$PATH"
export PATH
# DVC's usage analytics would try the network on every command.
DVC_NO_ANALYTICS=1
export DVC_NO_ANALYTICS
