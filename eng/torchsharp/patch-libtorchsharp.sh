#!/bin/sh
# Called after build/publish (TorchSharpNativePatch.targets) with the output directory. Exits at once, needing nothing,
# where the machine's libstdc++ already has GLIBCXX_3.4.32 or the output holds no libLibTorchSharp.so; otherwise runs
# patch-libtorchsharp.py beside this file (python3, patchelf and a C compiler needed). See docs/torchsharp.md.
set -eu
out="$1"
here="$(dirname "$0")"
[ "$(uname -s)" = Linux ] || exit 0
[ -n "$(find "$out" -name libLibTorchSharp.so -print -quit 2>/dev/null)" ] || exit 0
lib="$( (/sbin/ldconfig -p 2>/dev/null || true) | sed -n 's/^[[:space:]]*libstdc++\.so\.6 (libc6,x86-64) => //p' | head -n 1)"
[ -n "$lib" ] || lib=/usr/lib/x86_64-linux-gnu/libstdc++.so.6
if [ -f "$lib" ] && grep -q 'GLIBCXX_3\.4\.32' "$lib"; then exit 0; fi
if ! command -v python3 >/dev/null 2>&1; then
  echo "patch-libtorchsharp: this machine's libstdc++ lacks GLIBCXX_3.4.32, which TorchSharp's libLibTorchSharp.so needs; patching it needs python3 (Debian/Ubuntu: apt-get install -y python3 patchelf)." >&2
  exit 1
fi
exec python3 "$here/patch-libtorchsharp.py" "$out"
