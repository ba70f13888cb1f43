"""`DataImport`: the dashboard's "your own data" panel. Upload a CSV file or name a NumPy array / pandas DataFrame
of the notebook, pick the target column, see the task inferred for it and a preview of a few rows, choose the
validation share, then train on it.

The panel only makes a `SplitDataset` (through `nnstudio.data.table.Table`) and hands it to `on_dataset`; the
dashboard fits the model to it. A file or table that cannot train (a ragged row, text or NaN in a feature column, a
single class, too large) is refused with the message naming the row and the column, and the current dataset stays.
"""

from __future__ import annotations

import html
from collections.abc import Callable

import ipywidgets as widgets

from ..data.table import Table

_STYLE = {"description_width": "initial"}


class DataImport(widgets.VBox):
    """Upload / variable name -> target, task, preview, split -> `on_dataset(dataset)`.

    Args:
        on_dataset: called with the new `SplitDataset` when the user presses "Train on this data"; raising refuses
            it (the message is shown, nothing changes).
        namespace: where variable names are looked up (default: the notebook's user namespace).
    """

    def __init__(self, on_dataset: Callable, namespace: dict | None = None):
        self.on_dataset = on_dataset
        self._namespace = namespace
        self.table: Table | None = None
        self.upload = widgets.FileUpload(accept=".csv,.tsv,.txt,text/csv", multiple=False, description="CSV file",
                                         layout=widgets.Layout(width="auto"))
        self.upload.add_class("nnstudio-data-upload")
        self.variable = widgets.Text(placeholder="df or X", description="or variable", style=_STYLE,
                                     layout=widgets.Layout(width="170px"))
        self.variable.add_class("nnstudio-data-variable")
        self.use_variable = widgets.Button(description="Read", tooltip="Read the NumPy array or pandas DataFrame "
                                           "of this name", layout=widgets.Layout(width="auto"))
        self.use_variable.add_class("nnstudio-data-read")
        self.target = widgets.Dropdown(options=[], description="target", style=_STYLE,
                                       layout=widgets.Layout(width="auto", max_width="100%"))
        self.target.add_class("nnstudio-data-target")
        self.task = widgets.HTML()
        self.task.add_class("nnstudio-data-task")
        self.val_fraction = widgets.BoundedFloatText(value=0.2, min=0.05, max=0.5, step=0.05, description="validation",
                                                     style=_STYLE, layout=widgets.Layout(width="150px"),
                                                     tooltip="Share of the rows kept for validation")
        self.val_fraction.add_class("nnstudio-data-split")
        self.preview = widgets.HTML()
        self.preview.add_class("nnstudio-data-preview")
        self.apply = widgets.Button(description="Train on this data", icon="check", disabled=True,
                                    layout=widgets.Layout(width="auto"))
        self.apply.add_class("nnstudio-data-apply")
        self.message = widgets.HTML()
        self.message.add_class("nnstudio-data-message")
        self.upload.observe(self._on_upload, names="value")
        self.use_variable.on_click(lambda _: self.read_variable(self.variable.value))
        self.target.observe(lambda _: self._show_target(), names="value")
        self.apply.on_click(lambda _: self.train_on_it())
        title = widgets.HTML("<b>Your own data</b> <span class='nnstudio-muted'>numbers in every column but the "
                             "target; one row per sample</span>")
        super().__init__([title, widgets.HBox([self.upload, self.variable, self.use_variable],
                                              layout=widgets.Layout(flex_flow="row wrap")),
                          widgets.HBox([self.target, self.val_fraction],
                                       layout=widgets.Layout(flex_flow="row wrap")),
                          self.task, self.preview, self.apply, self.message])
        self.add_class("nnstudio-data-import")

    # ---- reading ------------------------------------------------------------------------------------------------
    def _on_upload(self, change) -> None:
        files = change["new"]
        if not files:
            return
        f = files[0]
        name = str(f.get("name", "upload") if isinstance(f, dict) else getattr(f, "name", "upload"))
        content = f["content"] if isinstance(f, dict) else f.content
        self.read_csv(bytes(content), name)

    def read_csv(self, data: bytes, filename: str = "upload.csv") -> bool:
        """Parse an uploaded file; True when it could be read (the panel then shows it)."""
        stem = filename.rsplit("/", 1)[-1]
        stem = stem[:-4] if stem.lower().endswith((".csv", ".tsv", ".txt")) else stem
        return self._load(lambda: Table.from_csv_bytes(data, name=stem or "upload"))

    def read_variable(self, name: str) -> bool:
        """Read the array or DataFrame called `name` in the notebook; True when it could be read."""
        name = (name or "").strip()

        def make() -> Table:
            ns = self._user_namespace()
            if not name.isidentifier():
                raise ValueError(f"{name!r} is not a variable name")
            if name not in ns:
                raise ValueError(f"the notebook has no variable {name!r} (run the cell that makes it first)")
            return Table.from_object(ns[name], name=name)

        return self._load(make)

    def _user_namespace(self) -> dict:
        if self._namespace is not None:
            return self._namespace
        from IPython import get_ipython

        shell = get_ipython()
        return shell.user_ns if shell is not None else {}

    def _load(self, make: Callable[[], Table]) -> bool:
        try:
            table = make()
        except (ValueError, TypeError) as exc:
            self.say(str(exc), error=True)
            return False
        self.table = table
        self.target.options = table.columns
        self.target.value = table.default_target
        self._show_target()
        cols, rows = table.preview(5)
        head = "".join(f"<th>{html.escape(c)}</th>" for c in cols)
        body = "".join("<tr>" + "".join(f"<td>{html.escape(v)}</td>" for v in r) + "</tr>" for r in rows)
        self.preview.value = (f"<div class='nnstudio-data-preview-box'><table class='nnstudio-param-table' "
                              f"aria-label='First rows of {html.escape(table.name)}'><thead><tr>{head}</tr></thead>"
                              f"<tbody>{body}</tbody></table></div><div class='nnstudio-muted'>{len(table.rows):,} "
                              f"rows, {len(cols)} columns</div>")
        self.apply.disabled = False
        self.say(f"read {table.name}: choose the target column, then Train on this data")
        return True

    def _show_target(self) -> None:
        if self.table is None or self.target.value is None:
            self.task.value = ""
            return
        text = html.escape(self.table.describe_target(self.target.value))
        self.task.value = f"<span class='nnstudio-data-task-text'>{text}</span>"

    # ---- using it -----------------------------------------------------------------------------------------------
    def train_on_it(self) -> bool:
        """Make the dataset and hand it to `on_dataset`; on a refusal show why and keep the current data."""
        if self.table is None:
            self.say("upload a CSV file or name a variable first", error=True)
            return False
        try:
            ds = self.table.to_dataset(self.target.value, val_fraction=float(self.val_fraction.value))
            self.on_dataset(ds)
        except Exception as exc:  # noqa: BLE001 - every refusal is shown; the current dataset stays
            self.say(f"not used, the current data stays: {exc}", error=True)
            return False
        self.say(f"training on {ds.name}: {len(ds.X_train)} training and {len(ds.X_val)} validation rows, "
                 f"{ds.task}")
        return True

    def say(self, text: str, error: bool = False) -> None:
        kind = "nnstudio-error" if error else "nnstudio-muted"
        role = " role='alert'" if error else ""
        self.message.value = f"<div class='{kind}'{role}>{html.escape(text, quote=False)}</div>" if text else ""
