#!/usr/bin/env python3
"""Makes TorchSharp's native libLibTorchSharp.so load on a libstdc++ older than GCC 13's (e.g. Debian 12).

TorchSharp 0.107's libLibTorchSharp.so is linked against GCC 13's libstdc++ and needs GLIBCXX_3.4.32 for exactly one
symbol, std::ios_base_library_init() (_ZSt21ios_base_library_initv). Debian 12's libstdc++ (GCC 12) stops at
GLIBCXX_3.4.30, so the dynamic loader refuses the library and TorchSharp reports that libtorch cannot be loaded.

For every libLibTorchSharp.so under the given directories (copies in a build or publish output, never the NuGet
cache) this script, only when the machine's libstdc++ lacks GLIBCXX_3.4.32:
  1. builds libRnnIosBaseInit.so from ios_base_library_init.c (a no-op definition of that symbol: GCC 12's
     libstdc++ initialises the standard streams itself) and puts it beside the library;
  2. patchelf --clear-symbol-version _ZSt21ios_base_library_initv (the reference no longer asks for a version);
  3. patchelf --add-needed libRnnIosBaseInit.so (found through the library's RUNPATH, $ORIGIN);
  4. rewrites the one GLIBCXX_3.4.32 entry of .gnu.version_r to a version the library already requires
     (GLIBCXX_3.4.30), so the loader no longer asks libstdc++ for 3.4.32 at all.
The patch is made on a private copy that then replaces the file (so a hard link into the NuGet cache is never
written through), and it is idempotent: a patched library is recognised and left alone.

Usage: patch-libtorchsharp.py DIR [DIR ...]      (exit 0 when nothing needs doing)
Needs: patchelf (Debian: apt-get install -y patchelf) and a C compiler (cc/gcc), only on machines that need the patch.
"""
import os
import shutil
import struct
import subprocess
import sys
import tempfile

LIBRARY = "libLibTorchSharp.so"
SHIM = "libRnnIosBaseInit.so"
SYMBOL = "_ZSt21ios_base_library_initv"
MISSING = b"GLIBCXX_3.4.32"
REPLACEMENT = b"GLIBCXX_3.4.30"
SHT_GNU_VERNEED = 0x6FFFFFFE
HERE = os.path.dirname(os.path.abspath(__file__))


def system_libstdcxx_has(version: bytes) -> bool:
    """True when the libstdc++.so.6 the loader would pick defines the given symbol version."""
    try:
        out = subprocess.run(["/sbin/ldconfig", "-p"], capture_output=True, text=True, check=False).stdout
    except OSError:
        out = ""
    paths = [line.split("=>")[-1].strip() for line in out.splitlines() if "libstdc++.so.6 " in line and "x86-64" in line]
    paths += ["/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6"]
    for path in paths:
        if os.path.exists(path):
            with open(path, "rb") as f:
                return version + b"\0" in f.read()
    return True  # no libstdc++ found where expected: do not touch anything


def version_needs(data: bytes):
    """Yields (offset of a Vernaux entry, its name) for every version the library needs (ELF64, little-endian)."""
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        raise ValueError("not a 64-bit little-endian ELF file")
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    sections = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
    for _name, sh_type, _flags, _addr, offset, _size, link, info, _align, _entsize in sections:
        if sh_type != SHT_GNU_VERNEED:
            continue
        strtab = sections[link][4]
        need = offset
        for _ in range(info):                        # Verneed: version, cnt, file, aux, next
            _version, cnt, _file, aux, nxt = struct.unpack_from("<HHIII", data, need)
            entry = need + aux
            for _ in range(cnt):                     # Vernaux: hash, flags, other, name, next
                _hash, _flags2, _other, name, anext = struct.unpack_from("<IHHII", data, entry)
                end = data.index(b"\0", strtab + name)
                yield entry, data[strtab + name:end]
                entry += anext
            need += nxt


def rewrite_version_need(path: str) -> None:
    """Points the GLIBCXX_3.4.32 Vernaux entry at GLIBCXX_3.4.30's name and hash (the entry keeps its own index)."""
    with open(path, "rb") as f:
        data = bytearray(f.read())
    entries = dict((name, offset) for offset, name in version_needs(bytes(data)))
    if MISSING not in entries:
        return
    if REPLACEMENT not in entries:
        raise RuntimeError(f"{path}: needs {MISSING.decode()} but not {REPLACEMENT.decode()}; unknown layout, not patched")
    hash_, _flags, _other, name, _next = struct.unpack_from("<IHHII", data, entries[REPLACEMENT])
    target = entries[MISSING]
    struct.pack_into("<I", data, target, hash_)
    struct.pack_into("<I", data, target + 8, name)
    with open(path, "wb") as f:
        f.write(data)


def needed_libraries(path: str) -> list:
    return subprocess.run(["patchelf", "--print-needed", path], capture_output=True, text=True, check=True).stdout.split()


def is_patched(path: str) -> bool:
    with open(path, "rb") as f:
        data = f.read()
    return all(name != MISSING for _, name in version_needs(data)) and SHIM in needed_libraries(path)


def build_shim(directory: str) -> None:
    source = os.path.join(HERE, "ios_base_library_init.c")
    target = os.path.join(directory, SHIM)
    if os.path.exists(target) and os.path.getmtime(target) >= os.path.getmtime(source):
        return
    compiler = shutil.which("cc") or shutil.which("gcc") or shutil.which("g++")
    if compiler is None:
        sys.exit("patch-libtorchsharp: no C compiler found to build the libstdc++ shim; install one (Debian: apt-get install -y gcc)")
    tmp = target + ".tmp"
    subprocess.run([compiler, "-x", "c", "-shared", "-fPIC", "-O2", "-o", tmp, source], check=True)
    os.replace(tmp, target)


def patch(path: str) -> bool:
    if is_patched(path):
        build_shim(os.path.dirname(path))
        return False
    build_shim(os.path.dirname(path))
    # Patch a private copy, then move it over the original: a hard link into the NuGet cache is replaced, never written.
    fd, tmp = tempfile.mkstemp(prefix=LIBRARY + ".", dir=os.path.dirname(path))
    os.close(fd)
    try:
        shutil.copy2(path, tmp)
        subprocess.run(["patchelf", "--clear-symbol-version", SYMBOL, tmp], check=True)
        if SHIM not in needed_libraries(tmp):
            subprocess.run(["patchelf", "--add-needed", SHIM, tmp], check=True)
        rewrite_version_need(tmp)
        os.chmod(tmp, os.stat(path).st_mode)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return True


def main(argv: list) -> int:
    if sys.platform != "linux" or system_libstdcxx_has(MISSING):
        return 0  # this libstdc++ already has GLIBCXX_3.4.32 (or this is not Linux): the library loads as shipped
    nuget = os.path.realpath(os.environ.get("NUGET_PACKAGES") or os.path.expanduser("~/.nuget/packages"))
    libraries = []
    for directory in argv:
        for root, _dirs, files in os.walk(directory):
            if LIBRARY in files:
                libraries.append(os.path.join(root, LIBRARY))
    if not libraries:
        return 0
    if shutil.which("patchelf") is None:
        sys.exit("patch-libtorchsharp: this machine's libstdc++ lacks GLIBCXX_3.4.32, which TorchSharp's libLibTorchSharp.so needs; "
                 "patchelf is required to patch the build output's copy. Install it (Debian/Ubuntu: apt-get install -y patchelf).")
    for path in libraries:
        if os.path.realpath(path).startswith(nuget + os.sep):
            sys.exit(f"patch-libtorchsharp: refusing to patch {path}: it is inside the NuGet cache")
        if patch(path):
            print(f"patch-libtorchsharp: patched {path} for a libstdc++ without GLIBCXX_3.4.32")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
