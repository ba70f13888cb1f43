"""`Studio`: the whole app in one notebook output: the model builder and the training dashboard.

Where the output is wide enough (900px and more: JupyterLab on a laptop, Voila, Notebook 7) the dashboard is
docked beside the builder with the loss panel at its top, so the network and its learning are in view together;
in a narrow output it sits below the builder (widgets/studio.css has the rules).

>>> import nnstudio
>>> nnstudio.Studio()                                  # a starter design and its dataset: Train works at once
>>> nnstudio.Studio(model=my_sequential, data="spiral")  # open an existing Sequential or graph module

The builder edits a `ModelGraph`; after every edit that leaves the design valid the Studio builds a fresh module
and hands it to the trainer, so Train always trains what the canvas shows. Editing while training runs asks to
stop first (a dialog in the builder). Modules are built with their initial weights drawn from the trainer's seed
(`seed=`, default 0), so a design always starts from the same weights and Reset returns to them. Picking another
dataset in the dashboard fits the design to it (the Input's shape, the last Linear's outputs) as one undoable edit,
or leaves design and data as they were and says why.
"""

from __future__ import annotations

import os
from typing import Any

import ipywidgets as widgets

from .builder import BuilderWidget
from .builder_stats import BlockStatsFeed


def _starter_data(design: str | None) -> tuple[Any, dict] | None:
    """The dataset (name, options) a starter design is made for, or None."""
    try:
        from nnstudio.graph import starters

        spec = starters.STARTERS[design]
    except (ImportError, KeyError, AttributeError):
        return None
    return spec.dataset, dict(spec.dataset_options)


def seeded_build(graph: Any, seed: int) -> Any:
    """``graph.build()`` with its initial weights drawn from ``seed``; the library's global random stream is left
    as it was."""
    from nnstudio import _random

    saved = _random._generator
    _random.manual_seed(seed)
    try:
        return graph.build()
    finally:
        _random._generator = saved


def _data_for_graph(graph: Any) -> tuple[Any, dict]:
    """A built-in dataset whose samples fit the design's single Input (spiral for (2,), digits for (64,) or
    (1, 8, 8), the sequence task ...); spiral when none does."""
    from nnstudio.data import load

    shapes = [tuple(n.config.get("shape") or ()) for n in graph.nodes.values() if n.type == "Input"]
    if len(shapes) == 1:
        for name, options in (("spiral", {}), ("digits", {}), ("digits", {"flat": False}), ("sequence", {})):
            try:
                if tuple(load(name, **options).input_shape) == shapes[0]:
                    return name, options
            except Exception:
                continue
    return "spiral", {}


class Studio(widgets.VBox):
    """The model builder with the live training dashboard docked below it.

    Args:
        model: None (a starter design), a `ModelGraph`, or an `nn.Module` (`Sequential` or a built graph module).
        data: what to train on: a built-in dataset name ("spiral", "digits", ...), a dataset, or ``(X, y)``.
        design: the starter design to open when ``model`` is None.
        folder: where Save/Load keep design files (default: the notebook's folder, the kernel's working folder).
        input_shape: the input shape (without batch) of an `nn.Module`; read from the data when omitted.
        **trainer_options: passed to `Trainer` (loss, optimizer, lr, batch_size, epochs, ...).
    """

    def __init__(self, model: Any = None, data: Any = None, *, design: str | None = None,
                 folder: str | os.PathLike | None = None, input_shape: tuple[int, ...] | None = None,
                 **trainer_options: Any) -> None:
        graph = None
        if model is not None:
            graph = self._graph_from(model, data, input_shape)
        self.builder = BuilderWidget(graph, folder=folder, design=design)
        self._data_given = data is not None
        if data is not None:
            self.data, self.data_options = data, {}
        else:
            self.data, self.data_options = (_starter_data(self.builder.design)
                                            or _data_for_graph(self.builder.graph))
        self.trainer_options = trainer_options
        self.seed = int(trainer_options.get("seed", 0))
        self._design = self.builder.design
        self._adapting = False
        self.trainer: Any = None
        self.dashboard: Any = None
        self._trained_on: Any = None
        self._train_error = widgets.HTML()
        self._train_error.add_class("nnstudio-train-error")
        self._dock = widgets.Box()
        self._dock.add_class("nnstudio-dock")
        design_col = widgets.VBox([self.builder, self._train_error])
        design_col.add_class("nnstudio-design-col")
        grid = widgets.Box([design_col, self._dock])
        grid.add_class("nnstudio-studio-grid")
        super().__init__([_style(), grid])
        self.add_class("nnstudio-studio")
        self.builder.edit_guard = self._edit_guard
        self.builder.stop_training = self._stop_training
        self.builder.on_graph_change(self._on_graph_change)
        self.builder.on_select(self._follow_selection)
        self._block_stats: Any = None
        self._attach(self.builder.graph)

    # ---- model <-> graph ----------------------------------------------------------------------------------------
    @staticmethod
    def _graph_from(model: Any, data: Any, input_shape: tuple[int, ...] | None) -> Any:
        from nnstudio.graph import ModelGraph

        if isinstance(model, ModelGraph):
            return model
        if input_shape is None:
            if data is None:
                raise ValueError("Studio(model=...) needs input_shape=... or data=... to know the input shape")
            from nnstudio.data import as_dataset

            input_shape = tuple(as_dataset(data).input_shape)
        return ModelGraph.from_module(model, tuple(input_shape))

    @property
    def graph(self) -> Any:
        """The `ModelGraph` being edited."""
        return self.builder.graph

    def _edit_guard(self) -> str | None:
        if self.trainer is not None and getattr(self.trainer, "state", "idle") == "running":
            return "Editing the design needs a fresh model, so training must stop first. Stop training now?"
        return None

    def _stop_training(self) -> None:
        if self.trainer is not None:
            self.trainer.stop()

    def _on_graph_change(self, graph: Any) -> None:
        if self._adapting:
            return
        design = self.builder.design
        if not self._data_given and design and design != self._design:  # a new starter brings its own data
            self.data, self.data_options = _starter_data(design) or (self.data, self.data_options)
        self._design = design
        self._attach(graph)

    # ---- trainer + dashboard --------------------------------------------------------------------------------------
    def _attach(self, graph: Any) -> None:
        """Build the graph's module and train it: swap it (and a new dataset) into the trainer, or make the
        trainer and its dashboard the first time."""
        if not graph.infer_shapes().ok:
            return  # keep the last valid model; the builder shows what is wrong
        from nnstudio.data import as_dataset
        from nnstudio.train import Trainer

        try:
            module = seeded_build(graph, self.seed)
            wanted = (self.data, tuple(sorted(self.data_options.items())))
            if self.trainer is None:
                self.trainer = Trainer(module, self.data, data_options=self.data_options, **self.trainer_options)
                self.dashboard = self._make_dashboard(self.trainer)
                self._dock.children = (self.dashboard,)
                self._block_stats = BlockStatsFeed(self.builder, self.trainer, gate=self.dashboard.refresher.take)
            elif wanted != self._trained_on and isinstance(self.data, str):
                self.trainer.set_data(as_dataset(self.data, **self.data_options), model=module)
            else:
                self.trainer.set_model(module)
            self._trained_on = wanted
            if self.dashboard is not None and hasattr(self.dashboard, "on_model_change"):
                self.dashboard.on_model_change()
                self._follow_selection(self.builder.selected)
            self._train_error.value = ""
        except Exception as exc:  # a design that builds but does not fit the data: say so, keep the builder usable
            self._train_error.value = (f"<div class='nnstudio-note nnstudio-note-error' role='alert'>Cannot train "
                                       f"this design on the data: {_escape(str(exc))}</div>")

    def _model_for_data(self, dataset: Any) -> Any:
        """The dashboard's dataset picker changed the data: fit the design to it (the Input's shape and the last
        Linear's out_features, one undoable edit on the canvas) and return the built module, checked against the
        data. When the fitted design does not build or does not fit, the edit is taken back and the error raised
        (the dashboard shows it and keeps the current data)."""
        built: dict = {}

        def check(graph: Any) -> None:
            module = seeded_build(graph, self.seed)
            if self.trainer is not None:
                self.trainer.check_fits(dataset, module)
            built["module"] = module

        self._adapting = True
        try:
            self.builder.fit_to_data(tuple(dataset.input_shape), int(getattr(dataset, "num_outputs", 0) or 0),
                                     check=check)
        finally:
            self._adapting = False
        # later edits keep training on this dataset (a starter design's switch picks the starter's data again)
        self.data, self.data_options = dataset, {}
        self._trained_on = (dataset, ())
        return built["module"]

    def _make_dashboard(self, trainer: Any) -> widgets.Widget:
        from .dashboard import Dashboard

        return Dashboard(trainer, model_factory=self._model_for_data)

    def _follow_selection(self, block: str | None) -> None:
        """The gradient histogram follows the block selected on the canvas (its weight, else its first
        parameter); a block without parameters leaves it as it is."""
        if self.dashboard is None or block is None:
            return
        names = [n for n in self.dashboard.param_select.options if n.startswith(f"{block}.")]
        if names:
            self.dashboard.param_select.value = f"{block}.weight" if f"{block}.weight" in names else names[0]

    def __repr__(self) -> str:
        """One line for a terminal (a notebook draws the widget instead of this)."""
        report = self.graph.infer_shapes()
        params = sum(report.params.values())
        data = self.data if isinstance(self.data, str) else type(self.data).__name__
        state = getattr(self.trainer, "state", "idle")
        return (f"Studio(design={self.builder.design!r}, blocks={len(self.graph)}, params={params:,}, "
                f"valid={report.ok}, data={data!r}, state={state!r})")

    def close(self) -> None:
        """Stop training and close the widgets."""
        if getattr(self, "trainer", None) is not None:
            try:
                self.trainer.stop()
            except Exception:
                pass
        if getattr(self, "_block_stats", None) is not None:
            self._block_stats.close()
        if getattr(self, "dashboard", None) is not None:
            self.dashboard.close()
        super().close()


def _style() -> widgets.HTML:
    """The Studio's layout CSS (widgets/studio.css) in a hidden HTML widget: works in JupyterLab, Notebook 7 and
    Voila without a front-end extension."""
    from .builder import asset

    style = widgets.HTML(f"<style>{asset('studio.css').read_text(encoding='utf-8')}</style>")
    style.layout.display = "none"
    return style


def _escape(text: str) -> str:
    import html

    return html.escape(text)
