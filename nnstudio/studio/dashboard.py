"""`Dashboard(trainer)`: controls and live panels for a `Trainer`, in one notebook output.

>>> trainer = nnstudio.train.Trainer(model, "spiral")
>>> nnstudio.studio.Dashboard(trainer)          # any nn.Module; Train / Pause / Step / Reset drive the trainer

The training thread never draws. A `Refresher` (a daemon thread; callbacks on the event loop with the asyncio
runner) reads the new tail of the trainer's history and sends each panel's frame: by default (`plots="browser"`)
float32 numbers that widgets/plots.js draws (loss, gradients, decision boundary, parameter shapes: about a
millisecond of the kernel a frame); the image predictions of non-2-D data, and every panel with
`plots="matplotlib"`, are PNGs of reusable matplotlib figures. It paces itself: at most 6 widget messages a second,
and drawing kept under a share (2%) of the training thread's CPU time, each panel with its own part of that share
(`PANEL_WEIGHTS`); while nothing trains (after Pause, Step, the last epoch) every changed panel is drawn at the next
tick. Errors of the trainer and of the dashboard show in an HTML error panel, never only in a log.
"""

from __future__ import annotations

import html
import math
import threading
import time

import ipywidgets as widgets

from .. import _platform
from ..train import TrainingError
from .dashboard_controls import TrainingControls
from .dashboard_data import DataImport
from .dashboard_refresh import Refresher
from .dashboard_style import DASHBOARD_CSS
from .panels import (
    DecisionBoundaryPanel,
    GradientPanel,
    LossPanel,
    ParameterShapesPanel,
    SamplePredictionsPanel,
    latest_norms,
    param_table_html,
)
from .panels.live import LiveBoundaryPanel, LiveGradientPanel, LiveLossPanel, LivePlot, LiveShapesPanel

_BUTTON_STATES = {  # which buttons are enabled in each trainer state
    "idle": {"train", "step", "reset"},
    "running": {"pause", "step", "reset"},
    "paused": {"train", "step", "reset"},
    "stopped": {"train", "step", "reset"},
}

# each panel's part of the drawing share: the loss curve is cheap (about 5-10 ms a frame) and the one people watch,
# so it gets the largest part and redraws about once per second of training at a 3% share
PANEL_WEIGHTS = {"loss": 0.35, "grads": 0.3, "boundary": 0.25, "shapes": 0.1}


# the browser-drawn panels cost about a millisecond a frame: what limits them is waking the kernel's threads (each
# wake-up takes the GIL from the training thread) and the message rate. The refresher wakes every TICK seconds and
# sends every due frame at once; the loss curve and the progress line move at each tick (2 a second), the
# gradients every second, the decision boundary as its forward pass on the grid allows within the drawing share.
TICK = 0.5
MIN_INTERVAL = {"loss": 0.45, "grads": 0.95}
PROGRESS_INTERVAL = 0.45  # the progress line while training (seconds)


def _live(css_class: str, aspect: float, max_width: int = 396) -> LivePlot:
    plot = LivePlot(aspect=aspect, max_width=max_width, layout=widgets.Layout(max_width="100%",
                                                                                width=f"{max_width}px"))
    plot.add_class(css_class)
    plot.add_class("nnstudio-plot")
    return plot


def _send(image, rendered) -> None:
    """Show a rendered frame: PNG bytes in an `Image`, or (spec, values) in a `LivePlot`."""
    if isinstance(image, LivePlot):
        image.show(rendered)
    else:
        image.value = rendered


def _image(css_class: str, label: str) -> widgets.Image:
    img = widgets.Image(format="png", layout=widgets.Layout(max_width="100%", height="auto"))
    img.add_class(css_class)
    img.add_class("nnstudio-plot")
    img.alt = label
    return img


class Dashboard(widgets.VBox):
    """Training controls, buttons, progress and live panels for `trainer`.

    Args:
        trainer: a `nnstudio.train.Trainer` (any model).
        model_factory: optional `dataset -> nn.Module`, called when the dataset picker changes the data so the
            model can follow the new input shape and class count (without it the current model must fit).
        autorefresh: start the refresher thread (tests turn it off and call `refresh()`).
        share: the largest share of the training thread's CPU time spent updating and drawing panels.
        max_messages: widget updates per second, at most.
    """

    def __init__(self, trainer, model_factory=None, autorefresh: bool = True, share: float = 0.02,
                 max_messages: float = 6.0, plots: str = "browser"):
        if plots not in ("browser", "matplotlib"):
            raise ValueError(f"plots must be 'browser' or 'matplotlib', got {plots!r}")
        self.plots = plots
        self.trainer = trainer
        self.model_factory = model_factory
        self.controls = TrainingControls(trainer)
        self.train_button = self._button("Train", "play", "nnstudio-train", "Start or resume training")
        self.pause_button = self._button("Pause", "pause", "nnstudio-pause", "Pause after the current step")
        self.step_button = self._button("Step", "step-forward", "nnstudio-step", "Take exactly one optimizer step")
        self.reset_button = self._button("Reset", "refresh", "nnstudio-reset",
                                         "Fresh weights from the same seed; clears the curves")
        self.train_button.on_click(lambda _: self._act(self.trainer.start))
        self.pause_button.on_click(lambda _: self._act(self.trainer.pause))
        self.step_button.on_click(lambda _: self._act(self.trainer.step))
        self.reset_button.on_click(lambda _: self._act(self.trainer.reset))
        self.progress = widgets.HTML()
        self.progress.add_class("nnstudio-progress-box")
        self.error_panel = widgets.HTML()
        self.error_panel.add_class("nnstudio-error-panel")
        self.log_scale = widgets.Checkbox(value=False, description="log scale", indent=False,
                                          layout=widgets.Layout(width="auto"))
        self.log_scale.add_class("nnstudio-log-toggle")
        self.param_select = widgets.Dropdown(options=list(trainer.param_shapes), description="histogram of",
                                             style={"description_width": "initial"},
                                             layout=widgets.Layout(width="auto"))
        self.param_select.add_class("nnstudio-param-select")
        if plots == "browser":  # drawn by the browser from float32 numbers: about 1 ms of the kernel a frame
            self.loss_image = _live("nnstudio-plot-loss", aspect=306 / 396)
            self.grads_image = _live("nnstudio-plot-grads", aspect=306 / 396)
        else:  # matplotlib PNGs
            self.loss_image = _image("nnstudio-plot-loss", "Loss and accuracy")
            self.grads_image = _image("nnstudio-plot-grads", "Gradient norm per named parameter")
        self.boundary_image = self._boundary_widget(trainer.data)
        self.shapes_image = (_live("nnstudio-plot-shapes", aspect=0.68) if plots == "browser" else
                             _image("nnstudio-plot-shapes", "Named parameter shapes"))
        self.table = widgets.HTML()
        self.table.add_class("nnstudio-param-table-box")
        self.loss_panel = LiveLossPanel() if plots == "browser" else LossPanel()
        self.grads_panel = LiveGradientPanel() if plots == "browser" else GradientPanel()
        self.shapes_panel = LiveShapesPanel() if plots == "browser" else ParameterShapesPanel()
        self.boundary_panel = self._boundary_for(trainer.data)
        self._data_id = id(trainer.data)
        self._rotation = 0
        self._seen_status = None
        self._shown_trainer_error = ""
        self._last_progress = (0.0, None)
        self._updating_controls = False
        self._table_dirty = False
        self._draw_lock = threading.RLock()  # the refresher thread and the notebook's thread both draw
        self._own: dict = {}  # the user's datasets by name (the data picker lists them after the built-in ones)
        self.data_import = DataImport(self.use_dataset)
        self.data_import.layout.display = "none"
        self._wire_controls()
        super().__init__(self._layout())
        self.add_class("nnstudio-dashboard")
        self._unsubscribe = trainer.subscribe(self._on_event, kinds=("state", "error", "reset"))
        self._status_dirty = True
        self.refresher = Refresher(self, share=share, max_messages=max_messages, weights=PANEL_WEIGHTS,
                                   tick=TICK if plots == "browser" else 0.1,
                                   min_interval=MIN_INTERVAL if plots == "browser" else None)
        self.refresh()
        if autorefresh:
            self.refresher.start()

    # ================================================================ layout
    @staticmethod
    def _button(text: str, icon: str, css: str, tooltip: str) -> widgets.Button:
        b = widgets.Button(description=text, icon=icon, tooltip=tooltip, layout=widgets.Layout(width="auto"))
        b.add_class(css)
        b.add_class("nnstudio-button")
        return b

    def _layout(self) -> list:
        c = self.controls
        style = widgets.HTML(f"<style>{DASHBOARD_CSS}</style>")
        style.layout.display = "none"
        row1 = widgets.HBox([c.dataset, c.noise, c.classes, c.own_data, c.loss, c.optimizer, c.lr, c.momentum,
                             c.beta1, c.beta2, c.weight_decay, c.batch_size, c.epochs])
        row1.add_class("nnstudio-controls")
        row2 = widgets.HBox([self.train_button, self.pause_button, self.step_button, self.reset_button,
                             self.progress])
        row2.add_class("nnstudio-run-row")
        loss_box = widgets.VBox([self.loss_image, self.log_scale])
        grads_box = widgets.VBox([self.grads_image, self.param_select])
        self._boundary_box = widgets.VBox([self.boundary_image])
        panels = widgets.HBox([loss_box, grads_box, self._boundary_box])
        panels.add_class("nnstudio-panels")
        for box in (loss_box, grads_box, panels.children[2]):
            box.add_class("nnstudio-panel")
        params = widgets.HBox([self.shapes_image, self.table])
        params.add_class("nnstudio-panels")
        params.add_class("nnstudio-params-row")
        # the run row first: Train and the progress line stay at the top, next to the canvas when docked
        return [style, row2, row1, self.data_import, self.error_panel, panels, params]

    def _boundary_for(self, data):
        if not data.is_2d:
            return SamplePredictionsPanel(data)
        return LiveBoundaryPanel(data) if self.plots == "browser" else DecisionBoundaryPanel(data)

    def _boundary_widget(self, data):
        """The widget the boundary panel of `data` draws into: a `LivePlot` for browser-drawn 2-D data, else an
        `Image` (matplotlib PNG)."""
        if self.plots == "browser" and data.is_2d:
            return _live("nnstudio-plot-boundary", aspect=306 / 324, max_width=324)
        return _image("nnstudio-plot-boundary", "Decision boundary")

    # ================================================================ actions
    def _act(self, fn) -> None:
        """Run a button's action; show an error instead of raising into the notebook."""
        try:
            fn()
        except Exception as exc:  # noqa: BLE001
            self.show_error(str(exc))
        self._sync_status(force=True)
        self.refresher.hurry()  # after Pause / Step / Reset the next tick draws the complete state

    def _wire_controls(self) -> None:
        c = self.controls
        c.lr.observe(lambda ch: self._setting(self.trainer.set_lr, ch["new"]), names="value")
        for w in (c.optimizer, c.momentum, c.beta1, c.beta2, c.weight_decay):
            w.observe(lambda ch: self._setting(self._apply_optimizer), names="value")
        c.batch_size.observe(lambda ch: self._setting(self.trainer.set_batch_size, ch["new"]), names="value")
        c.epochs.observe(lambda ch: self._setting(self.trainer.set_epochs, ch["new"]), names="value")
        c.loss.observe(lambda ch: self._setting(self.trainer.set_loss, ch["new"]), names="value")
        c.dataset.observe(lambda ch: self._setting(self._apply_data), names="value")
        c.noise.observe(lambda ch: self._setting(self._apply_data), names="value")
        c.classes.observe(lambda ch: self._setting(self._apply_data), names="value")
        c.own_data.observe(lambda ch: setattr(self.data_import.layout, "display", None if ch["new"] else "none"),
                           names="value")
        self.log_scale.observe(lambda ch: self._redraw_soon(self.loss_panel.set_log, ch["new"]), names="value")
        self.param_select.observe(lambda ch: self._redraw_soon(self.grads_panel.select, ch["new"]), names="value")

    def _setting(self, fn, *args) -> None:
        if self._updating_controls:
            return
        try:
            fn(*args)
            self.show_error("")
        except Exception as exc:  # noqa: BLE001 - a refused value is shown, the run goes on
            self.show_error(str(exc))
        self.controls.sync_enabled()

    def _apply_optimizer(self) -> None:
        name, options = self.controls.optimizer_settings()
        self.trainer.set_optimizer(name, lr=self.controls.lr.value, **options)

    def _apply_data(self) -> None:
        from ..data import load

        name, options = self.controls.dataset.value, self.controls.dataset_settings()
        candidates = [self._own[name]] if name in self._own else [load(name, **options)]
        if name == "digits":  # flat vectors for an MLP, 1x8x8 images for a CNN: take the one the model accepts
            candidates.append(load(name, flat=False))
        error = None
        for data in candidates:
            try:
                model = self.model_factory(data) if self.model_factory is not None else None
                self.trainer.set_data(data, model=model)
                break
            except (TrainingError, ValueError) as exc:  # the model (or the design fitted by the factory) refuses
                error = error or exc
        else:
            self._updating_controls = True
            try:
                self.controls.dataset.value = self.trainer.data.name
            finally:
                self._updating_controls = False
            raise error
        self.on_model_change()

    def use_dataset(self, data) -> None:
        """Train on `data` (a `SplitDataset`, e.g. from the data panel): the model follows it through
        `model_factory`; raises (and changes nothing) when the model or the data refuse."""
        model = self.model_factory(data) if self.model_factory is not None else None
        self.trainer.set_data(data, model=model)
        self._own[data.name] = data
        self._updating_controls = True
        try:
            options = list(self.controls.dataset.options)
            if data.name not in options:
                self.controls.dataset.options = [*options, data.name]
        finally:
            self._updating_controls = False
        self.on_model_change()

    def on_model_change(self) -> None:
        """Call after the trainer got a new model or data (the Studio does): refresh choices and all panels."""
        self._updating_controls = True
        try:
            names = list(self.trainer.param_shapes)
            self.param_select.options = names
            self.param_select.value = names[0] if names else None
            self.controls.set_losses_for(self.trainer.data.task, self.trainer.loss_name)
            if self.trainer.data.name in self._own and self.trainer.data.name not in self.controls.dataset.options:
                self.controls.dataset.options = [*self.controls.dataset.options, self.trainer.data.name]
            if self.trainer.data.name in self.controls.dataset.options:  # the Studio may have switched the data
                self.controls.dataset.value = self.trainer.data.name
                self.controls.sync_enabled()
        finally:
            self._updating_controls = False
        self.grads_panel.select(self.param_select.value)
        self.refresh()

    def _redraw_soon(self, fn, value) -> None:
        fn(value)
        self.refresher.hurry()

    def _on_event(self, event) -> None:  # on the trainer's event thread: only set a flag
        self._status_dirty = True

    def show_error(self, message: str) -> None:
        """Show `message` in the error panel (empty hides it)."""
        text = (f'<div class="nnstudio-error" role="alert">{html.escape(message)}</div>' if message else "")
        if self.error_panel.value != text:
            self.error_panel.value = text

    # ================================================================ refreshing
    def refresh(self) -> None:
        """Bring everything up to date now: status, progress, every panel and the table (no pacing)."""
        with self._draw_lock:
            self._check_data()
            self._sync_status(force=True)
            self._update_progress()
            for _, panel, image in self._panels():
                panel.update(self.trainer)
                _send(image, panel.render())
            self._update_table()

    def refresh_step(self, refresher: Refresher) -> None:
        """One tick of the refresher: status when it changed, progress, then panels.

        While training runs, at most one panel whose own budget allows it (in turn); otherwise every panel that
        changed (a frame then costs no training time), so that after Pause, Step or the last epoch the plots show
        the complete history at the next tick.
        """
        with self._draw_lock:
            self._check_data()
            if self._status_dirty:
                self._sync_status()
            now = time.monotonic()
            last_time, last_key = self._last_progress
            key = (self.trainer.steps, self.trainer.epoch, self.trainer.state)
            training = refresher.training()
            if key != last_key and (now - last_time >= PROGRESS_INTERVAL or not training) and refresher.take():
                self._update_progress()
                self._last_progress = (now, key)
            if training:
                self._paced_frame(refresher)
            else:
                for name, panel, image in self._panels():
                    if refresher.tokens < 1:
                        break
                    self._frame(refresher, name, panel, image)
            if self._table_dirty and refresher.take():
                self._update_table()

    def _paced_frame(self, refresher: Refresher) -> None:
        """While training: the panels whose own budget allows a frame, in turn; at most one a tick with matplotlib
        panels (each frame is long), every due one with browser-drawn ones (a tick then wakes the kernel's threads
        once for all of them: each wake-up takes the GIL from the training thread, which costs more than the
        frames themselves on a busy machine)."""
        panels = self._panels()
        drawn = 0
        for i in range(len(panels)):
            j = (self._rotation + i) % len(panels)
            name, panel, image = panels[j]
            if not getattr(image, "visible", True):  # scrolled out of view (the browser says): nobody sees it
                continue
            if refresher.frame_allowed(name) and self._frame(refresher, name, panel, image):
                self._rotation = (j + 1) % len(panels)
                drawn += 1
                if self.plots == "matplotlib":
                    return

    def _frame(self, refresher: Refresher, name: str, panel, image) -> bool:
        """Update `panel` from the trainer and, when it changed, render and send it; True when it drew.

        The cost counted is the CPU time of this thread (what it takes from the training thread through the GIL;
        wall time would also count waiting for the GIL and for a busy machine) plus the time of the model's
        forward on the grid, which runs on the training thread.
        """
        c0 = _platform.thread_time()
        panel.probe_seconds = 0.0
        if not (panel.update(self.trainer) or panel.dirty):
            spent = _platform.thread_time() - c0
            if spent > 0.001:
                refresher.frame_done(spent, name)
            return False
        rendered = panel.render()
        refresher.take()
        _send(image, rendered)
        if panel is self.shapes_panel:
            self._table_dirty = True
        refresher.frame_done(_platform.thread_time() - c0 + panel.probe_seconds, name)
        return True

    def _panels(self) -> list:
        """(budget key, panel, image) of each live panel."""
        return [("loss", self.loss_panel, self.loss_image), ("grads", self.grads_panel, self.grads_image),
                ("boundary", self.boundary_panel, self.boundary_image),
                ("shapes", self.shapes_panel, self.shapes_image)]

    def _check_data(self) -> None:
        if id(self.trainer.data) != self._data_id:
            self._data_id = id(self.trainer.data)
            self.boundary_panel = self._boundary_for(self.trainer.data)
            if isinstance(self.boundary_panel, LiveBoundaryPanel) != isinstance(self.boundary_image, LivePlot):
                old, self.boundary_image = self.boundary_image, self._boundary_widget(self.trainer.data)
                self._boundary_box.children = (self.boundary_image,)
                old.close()

    def _sync_status(self, force: bool = False) -> None:
        self._status_dirty = False
        t = self.trainer
        error = t.error.message if t.error is not None else ""
        key = (t.state, error)
        if key == self._seen_status and not force:
            return
        self._seen_status = key
        enabled = _BUTTON_STATES.get(t.state, set())
        for name, button in (("train", self.train_button), ("pause", self.pause_button),
                             ("step", self.step_button), ("reset", self.reset_button)):
            if button.disabled != (name not in enabled):
                button.disabled = name not in enabled
        if error != self._shown_trainer_error:  # a trainer error appears or clears; a refused setting stays
            self._shown_trainer_error = error
            self.show_error(error)

    def _update_progress(self) -> None:
        p = self.trainer.progress()
        total = max(1, p["epochs"])
        done = min(total, p["epoch"] + (p["batch"] / p["batches"] if p["epoch"] < total else 0))
        where = f"epoch {p['epoch']}/{p['epochs']} · step {p['step']:,}"
        stats = []
        if math.isfinite(p["loss"]):
            stats.append(f"loss {p['loss']:.4f}")
        if math.isfinite(p["val_accuracy"]):
            stats.append(f"val acc {100 * p['val_accuracy']:.1f}%")
        if p["state"] == "running":
            stats.append(f"{p['steps_per_second']:,.0f} steps/s")
        # two unbreakable parts: beside the canvas (about 330 px) the line breaks between them, never inside one,
        # so it takes at most two lines
        text = f'<span class="nnstudio-progress-part">{html.escape(where)}</span>'
        if stats:
            text += f' · <span class="nnstudio-progress-part">{html.escape(" · ".join(stats))}</span>'
        self.progress.value = (f'<div class="nnstudio-progress-row"><progress class="nnstudio-progress" '
                               f'max="{total}" value="{done:.3f}" aria-label="training progress"></progress> '
                               f'<span class="nnstudio-state nnstudio-state-{p["state"]}">{p["state"]}</span> '
                               f'<span class="nnstudio-progress-text">{text}</span></div>')

    def _update_table(self) -> None:
        self._table_dirty = False
        weight, grad = latest_norms(self.trainer.history)
        self.table.value = param_table_html(self.trainer.param_shapes, weight, grad, self.param_select.value)

    # ================================================================ life cycle
    def __repr__(self) -> str:
        """One line for a terminal (a notebook draws the widget instead of this)."""
        t = self.trainer
        return (f"Dashboard(model={type(t.model).__name__}, data={getattr(t.data, 'name', type(t.data).__name__)!r}, "
                f"state={t.state!r}, step={t.steps}, epoch={t.epoch})")

    def close(self) -> None:
        """Stop the refresher, unsubscribe and close the widgets (the trainer keeps its state).

        Safe on a dashboard whose constructor raised (ipywidgets' ``__del__`` calls it then)."""
        if not hasattr(self, "refresher"):  # __init__ refused its arguments before building anything to stop
            super().close()
            return
        self.refresher.stop()
        self._unsubscribe()
        for w in (self.controls.all + [self.train_button, self.pause_button, self.step_button, self.reset_button,
                                       self.progress, self.error_panel, self.log_scale, self.param_select,
                                       self.loss_image, self.grads_image, self.boundary_image, self.shapes_image,
                                       self.table]):
            w.close()
        super().close()
