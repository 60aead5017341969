#!/usr/bin/env bash
# Builds the release artifacts into dist/, as users get them:
#   tooltrail-VERSION-cp39-abi3-manylinux_2_17_x86_64.manylinux2014_x86_64.whl
#       one wheel for CPython 3.9+, linked against glibc 2.17 by zig (the
#       ziglang wheel from PyPI), checked by `auditwheel show`;
#   tooltrail-VERSION.tar.gz          the sdist (builds from source with maturin);
#   tooltrail-linux-x64-gnu-VERSION.tgz   the prebuilt Node addon (napi-rs's
#       platform-package layout: os/cpu/libc fields, the .node as main);
#   tooltrail-VERSION.tgz             the main npm package, whose loader takes
#       the platform package (an optionalDependency) and whose install step
#       builds from source only when no prebuilt fits.
# One version everywhere: Cargo.toml's [workspace.package] version; the
# script stops if package.json says otherwise. The tools (maturin, ziglang,
# auditwheel; scripts/dist-requirements.txt) go into .venv-dist. The wheel
# and the addon are built by the same cargo, for the same target, with the
# same zig linker, into the same target directory, so the core crates they
# share are compiled once.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export PIP_DISABLE_PIP_VERSION_CHECK=1

step() { printf '\n==> %s\n' "$*"; }
die() { echo "dist.sh: $*" >&2; exit 1; }

version=$(sed -n '/^\[workspace\.package\]/,/^\[/s/^version = "\(.*\)"/\1/p' Cargo.toml)
[ -n "$version" ] || die "no [workspace.package] version in Cargo.toml"
node -e 'const v = require("./package.json").version; if (v !== process.argv[1]) { console.error(`package.json says ${v}, Cargo.toml ${process.argv[1]}`); process.exit(1) }' "$version" \
  || die "one version everywhere: fix package.json"

tools=.venv-dist
if [ ! -x "$tools/bin/maturin" ] || ! "$tools/bin/python" -m pip install --quiet --dry-run --no-index -r scripts/dist-requirements.txt >/dev/null 2>&1; then
  step "tools: $tools with $(grep -v '^#' scripts/dist-requirements.txt | tr '\n' ' ')"
  rm -rf "$tools"
  python3 -m venv "$tools"
  "$tools/bin/python" -m pip install --quiet -r scripts/dist-requirements.txt
fi

rm -rf dist target/npm
mkdir -p dist target/npm
# maturin's zig linker: the target triple is explicit, so everything lands in
# target/x86_64-unknown-linux-gnu/release, apart from the development builds.
target=x86_64-unknown-linux-gnu
log=target/npm/maturin.log

step "wheel: maturin build --release --zig (manylinux2014, abi3)"
# The debug log records the environment maturin gives cargo (zig wrappers,
# linker, ar): the addon is built with the same one below.
if ! PATH="$root/$tools/bin:$PATH" RUST_LOG=maturin::compile=debug NO_COLOR=1 \
  "$tools/bin/maturin" build --release --zig --compatibility manylinux2014 --target "$target" \
  --interpreter "$tools/bin/python" --out dist >"$log" 2>&1; then
  grep -vE '(DEBUG|INFO) ' "$log" | tail -40
  die "maturin build failed (full log: $log)"
fi
grep -E '^(📦|🔗|🐍|✏️|📖)' "$log" || true
wheel=$(ls dist/tooltrail-"$version"-*.whl 2>/dev/null) || die "maturin wrote no wheel"
echo "$wheel"

step "wheel: auditwheel show"
"$tools/bin/auditwheel" show "$wheel" | tee target/npm/auditwheel.txt
tr -s ' \n' ' ' <target/npm/auditwheel.txt | grep -q 'consistent with the following platform tag: "manylinux_2_17_x86_64"' \
  || die "auditwheel does not agree that $wheel is manylinux_2_17"

step "sdist: maturin sdist"
"$tools/bin/maturin" sdist --out dist 2>&1 | grep -v '^\s*$' | tail -1

step "node: the addon, built for the wheel's target with the wheel's zig linker"
sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -o 'Running env -u CARGO .* "cargo" "rustc"' | head -1 \
  | "$tools/bin/python" -c '
import shlex, sys
# KEY="VALUE" pairs between "env -u CARGO" and "cargo"; not the Python ones.
for tok in shlex.split(sys.stdin.read())[4:-2]:
    key, _, value = tok.partition("=")
    if not key.startswith(("PYO3_", "PYTHON_")):
        print(f"{key}={value}")
' >target/npm/zig.env
grep -q '_LINKER=' target/npm/zig.env || die "maturin's linker settings not found in $log"
mapfile -t zig_env <target/npm/zig.env
env -u CARGO "${zig_env[@]}" cargo build --quiet --release -p tooltrail-node --target "$target"
addon=target/$target/release/libtooltrail_node.so
max_glibc=$(objdump -T "$addon" | grep -oE 'GLIBC_[0-9.]+' | sort -Vu | tail -1)
echo "$addon: needs $max_glibc at most"
[ "$(printf '%s\n' GLIBC_2.17 "$max_glibc" | sort -V | tail -1)" = GLIBC_2.17 ] || die "the addon needs $max_glibc, more than the wheel's glibc 2.17"
cp "$addon" target/npm/addon.node

step "npm: tooltrail-linux-x64-gnu and tooltrail"
node scripts/dist-npm.js "$version" target/npm/addon.node dist

step "dist/"
ls -l dist
