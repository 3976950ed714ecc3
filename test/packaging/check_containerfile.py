#!/usr/bin/env python3
"""Checks the Containerfile's Debian package lists without building the image (no registry here).

  check_containerfile.py ROOT PENNANT_BINARY

1. The build stage installs the packages of scripts/setup.sh, except those its "Left out" comment
   names (test-only); nothing else, nothing twice.
2. The runtime stage has the package of every library `pennant` links directly (readelf NEEDED,
   owner from dpkg -S), the base image's libc6/libstdc++6/libgcc-s1 aside.
3. When apt's package lists are present: every library `ldd pennant` resolves is owned by a
   package in the dependency closure of the runtime list (apt-get would install it).
"""
import re
import subprocess
import sys
from pathlib import Path

BASE = {"libc6", "libstdc++6", "libgcc-s1"}  # in debian:bookworm-slim already
SANITIZER = re.compile(r"^lib(asan|ubsan|lsan|tsan)\.so")  # ASan test builds only


def stages(containerfile: str):
    """Package lists of each stage's `apt-get install` (one per FROM), and the Left out comment."""
    lists, left_out, current = [], set(), None
    for line in containerfile.splitlines():
        if line.startswith("FROM "):
            lists.append([])
        if m := re.match(r"#\s*Left out[^:]*:(.*)", line):
            left_out |= set(m.group(1).split())
        if "apt-get install" in line:
            current = []
            continue
        if current is not None:
            words = line.replace("\\", " ").split()
            if words and words[0] == "&&":  # end of the install command
                lists[-1] += current
                current = None
            else:
                current += [w for w in words if not w.startswith("-")]
    return lists, left_out


def setup_packages(setup: str):
    body = re.search(r"PACKAGES=\((.*?)\)", setup, re.S).group(1)
    return [w for line in body.splitlines() for w in line.split("#")[0].split()]


def candidates(path: str):
    # dpkg records some libraries under /lib, others under /usr/lib (merged /usr).
    out = [path, str(Path(path).resolve())]
    if path.startswith("/lib"):
        out.append("/usr" + path)
    return out


def owners(paths):
    """path -> owning package, in one dpkg call (each call reads the whole file database)."""
    all_candidates = sorted({c for p in paths for c in candidates(p)})
    r = subprocess.run(["dpkg", "-S", *all_candidates], capture_output=True, text=True)
    found = {}
    for line in r.stdout.splitlines():
        if m := re.match(r"^([^:\s]+)(?::[^:]+)?: (/.*)$", line):
            found[m.group(2)] = m.group(1)
    return {p: next((found[c] for c in candidates(p) if c in found), None) for p in paths}


def ldd(binary: str):
    """soname -> resolved path."""
    out = subprocess.run(["ldd", binary], capture_output=True, text=True, check=True).stdout
    return {m.group(1): m.group(2) for m in re.finditer(r"^\s*(\S+) => (/\S+)", out, re.M)}


def needed(binary: str):
    out = subprocess.run(["readelf", "-d", binary], capture_output=True, text=True, check=True).stdout
    return re.findall(r"Shared library: \[(.*?)\]", out)


def closure(packages):
    r = subprocess.run(["apt-cache", "depends", "--recurse", "--no-recommends", "--no-suggests",
                        "--no-conflicts", "--no-breaks", "--no-replaces", "--no-enhances", *packages],
                       capture_output=True, text=True)
    if r.returncode != 0:
        return None
    return {line.strip() for line in r.stdout.splitlines() if line and not line[0].isspace()}


def main():
    root, binary = Path(sys.argv[1]), sys.argv[2]
    errors = []
    (build, runtime), left_out = stages((root / "Containerfile").read_text())
    setup = setup_packages((root / "scripts/setup.sh").read_text())
    if len(set(build)) != len(build):
        errors.append(f"build stage lists a package twice: {sorted(build)}")
    if set(build) & left_out:
        errors.append(f"both installed and left out: {sorted(set(build) & left_out)}")
    for p in sorted(set(setup) - set(build) - left_out):
        errors.append(f"scripts/setup.sh installs {p}: add it to the Containerfile build stage or its Left out comment")
    for p in sorted(set(build) - set(setup)):
        errors.append(f"Containerfile build stage installs {p}, which scripts/setup.sh does not")

    libs = ldd(binary)
    owner = owners(list(libs.values())).get
    direct = [lib for lib in needed(binary) if not SANITIZER.match(lib)]
    for lib in direct:
        pkg = owner(libs.get(lib, lib))
        print(f"NEEDED {lib} -> {pkg}")
        if pkg is None:
            errors.append(f"{lib}: no Debian package owns it")
        elif pkg not in runtime and pkg not in BASE:
            errors.append(f"{lib} is in {pkg}, missing from the Containerfile runtime stage")
    extra = set(runtime) - {owner(libs[l]) for l in direct if l in libs} - {"ca-certificates"}
    if extra:
        errors.append(f"runtime stage installs packages pennant does not link: {sorted(extra)}")

    installed = closure(sorted(set(runtime) | BASE))
    if installed is None:
        print("apt-cache unavailable: transitive check skipped")
    else:
        for lib, path in sorted(libs.items()):
            if SANITIZER.match(lib):
                continue
            pkg = owner(path)
            if pkg and pkg not in installed:
                errors.append(f"{lib} ({pkg}) is not in the runtime packages' dependency closure")
        print(f"ldd: {len(libs)} libraries; runtime stage pulls in {len(installed)} packages")
    for e in errors:
        print("ERROR:", e)
    print(f"build stage: {len(build)} packages; runtime stage: {sorted(runtime)}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
