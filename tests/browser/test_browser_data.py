"""Your own data in a real browser: a CSV uploaded through the Studio's data panel becomes the training data, and a
bad file is refused in the panel, naming the line and the column."""

from __future__ import annotations

import pytest
from _lab import ARTIFACTS, open_with_cells

pytestmark = pytest.mark.browser

GOOD = "sepal,petal,species\n" + "5.1,1.4,setosa\n4.9,1.3,setosa\n6.3,4.9,virginica\n5.8,5.1,virginica\n" * 5


def test_upload_a_csv_then_a_bad_one(lab, page, expect, tmp_path):
    page.set_viewport_size({"width": 1440, "height": 1000})
    open_with_cells(lab, page, "upload.ipynb", ["import nnstudio", "nnstudio.Studio(epochs=3)"])
    studio = page.locator(".nnstudio-studio").first
    studio.locator(".nnstudio-own-data").first.click()
    panel = studio.locator(".nnstudio-data-import").first
    expect(panel).to_be_visible()
    good = tmp_path / "iris.csv"
    good.write_text(GOOD)
    _upload(page, panel, good)
    expect(panel.locator(".nnstudio-data-task")).to_contain_text("classification: 2 classes (setosa, virginica)")
    expect(panel.locator(".nnstudio-data-preview")).to_contain_text("20 rows, 3 columns")
    panel.locator(".nnstudio-data-apply").first.click()
    expect(panel.locator(".nnstudio-data-message")).to_contain_text("training on iris")
    expect(studio.locator(".nnstudio-node").first).to_contain_text("(2,)")  # the design fitted to 2 features
    studio.locator(".nnstudio-train").first.click()
    expect(studio.locator(".nnstudio-progress-text").first).to_contain_text("epoch 3/3")
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b,y\n1,2,0\n3,abc,1\n")
    _upload(page, panel, bad)
    # The kernel sends the new column list, then the default target ('b', the only text column), then this message:
    # choosing 'y' before the default has arrived would be overwritten by it.
    expect(panel.locator(".nnstudio-data-message")).to_contain_text("read bad")
    panel.locator(".nnstudio-data-target select").select_option("y")
    expect(panel.locator(".nnstudio-data-task")).to_contain_text("classification: 2 classes (0, 1)")
    panel.locator(".nnstudio-data-apply").first.click()
    expect(panel.locator(".nnstudio-data-message")).to_contain_text("line 3, feature column 'b': 'abc' is not a number")
    expect(studio.locator(".nnstudio-controls select").first).to_have_value("iris")  # the data stayed
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "data-upload.png"))


def _upload(page, panel, path) -> None:
    """Click the panel's upload button and pick `path` in the file chooser it opens."""
    with page.expect_file_chooser() as chooser:
        panel.locator(".nnstudio-data-upload").first.click()
    chooser.value.set_files(str(path))
