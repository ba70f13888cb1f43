"""The builder's front end (widgets/*.js): biome, pinned in tools/js, finds nothing; every module and the one
module anywidget loads (the components joined by `builder_assets.esm`) parse, and the latter exports render().

Needs node and npm (skipped, saying so, without them). `scripts/test.sh` installs biome with
``npm ci --prefix tools/js`` (from the committed package-lock.json); with npm there but biome missing the lint
test fails and says to run that command: nothing is downloaded by the tests themselves.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from nnstudio.studio.builder_assets import BundleError, esm

ROOT = Path(__file__).resolve().parents[1]
TOOLS = ROOT / "tools" / "js"
BIOME = TOOLS / "node_modules" / ".bin" / "biome"
NODE = shutil.which("node")
MODULES = sorted((ROOT / "widgets").glob("*.js"))

needs_node = pytest.mark.skipif(NODE is None, reason="node is not installed (the JS checks need node and npm)")


@needs_node
def test_biome_finds_nothing_in_the_widgets():
    if shutil.which("npm") is None:
        pytest.skip("npm is not installed: biome cannot be installed (npm ci --prefix tools/js)")
    assert BIOME.exists(), "biome is not installed: run `npm ci --prefix tools/js` (scripts/test.sh does)"
    wanted = json.loads((TOOLS / "package.json").read_text())["devDependencies"]["@biomejs/biome"]
    version = subprocess.run([str(BIOME), "--version"], capture_output=True, text=True, timeout=60).stdout
    assert wanted in version, f"biome {version.strip()} is installed, package.json pins {wanted}: npm ci again"
    res = subprocess.run([str(BIOME), "lint", f"--config-path={TOOLS / 'biome.json'}", "--error-on-warnings",
                          "--max-diagnostics=50", *map(str, MODULES)], capture_output=True, text=True, cwd=ROOT,
                         timeout=120)
    assert res.returncode == 0, res.stdout[-6000:] + res.stderr[-3000:]
    assert f"Checked {len(MODULES)} files" in res.stdout + res.stderr


@needs_node
@pytest.mark.parametrize("module", MODULES, ids=lambda p: p.name)
def test_every_module_parses(module):
    res = subprocess.run([NODE, "--check", str(module)], capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr


@needs_node
def test_the_joined_module_parses_and_exports_render(tmp_path):
    bundle = tmp_path / "builder.mjs"
    bundle.write_text(esm("builder.js"))
    script = (f"import({json.dumps(bundle.as_uri())}).then((m) => {{ if (typeof m.default.render !== 'function') "
              "process.exit(3); }, (e) => { console.error(e); process.exit(4); });")
    res = subprocess.run([NODE, "--input-type=module", "-e", script], capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr


def test_every_widget_module_is_an_entry_or_imported_by_one():
    entries = [m.name for m in MODULES if "export default" in m.read_text()]
    assert "builder.js" in entries
    joined = "\n".join(esm(e) for e in entries)
    for module in MODULES:
        assert f"// ---- {module.name}" in joined, f"{module.name} is imported by no widget module (dead code?)"


def test_an_unsupported_import_is_refused_naming_the_file(tmp_path, monkeypatch):
    (tmp_path / "entry.js").write_text('import * as x from "./other.js";\nexport default {};\n')
    import nnstudio.studio.builder_assets as assets

    monkeypatch.setattr(assets, "asset", lambda name: tmp_path / name)
    with pytest.raises(BundleError, match="entry.js: line 1"):
        assets.esm.__wrapped__("entry.js")
