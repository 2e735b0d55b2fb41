#!/bin/sh
# Install the stsrefresh binary for this platform from a release, verifying its SHA-256 checksum.
#   curl -fsSL https://github.com/stsrefresh/stsrefresh/releases/latest/download/install.sh | sh
# Environment:
#   STSREFRESH_RELEASE_URL  where the release assets are (default: the latest GitHub release)
#   STSREFRESH_INSTALL_DIR  where to put the binary (default: $HOME/.local/bin)
set -eu

base="${STSREFRESH_RELEASE_URL:-https://github.com/stsrefresh/stsrefresh/releases/latest/download}"
dir="${STSREFRESH_INSTALL_DIR:-$HOME/.local/bin}"

fail() { echo "install.sh: $*" >&2; exit 1; }

case "$(uname -s)" in
  Linux) os=linux ;;
  Darwin) os=darwin ;;
  MINGW*|MSYS*|CYGWIN*) os=windows ;;
  *) fail "unsupported operating system: $(uname -s)" ;;
esac
case "$(uname -m)" in
  x86_64|amd64) arch=x64 ;;
  aarch64|arm64) arch=arm64 ;;
  *) fail "unsupported architecture: $(uname -m)" ;;
esac
asset="stsrefresh-$os-$arch"
[ "$os" = windows ] && asset="$asset.exe"
[ "$os" = windows ] && [ "$arch" = arm64 ] && fail "no windows-arm64 build; use the x64 one under emulation"

if command -v curl >/dev/null 2>&1; then fetch() { curl -fsSL "$1" -o "$2"; }
elif command -v wget >/dev/null 2>&1; then fetch() { wget -q "$1" -O "$2"; }
else fail "curl or wget is required"; fi

if command -v sha256sum >/dev/null 2>&1; then sha() { sha256sum "$1" | cut -d' ' -f1; }
elif command -v shasum >/dev/null 2>&1; then sha() { shasum -a 256 "$1" | cut -d' ' -f1; }
else fail "sha256sum or shasum is required to verify the download"; fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT INT TERM
fetch "$base/$asset" "$tmp/$asset" || fail "could not download $base/$asset"
fetch "$base/SHA256SUMS" "$tmp/SHA256SUMS" || fail "could not download $base/SHA256SUMS"
expected="$(awk -v f="$asset" '$2 == f { print $1 }' "$tmp/SHA256SUMS")"
[ -n "$expected" ] || fail "SHA256SUMS has no entry for $asset"
actual="$(sha "$tmp/$asset")"
[ "$expected" = "$actual" ] || fail "checksum mismatch for $asset: expected $expected, got $actual (download corrupted or tampered with)"

mkdir -p "$dir"
target="$dir/stsrefresh"
[ "$os" = windows ] && target="$target.exe"
chmod 0755 "$tmp/$asset"
mv "$tmp/$asset" "$target"
echo "installed $("$target" --version 2>/dev/null || echo stsrefresh) to $target" >&2
case ":$PATH:" in *":$dir:"*) ;; *) echo "add $dir to your PATH" >&2 ;; esac
