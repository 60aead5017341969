#!/usr/bin/env bash
# Tests the release artifacts as users get them (called by scripts/test-all.sh):
#   1. builds dist/ (scripts/dist.sh; --no-build reuses it);
#   2. with a PATH that has no cargo or rustc:
#      - pip installs the wheel into a clean venv, runs tests/dist/smoke.py
#        (a golden hash, a gateway call writing a log, `tooltrail --version`,
#        `tooltrail runs`), then the Python suite (tests/python) against that
#        installed wheel (the suite checks where tooltrail was imported from);
#      - npm installs the two tarballs into a clean project and runs
#        tests/dist/smoke.js; installing the main package without its
#        platform package must fail saying that cargo is missing;
#   3. builds a wheel from the sdist (with cargo) and runs the smoke test on it.
# Everything is made under target/dist-test/. Prints how long each part took.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export PIP_DISABLE_PIP_VERSION_CHECK=1

step() { printf '\n==> %s\n' "$*"; }
die() { echo "test-dist.sh: $*" >&2; exit 1; }
timed() { local t0=$SECONDS; "$@"; echo "   ($((SECONDS - t0)) s: $*)"; }

[ "${1:-}" = --no-build ] || timed bash scripts/dist.sh
version=$(sed -n '/^\[workspace\.package\]/,/^\[/s/^version = "\(.*\)"/\1/p' Cargo.toml)
wheel=$(ls dist/tooltrail-"$version"-cp39-abi3-manylinux*.whl)
sdist=dist/tooltrail-"$version".tar.gz
npm_main=dist/tooltrail-"$version".tgz
npm_platform=dist/tooltrail-linux-x64-gnu-"$version".tgz
for f in "$wheel" "$sdist" "$npm_main" "$npm_platform"; do [ -f "$f" ] || die "$f is missing: run scripts/dist.sh"; done

work=$root/target/dist-test
rm -rf "$work"
mkdir -p "$work"

# PATH without the Rust toolchain: every entry that holds cargo or rustc goes.
nocargo=
IFS=: read -ra entries <<<"$PATH"
for d in "${entries[@]}"; do
  [ -n "$d" ] && [ ! -e "$d/cargo" ] && [ ! -e "$d/rustc" ] && nocargo=${nocargo:+$nocargo:}$d
done
PATH=$nocargo command -v cargo >/dev/null && die "cargo is still on the test PATH"
PATH=$nocargo command -v node >/dev/null || die "node is not on PATH without cargo's directories"
python=$(command -v python3)
# Same PATH, tooltrail's directories first; no CARGO, so nothing can build.
nocargo_run() { env -u CARGO -u RUSTC PATH="$1:$nocargo" "${@:2}"; }

step "python: the wheel into a clean venv (no cargo on PATH)"
t0=$SECONDS
nocargo_run /usr/bin "$python" -m venv "$work/venv"
venv=$work/venv
nocargo_run "$venv/bin" pip install --quiet "$wheel"
echo "   pip install $(basename "$wheel"): $((SECONDS - t0)) s (venv included)"
(cd "$work" && nocargo_run "$venv/bin" python "$root/tests/dist/smoke.py" "$work/py-logs" "$version")

step "python: the test suite against the installed wheel"
# The test extra's other packages, then the suite from the source tree's
# tests/ only (tooltrail itself is the wheel's; conftest checks it).
timed nocargo_run "$venv/bin" pip install --quiet "$wheel[test]"
TOOLTRAIL_TEST_INSTALLED_IN=$venv timed nocargo_run "$venv/bin" python -m pytest -q -p no:cacheprovider tests/python

step "node: the npm tarballs into a clean project (no cargo on PATH)"
project=$work/npm-project
mkdir -p "$project"
echo '{ "name": "tooltrail-dist-test", "private": true }' >"$project/package.json"
t0=$SECONDS
(cd "$project" && nocargo_run "$project/node_modules/.bin" npm install --no-audit --no-fund --loglevel=error \
  "$root/$npm_platform" "$root/$npm_main")
echo "   npm install of both tarballs: $((SECONDS - t0)) s"
[ ! -e "$project/node_modules/tooltrail/bindings-node/tooltrail.node" ] || die "npm built the addon from source"
# Copied into the project: run from the source tree, require('tooltrail')
# would find the repository itself (package self-reference).
cp tests/dist/smoke.js "$project/"
(cd "$project" && nocargo_run "$project/node_modules/.bin" node smoke.js "$work/js-logs" "$version")

step "node: no prebuilt and no cargo: the install fails, naming what is missing"
bare=$work/npm-bare
mkdir -p "$bare"
echo '{ "name": "tooltrail-dist-test-bare", "private": true }' >"$bare/package.json"
if (cd "$bare" && nocargo_run /usr/bin npm install --no-audit --no-fund --omit=optional "$root/$npm_main") >"$work/bare.log" 2>&1; then
  die "npm install without the platform package and without cargo succeeded"
fi
grep -q 'tooltrail-linux-x64-gnu is not installed' "$work/bare.log" && grep -q 'cargo was not found on PATH' "$work/bare.log" \
  || { cat "$work/bare.log"; die "the failed install does not say what is missing"; }
grep -o 'tooltrail: no prebuilt.*' "$work/bare.log" | head -1

# pip builds it in a temporary folder; with the repository's target/, cargo
# reuses what the development build compiled, and a file missing from the
# sdist still fails the build.
step "sdist: builds a wheel from source (cargo on PATH)"
t0=$SECONDS
CARGO_TARGET_DIR=$root/target "$python" -m pip wheel --quiet --no-deps "$sdist" -w "$work/sdist-wheel"
echo "   pip wheel $(basename "$sdist"): $((SECONDS - t0)) s"
"$python" -m venv "$work/sdist-venv"
"$work/sdist-venv/bin/pip" install --quiet "$work"/sdist-wheel/tooltrail-*.whl
(cd "$work" && nocargo_run "$work/sdist-venv/bin" python "$root/tests/dist/smoke.py" "$work/sdist-logs" "$version")

step "dist: sizes"
ls -l dist | awk 'NR>1 {printf "   %9d  %s\n", $5, $9}'
