"""`Trainer`: train any `nn.Module` on a dataset on a background thread you can pause, step, stop and reset.

>>> trainer = Trainer(model, "spiral", optimizer="adam", lr=0.01, epochs=100)
>>> trainer.start()            # returns at once; training runs on a daemon thread
>>> trainer.pause(); trainer.step(5); trainer.resume(); trainer.stop()
>>> trainer.fit()              # or block with a progress bar, without any GUI
>>> trainer.history["val_accuracy"][-1]

Everything that changes the run (learning rate, optimizer, batch size, loss) is applied between two steps, on the
training thread, so it takes effect at the next step. The thread owns the model while it lives: `predict()` runs
its forward there too.
"""

from __future__ import annotations

import atexit
import math
import sys
import threading
import time
import traceback
import weakref
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import Future

import numpy as np

from .. import nn
from .._backend import to_numpy
from ..autograd import no_grad
from ..creation import from_numpy
from ..data import as_dataset
from .checks import all_finite, check_model_fits, nonfinite_names, norm
from .choices import default_loss, loss_name, make_loss, make_optimizer
from .errors import TrainingError
from .events import EventStream, TrainerEvent
from .history import History
from .progress import progress_line
from .runners import is_current, make_worker, resolve_runner, train_blocking
from .snapshot import StepSnapshot

STATES = ("idle", "running", "paused", "stopped")

_LIVE: weakref.WeakSet = weakref.WeakSet()  # trainers whose thread may run: stopped when the interpreter exits


@atexit.register
def stop_all(timeout: float = 2.0) -> None:
    """Stop every trainer's thread (the kernel shuts down or the interpreter exits): each ends after its step."""
    for trainer in list(_LIVE):
        try:
            trainer.stop(timeout)
        except Exception:  # noqa: BLE001 - exiting: end the others anyway
            pass


class Trainer:
    """Trains `model` on `data` with mini-batches, on a background thread or blocking (`fit`).

    Args:
        model: any `nn.Module` mapping a batch of inputs `(N, *input_shape)` to outputs `(N, num_outputs)`.
        data: a built-in dataset name ("spiral", "circles", "xor", "gauss", "moons", "digits", ...), a
            `SplitDataset`, `(X, y)` or `(X_train, y_train, X_val, y_val)` NumPy arrays.
        loss: a name ("cross_entropy", "mse", "l1", "huber", ...), a loss module or a function
            `(output, target) -> scalar`; None picks cross-entropy for classification and MSE for regression.
        optimizer: "adam", "adamw", "sgd", "rmsprop", "adagrad" or an optimizer instance over the model's
            parameters (then `lr` and the options are ignored).
        lr: learning rate. batch_size: samples per step. epochs: epochs per run of `start()` / `fit()`.
        seed: seeds the order of the batches (the same seed gives the same run after `reset()`).
        grad_every: record gradient and weight norms (and a gradient sample) every this many steps.
        data_options: options for a built-in dataset name, e.g. `{"arms": 3, "noise": 0.1}`.
        check: run one forward on two samples now and raise a `TrainingError` naming the layer at fault.
        runner: where `start()` trains: "thread" (a daemon thread), "asyncio" (a task on the kernel's event loop
            that trains in ~50 ms slices and yields between them; needed where threads are missing) or "auto"
            (asyncio in Pyodide/JupyterLite, thread elsewhere). Both behave the same; see `runners.py`.
        **optimizer_options: passed to the optimizer (momentum, betas, weight_decay, ...).

    Raises:
        TrainingError: (kind "shape") when the model does not fit the data.
    """

    def __init__(self, model: nn.Module, data="spiral", loss=None, optimizer="adam", lr: float = 0.01,
                 batch_size: int = 32, epochs: int = 100, seed: int = 0, grad_every: int = 10,
                 data_options: dict | None = None, check: bool = True, runner: str = "auto",
                 **optimizer_options):
        if not isinstance(model, nn.Module):
            raise TypeError(f"Trainer needs an nn.Module, got {type(model).__name__}")
        self._cv = threading.Condition()
        self._runner = resolve_runner(runner)  # "thread" or "asyncio" (see runners.py)
        self._thread = None  # the run's worker: a threading.Thread, or a runners.LoopWorker (same interface)
        self._tasks: list[tuple[Callable, Future]] = []
        self.events = EventStream()
        self.state = "idle"
        self.error: TrainingError | None = None
        self.finished = False
        self.seed = _seed(seed)
        self.grad_every = _positive_int("grad_every", grad_every)
        self.batch_size = _positive_int("batch_size", batch_size)
        self.epochs = _positive_int("epochs", epochs)
        self.data = as_dataset(data, **(data_options or {}))
        self._loss_spec = loss if loss is not None else default_loss(self.data.task)
        self.loss_fn = make_loss(self._loss_spec)
        self._optimizer_spec = (optimizer, _positive_number("lr", lr), dict(optimizer_options))
        self._install_model(model)
        if check:
            self.check()
        self._fresh_run()

    # ================================================================ public controls
    def start(self) -> None:
        """Train on a daemon thread until `epochs` more epochs are done (or `pause` / `stop`); returns at once.

        From "paused" it resumes. After the last epoch, `start()` runs `epochs` more.
        """
        with self._cv:
            if self.state == "running" and self._alive() and not self._stop_flag:
                return
            if self._alive():  # paused, or a stop() that timed out in a slow step: cancel the stop, go on
                self._stop_flag = False
                self.error = None
                self._set_state("running")
                self._cv.notify_all()
                return
            if self.epoch >= self._target:
                self._target = self.epoch + self.epochs
            self._launch("running")

    def resume(self) -> None:
        """Continue after `pause()` (same as `start()`)."""
        self.start()

    def pause(self, timeout: float = 10.0) -> None:
        """Stop stepping; returns once the step in flight (if any) is done. The thread waits for resume/step."""
        with self._cv:
            if self.state == "running":
                self._set_state("paused")
            self._wait_not_busy(timeout)

    def step(self, n: int = 1, wait: bool = True, timeout: float = 60.0) -> None:
        """Exactly `n` optimizer steps, then stay paused (pauses first if running).

        With `wait` it returns when the steps are done (or training stopped on an error).
        """
        n = _positive_int("n", n)
        with self._cv:
            if self.state == "running":
                self._set_state("paused")
                self._wait_not_busy(timeout)
            self.error = None
            self._credits += n
            if not self._alive():
                self._launch("paused")
            else:
                self._stop_flag = False  # a stop() that timed out in a slow step is cancelled
                if self.state != "paused":
                    self._set_state("paused")
                self._cv.notify_all()
            if wait and self._on_thread() and hasattr(self._thread, "run_here"):
                self._thread.run_here(lambda: self._credits > 0)  # asyncio runner, on its loop's thread: here
            elif wait and not self._on_thread():
                deadline = time.monotonic() + timeout
                while (self._credits > 0 or self._busy) and self._alive() and time.monotonic() < deadline:
                    self._cv.wait(0.05)

    def stop(self, timeout: float = 10.0) -> None:
        """End the training thread (joins it). Weights and history stay; `start()` continues from them."""
        with self._cv:
            thread = self._thread
            self._stop_flag = True
            self._cv.notify_all()
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)
        with self._cv:
            if self._thread is not thread or not self._stop_flag:
                return  # a start() / step() came in while we waited: it wins
            self._credits = 0
            if self.state != "idle" or thread is not None:
                self._set_state("stopped")

    def reset(self, timeout: float = 10.0) -> None:
        """Stop, restore the initial weights, a fresh optimizer and batch order from the seed; clear history.

        Raises:
            TrainingError: (kind "busy") when a step is still running after `stop()`'s wait; nothing changed.
        """
        self.stop(timeout)
        self._require_stopped("reset")
        self.model.load_state_dict(self._initial_weights)
        self._fresh_run()
        self.events.emit(TrainerEvent("reset", 0, 0))
        with self._cv:
            self._set_state("idle", force=True)

    def fit(self, epochs: int | None = None, progress: bool = True, file=None) -> History:
        """Train `epochs` more epochs (default `self.epochs`) and block, printing a progress bar.

        Ctrl-C pauses and returns. A nan/inf loss pauses and prints the reason (see `error`); any other error
        on the way is raised here. With the asyncio runner (always in the browser) it trains right in the calling
        cell, which blocks that kernel (not the page) until it is done; `start()` trains without blocking.
        """
        file = file if file is not None else sys.stderr
        with self._cv:
            if self.epoch >= self._target or epochs is not None:
                self._target = self.epoch + (self.epochs if epochs is None else _positive_int("epochs", epochs))
        try:
            train_blocking(self, (lambda: print("\r" + progress_line(self.progress()), end="", file=file,
                                                flush=True)) if progress else None)
        except KeyboardInterrupt:
            self.pause()
        if progress:
            print("\r" + progress_line(self.progress()), file=file, flush=True)
        if self.error is not None:
            if self.error.kind == "nonfinite":
                if progress:
                    print(self.error.message, file=file, flush=True)
            else:
                raise self.error
        return self.history

    def check(self) -> None:
        """Raise a `TrainingError` (kind "shape") naming the layer at fault if the model does not fit the data."""
        check_model_fits(self.model, self.data, self.loss_fn, self._to_tensor)

    def predict(self, X: np.ndarray, timeout: float = 30.0) -> np.ndarray:
        """The model's outputs `(N, num_outputs)` for inputs `X` `(N, *input_shape)`, in eval mode, as NumPy.

        Runs on the training thread between two steps when it lives (so it never races the weights).
        """
        return self._between_steps(lambda: self._forward_eval(np.asarray(X, dtype=np.float32)), timeout)

    # ================================================================ settings, applied between steps
    @property
    def lr(self) -> float:
        """The learning rate of the first parameter group."""
        return float(self.optimizer.param_groups[0]["lr"])

    def set_lr(self, lr: float) -> None:
        """Set the learning rate of every parameter group from the next step on."""
        lr = _positive_number("lr", lr)

        def apply():
            for group in self.optimizer.param_groups:
                group["lr"] = lr
            name, _, options = self._optimizer_spec
            self._optimizer_spec = (name, lr, options)

        self._between_steps(apply)

    def set_optimizer(self, optimizer="adam", lr: float | None = None, **options) -> None:
        """Switch to a new optimizer (fresh state) from the next step on: a name with options, or an instance."""
        lr = self.lr if lr is None else _positive_number("lr", lr)
        built = self._build_optimizer(optimizer, lr, options)

        def apply():
            self.optimizer = built
            self._optimizer_spec = (optimizer, lr, dict(options))

        self._between_steps(apply)

    def set_batch_size(self, batch_size: int) -> None:
        """Samples per step from the next step on."""
        batch_size = _positive_int("batch_size", batch_size)
        self._between_steps(lambda: setattr(self, "batch_size", batch_size))

    def set_epochs(self, epochs: int) -> None:
        """Epochs per run; a running run stops at epoch `epochs` (or now, if it is already past it)."""
        epochs = _positive_int("epochs", epochs)

        def apply():
            self.epochs = epochs
            self._target = epochs if epochs > self.epoch else self.epoch
        self._between_steps(apply)

    def set_loss(self, loss) -> None:
        """Switch the loss (a name, module or function) from the next step on; checked on a sample first."""
        fn = make_loss(loss if loss is not None else default_loss(self.data.task))
        check_model_fits(self.model, self.data, fn, self._to_tensor)

        def apply():
            self._loss_spec = loss if loss is not None else default_loss(self.data.task)
            self.loss_fn = fn
        self._between_steps(apply)

    def set_data(self, data, model: nn.Module | None = None, **options) -> None:
        """Stop, switch to another dataset (and `model`, if given), checked together first; then reset.

        A loss given by name follows the task: a regression dataset after a classification one gets MSE.
        """
        new, spec, fn = self._checked_data(data, model, **options)
        self.stop()
        self._require_stopped("set_data")
        self.data, self._loss_spec, self.loss_fn = new, spec, fn
        if model is not None:
            self._install_model(model)
        self.reset()

    def check_fits(self, data, model: nn.Module | None = None, **options) -> None:
        """Raise a `TrainingError` (kind "shape", naming the layer at fault) if `model` (default: the current one)
        does not fit `data` with the loss `set_data` would use; changes nothing."""
        self._checked_data(data, model, **options)

    def _checked_data(self, data, model, **options):
        new = as_dataset(data, **options)
        spec = self._loss_spec
        if isinstance(spec, str) and new.task != self.data.task:
            spec = default_loss(new.task)
        fn = make_loss(spec)
        target = self.model if model is None else model
        if not isinstance(target, nn.Module):
            raise TypeError(f"set_data: model must be an nn.Module, got {type(target).__name__}")
        check_model_fits(target, new, fn, self._to_tensor)
        return new, spec, fn

    def set_model(self, model: nn.Module) -> None:
        """Stop, train `model` instead (checked against the data first), with a fresh optimizer; reset."""
        if not isinstance(model, nn.Module):
            raise TypeError(f"set_model needs an nn.Module, got {type(model).__name__}")
        check_model_fits(model, self.data, self.loss_fn, self._to_tensor)  # before anything changes
        self.stop()
        self._require_stopped("set_model")
        self._install_model(model)
        self.reset()

    # ================================================================ what the UI reads
    @property
    def loss_name(self) -> str:
        return loss_name(self._loss_spec)

    @property
    def optimizer_name(self) -> str:
        spec = self._optimizer_spec[0]
        return spec.lower() if isinstance(spec, str) else type(spec).__name__

    @property
    def param_shapes(self) -> dict[str, tuple[int, ...]]:
        """Named parameter shapes, in `named_parameters()` order."""
        return {name: tuple(p.shape) for name, p in self._params}

    def latest_gradients(self) -> dict[str, np.ndarray]:
        """A sample (at most 4096 values) of each parameter's gradient at the last recorded step, as NumPy."""
        return dict(self._latest_grads)

    def progress(self) -> dict:
        """The run at a glance: state, step, epoch, target epochs, batch in epoch, steps/s, last loss."""
        per_epoch = max(1, math.ceil(self.data.n_train / self.batch_size))
        losses = self.history["loss"]
        return dict(state=self.state, step=self.steps, epoch=self.epoch, epochs=self._target,
                    batch=min(per_epoch, math.ceil(self._pos / self.batch_size)), batches=per_epoch,
                    steps_per_second=self._rate(), loss=losses[-1] if losses else float("nan"),
                    val_accuracy=(self.history["val_accuracy"][-1] if self.history["val_accuracy"]
                                  else float("nan")))

    def _rate(self) -> float:
        """Steps per second over the last half second; for a run shorter than that, over the run so far."""
        if self.steps_per_second > 0.0:
            return self.steps_per_second
        t0, s0 = self._rate_mark
        elapsed = time.perf_counter() - t0
        return (self.steps - s0) / elapsed if self.steps > s0 and elapsed > 0 else 0.0

    def subscribe(self, callback: Callable[[TrainerEvent], None], kinds=None) -> Callable[[], None]:
        """Call `callback(event)` on a dispatcher thread for each event (of `kinds`); returns `unsubscribe`.

        Event kinds: "state", "step", "epoch", "grad", "error", "reset", "done". The training thread never waits
        for a subscriber.
        """
        return self.events.subscribe(callback, kinds)

    def __repr__(self) -> str:
        return (f"Trainer({type(self.model).__name__} on {self.data.name!r}, loss={self.loss_name}, "
                f"optimizer={self.optimizer_name}, lr={self.lr:g}, batch_size={self.batch_size}, state={self.state}, "
                f"step={self.steps}, epoch={self.epoch})")

    # ================================================================ set-up
    def _install_model(self, model: nn.Module) -> None:
        self.model = model
        self._params = list(model.named_parameters())
        if not self._params:
            raise ValueError(f"the model {type(model).__name__} has no parameters to train")
        self.device = self._params[0][1].device
        self._initial_weights = {k: v.detach().clone() for k, v in model.state_dict().items()}
        name, lr, options = self._optimizer_spec
        self.optimizer = self._build_optimizer(name, lr, options)

    def _build_optimizer(self, optimizer, lr: float, options: dict):
        if isinstance(optimizer, str):
            return make_optimizer(optimizer, [p for _, p in self._params], lr, **dict(options))
        if hasattr(optimizer, "step") and hasattr(optimizer, "param_groups"):
            return optimizer
        raise TypeError(f"optimizer must be a name or an optimizer instance, got {type(optimizer).__name__}")

    def _fresh_run(self) -> None:
        """Counters, history, batch order and optimizer state as before the first step."""
        name, lr, options = self._optimizer_spec
        if isinstance(name, str):
            self.optimizer = self._build_optimizer(name, lr, options)
        else:
            self.optimizer.state = defaultdict(dict)
        self.history = History(self.param_shapes)
        self.steps = 0
        self.epoch = 0
        self._target = self.epochs
        self._rng = np.random.default_rng(self.seed)
        self._order: np.ndarray | None = None
        self._pos = 0
        self._epoch_sums = [0.0, 0, 0]  # loss * n, correct, n
        self._credits = 0
        self._busy = False
        self._stop_flag = False
        self._ending = False
        self._drained = False
        self.error = None
        self.finished = False
        self.steps_per_second = 0.0
        self._rate_mark = (time.perf_counter(), 0)
        self._latest_grads: dict[str, np.ndarray] = {}
        self._snapshot = StepSnapshot()

    def _to_tensor(self, array: np.ndarray):
        t = from_numpy(np.ascontiguousarray(array))
        return t if str(self.device) == "cpu" else t.to(self.device)

    # ================================================================ the thread
    def _alive(self) -> bool:
        """A training thread lives and will take more steps (it has not decided to end)."""
        return self._thread is not None and self._thread.is_alive() and not self._ending

    def _serving(self) -> bool:
        """A training thread lives and will still run queued settings (until it has drained them)."""
        return self._thread is not None and self._thread.is_alive() and not self._drained

    def _require_stopped(self, what: str) -> None:
        """Raise `TrainingError(kind="busy")` if a thread still runs (a stop() whose wait timed out)."""
        thread = self._thread
        if thread is not None and thread.is_alive() and thread is not threading.current_thread():
            raise TrainingError(f"{what}: the training thread is still finishing a slow step; nothing was "
                                f"changed, try again when it is done", kind="busy", step=self.steps)

    def _on_thread(self) -> bool:
        return is_current(self._thread)

    def _launch(self, state: str, timeout: float = 30.0) -> None:
        """Start the daemon thread in `state` (call with the lock held).

        A previous thread that is ending is waited for first (it may be running the last queued settings), so
        two threads never touch the model at once.
        """
        deadline = time.monotonic() + timeout
        while self._serving() and not self._on_thread():
            if time.monotonic() > deadline:
                raise TrainingError("the previous training thread did not end in time; try again",
                                    kind="busy", step=self.steps)
            self._cv.wait(0.05)
        self._stop_flag = False
        self._ending = False
        self._drained = False
        self.error = None
        self.finished = False
        self._set_state(state, force=True)
        self._rate_mark = (time.perf_counter(), self.steps)
        self._thread = make_worker(self._runner, self)
        _LIVE.add(self)
        self._thread.start()

    def _set_state(self, state: str, force: bool = False) -> None:
        if state != self.state or force:
            previous, self.state = self.state, state
            self.events.emit(TrainerEvent("state", self.steps, self.epoch, {"state": state, "previous": previous}))

    def _wait_not_busy(self, timeout: float) -> None:
        if self._on_thread():
            return
        deadline = time.monotonic() + timeout
        while self._busy and time.monotonic() < deadline:
            self._cv.wait(0.05)

    def _between_steps(self, fn: Callable, timeout: float = 30.0):
        """Run `fn` on the training thread between two steps (or here, when no thread runs); return its value."""
        with self._cv:
            if not self._serving() or self._on_thread():
                return fn()
            future: Future = Future()
            self._tasks.append((fn, future))
            self._cv.notify_all()
        return future.result(timeout)

    def _run(self) -> None:
        """The training thread: queued settings first, then steps while running (or paused with credits).

        Whatever ends it (stop(), the last epoch, any exception, even SystemExit or KeyboardInterrupt raised in
        a model's forward), it runs the settings still queued before it lets go, and never leaves the state at
        "running".
        """
        self.model.train()
        try:
            while self._next_work():
                pass
        except BaseException as exc:  # noqa: BLE001 - never lose an error on the thread, never leave "running"
            self._fail(exc)
        finally:
            self._drain_tasks()

    def _next_work(self, block: bool = True) -> bool | None:
        """Wait for and do one unit of work (queued settings, or one step); False when the thread must end.

        With `block=False` (the asyncio runner) it returns None at once when there is nothing to do.
        """
        with self._cv:
            while True:
                if self._tasks:
                    tasks, self._tasks, stepping = self._tasks, [], False
                    break
                tasks = []
                if self._stop_flag:
                    self._ending = True
                    return False
                if self.state == "running":
                    if self.epoch >= self._target:
                        self.finished = True
                        self._ending = True
                        self.events.emit(TrainerEvent("done", self.steps, self.epoch))
                        self._set_state("stopped")
                        return False
                    stepping = True
                    break
                if self.state == "paused" and self._credits > 0:
                    self._credits -= 1
                    stepping = True
                    break
                if not block:
                    return None
                self._cv.wait(0.5)
            self._busy = True
        try:
            self._run_tasks(tasks)
            if stepping:
                with np.errstate(over="ignore", invalid="ignore", divide="ignore"):  # the guard reports
                    self._one_step()
        finally:
            with self._cv:
                self._busy = False
                self._cv.notify_all()
        return True

    @staticmethod
    def _run_tasks(tasks) -> None:
        for fn, future in tasks:
            try:
                future.set_result(fn())
            except BaseException as exc:  # noqa: BLE001 - handed to the caller
                future.set_exception(exc)

    def _drain_tasks(self) -> None:
        """On the ending thread: run every setting still queued, then mark the thread as done with them."""
        while True:
            with self._cv:
                self._ending = True
                if not self._tasks:
                    self._drained = True
                    if self.state == "running":
                        self._set_state("stopped")
                    self._cv.notify_all()
                    return
                tasks, self._tasks = self._tasks, []
            self._run_tasks(tasks)

    def _fail(self, exc: BaseException) -> None:
        text = traceback.format_exc()
        message = f"training stopped at step {self.steps + 1} by {type(exc).__name__}: {exc}"
        self.error = TrainingError(message, kind="exception", step=self.steps + 1, traceback=text)
        self.error.__cause__ = exc
        with self._cv:
            self._ending = True
            self.events.emit(TrainerEvent("error", self.steps, self.epoch,
                                          {"error": self.error, "message": message}))
            self._credits = 0
            self._set_state("stopped")

    # ================================================================ one step
    def _one_step(self) -> None:
        data = self.data
        n_train = data.n_train
        if self._order is None or self._pos >= n_train:
            self._order = self._rng.permutation(n_train)
            self._pos = 0
            self._epoch_sums = [0.0, 0, 0]
        idx = self._order[self._pos:self._pos + self.batch_size]
        self._pos += len(idx)
        xb, yb = self._to_tensor(data.X_train[idx]), self._to_tensor(data.y_train[idx])
        if not self.model.training:
            self.model.train()
        self._snapshot.take(self._guarded_arrays(), self.optimizer)  # the last good step, to undo this one
        out = self.model(xb)
        loss = self.loss_fn(out, yb)
        value = float(loss.item())
        self.optimizer.zero_grad()
        loss.backward()
        step = self.steps + 1
        grads = [(name, p.grad._data) for name, p in self._params if p.grad is not None]
        if not math.isfinite(value) or not all_finite(g for _, g in grads):
            self._nonfinite(step, value, grads)
            return
        self.optimizer.step()
        if not all_finite(self._guarded_arrays().values()):
            self._nonfinite(step, value, grads, update=True)
            return
        self.steps = step
        self.history.add_step(value)
        sums = self._epoch_sums
        sums[0] += value * len(idx)
        sums[1] += self._correct(out._data, yb._data)
        sums[2] += len(idx)
        if step % self.grad_every == 0 or step == 1:
            self._record_norms(step, grads)
        now = time.perf_counter()
        t0, s0 = self._rate_mark
        if now - t0 > 0.5:
            self.steps_per_second = (step - s0) / (now - t0)
            self._rate_mark = (now, step)
        if self.events.wants("step"):
            self.events.emit(TrainerEvent("step", step, self.epoch, {"loss": value, "lr": self.lr}))
        if self._pos >= n_train:
            self._end_epoch()

    def _correct(self, out, y) -> int:
        if self.data.task != "classification" or out.ndim != 2:
            return 0
        return int((out.argmax(1) == y).sum())

    def _end_epoch(self) -> None:
        loss_sum, correct, n = self._epoch_sums
        classify = self.data.task == "classification"
        val_loss, val_acc = self._evaluate(self.data.X_val, self.data.y_val)
        self.epoch += 1
        values = dict(epoch=self.epoch, epoch_step=self.steps, train_loss=loss_sum / max(n, 1),
                      train_accuracy=correct / max(n, 1) if classify else float("nan"),
                      val_loss=val_loss, val_accuracy=val_acc)
        self.history.add_epoch(**values)
        self.events.emit(TrainerEvent("epoch", self.steps, self.epoch, values))

    def _evaluate(self, X: np.ndarray, y: np.ndarray, chunk: int = 1024) -> tuple[float, float]:
        """(mean loss, accuracy) over `X, y` in eval mode; nan when the split is empty."""
        if len(X) == 0:
            return float("nan"), float("nan")
        loss_sum, correct = 0.0, 0
        self.model.eval()
        try:
            with no_grad():
                for i in range(0, len(X), chunk):
                    xb, yb = self._to_tensor(X[i:i + chunk]), self._to_tensor(y[i:i + chunk])
                    out = self.model(xb)
                    loss_sum += float(self.loss_fn(out, yb).item()) * len(xb)
                    correct += self._correct(out._data, yb._data)
        finally:
            self.model.train()
        acc = correct / len(X) if self.data.task == "classification" else float("nan")
        return loss_sum / len(X), acc

    def _forward_eval(self, X: np.ndarray) -> np.ndarray:
        was = self.model.training
        self.model.eval()
        try:
            with no_grad():
                outs = [to_numpy(self.model(self._to_tensor(X[i:i + 4096]))._data) for i in range(0, len(X), 4096)]
        finally:
            self.model.train(was)
        return np.concatenate(outs) if outs else np.zeros((0, self.data.num_outputs), np.float32)

    def _record_norms(self, step: int, grads) -> None:
        grad_norm = {name: norm(g) for name, g in grads}
        weight_norm = {name: norm(p._data) for name, p in self._params}
        self.history.add_norms(step, grad_norm, weight_norm)
        self._latest_grads = {name: _sample(g) for name, g in grads}
        if self.events.wants("grad"):
            self.events.emit(TrainerEvent("grad", step, self.epoch,
                                          {"grad_norm": grad_norm, "weight_norm": weight_norm}))

    def _guarded_arrays(self) -> dict:
        """What the NaN guard keeps finite and restores: every parameter and buffer, by name."""
        arrays = {name: p._data for name, p in self._params}
        for name, b in self.model.named_buffers():
            if b is not None:
                arrays[f"buffer {name}"] = b._data
        return arrays

    def _nonfinite(self, step: int, value: float, grads, update: bool = False) -> None:
        """Undo step `step` exactly (weights, buffers, optimizer state as after the last good step) and pause.

        Called only when something is non-finite: the loss or a gradient (then the update was never applied),
        or, with `update`, the weights or buffers after the optimizer's update.
        """
        guarded = self._guarded_arrays()
        self._snapshot.restore(guarded, self.optimizer)
        if update:
            broken = nonfinite_names(guarded.items())
            parts = [f"step {step}: the loss ({value:.4g}) and gradients are finite but the update made "
                     f"{_listed(broken)} non-finite"]
            bad = broken
        else:
            bad = nonfinite_names(reversed(grads))
            parts = [f"step {step}: the loss is {value}" if not math.isfinite(value)
                     else f"step {step}: the loss is finite ({value:.4g}) but gradients are not"]
            if bad:
                parts.append(f"the first parameter whose gradient went non-finite (counting from the output) is "
                             f"{bad[0]!r}" + (f" (also: {', '.join(bad[1:4])}{'...' if len(bad) > 4 else ''})"
                                              if len(bad) > 1 else ""))
        parts.append(f"the step was undone: weights, buffers and optimizer state are exactly those after step "
                     f"{self.steps}")
        parts.append(f"training paused: try a lower learning rate (now {self.lr:g})")
        message = "; ".join(parts) + "."
        self.optimizer.zero_grad()
        self.error = TrainingError(message, kind="nonfinite", step=step, parameter=bad[0] if bad else None)
        with self._cv:
            self._credits = 0
            self.events.emit(TrainerEvent("error", self.steps, self.epoch, {"error": self.error, "message": message}))
            self._set_state("paused")


def _listed(names: list[str]) -> str:
    if not names:
        return "a value"
    more = f" (also: {', '.join(repr(n) for n in names[1:4])}{'...' if len(names) > 4 else ''})" if len(names) > 1 \
        else ""
    return f"{names[0]!r}{more}"


def _sample(g, size: int = 4096) -> np.ndarray:
    flat = g.reshape(-1)
    if flat.size > size:
        flat = flat[:: -(-flat.size // size)]
    return np.asarray(to_numpy(flat), dtype=np.float32).copy()


#: the largest batch size, epoch count, grad_every or step count a setting accepts (NumPy's int32 index range)
MAX_COUNT = 2**31 - 1


def _positive_int(name: str, value, limit: int = MAX_COUNT) -> int:
    """`value` as an int in [1, limit]; TypeError for a non-integer (bool and str included), ValueError outside."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an integer >= 1, got {type(value).__name__} {_short(value)}")
    if not 1 <= value <= limit:
        raise ValueError(f"{name} must be an integer >= 1 and <= {limit:,}, got {_short(value)}")
    return int(value)


def _positive_number(name: str, value) -> float:
    """`value` as a finite float > 0; TypeError for a non-number (bool and str included), ValueError otherwise."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a number, got {type(value).__name__} {_short(value)}")
    value = float(value)
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a finite number > 0, got {value}")
    return value


def _seed(value) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"seed must be an integer, got {type(value).__name__} {_short(value)}")
    if not 0 <= value < 2**63:
        raise ValueError(f"seed must be an integer from 0 to 2**63 - 1, got {_short(value)}")
    return int(value)


def _short(value, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text):,} characters)"
