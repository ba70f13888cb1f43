"""torch.functional's short-time Fourier transforms: `stft` and its inverse `istft` (also `Tensor.stft` /
`Tensor.istft`), with torch's arguments, defaults, warnings and errors.

stft: (B?, L) -> (B?, n_freq, n_frames) complex, n_freq = n_fft // 2 + 1 (onesided) or n_fft, n_frames =
1 + (L' - n_fft) // hop_length where L' = L + 2 (n_fft // 2) with `center`. Each frame is windowed (the window,
win_length long, centred in n_fft) and transformed (norm "ortho" when `normalized`). istft overlap-adds the
inverse transforms of the frames and divides by the overlap-added squared window. Both are compositions of
differentiable ops (pad, unfold, the transforms of nnstudio.fft, fold), so gradients are torch's.
"""

from __future__ import annotations

import warnings

__all__ = ["stft", "istft"]


def _window(window, n_fft: int, win_length: int, like, name: str):
    """The window of length win_length centred in n_fft zeros (ones when None), as torch pads it."""
    import nnstudio

    if window is not None and (window.ndim != 1 or window.shape[0] != win_length):
        raise RuntimeError(f"{name}: expected a 1D window tensor of size equal to win_length={win_length}, but got "
                           f"window with size {list(window.shape)}")
    if window is None:
        window = nnstudio.ones(win_length, dtype=like.real.dtype)
    if win_length < n_fft:
        left = (n_fft - win_length) // 2
        window = nnstudio.nn.functional.pad(window, [left, n_fft - win_length - left])
    return window


def _lengths(n_fft: int, hop_length, win_length, name: str) -> tuple:
    hop_length = n_fft // 4 if hop_length is None else int(hop_length)
    win_length = n_fft if win_length is None else int(win_length)
    if hop_length <= 0:
        raise RuntimeError(f"{name}: expected hop_length > 0, but got hop_length={hop_length}")
    if win_length <= 0 or win_length > n_fft:
        raise RuntimeError(f"{name}: expected 0 < win_length <= n_fft, but got win_length={win_length}")
    return hop_length, win_length


def stft(input, n_fft: int, hop_length: int | None = None, win_length: int | None = None, window=None,
         center: bool = True, pad_mode: str = "reflect", normalized: bool = False, onesided: bool | None = None,
         return_complex: bool | None = None, align_to_window: bool | None = None):
    """The short-time Fourier transform of a (L) or (B, L) signal: (B?, n_freq, n_frames), complex (or its
    view_as_real with return_complex=False, deprecated as in torch)."""
    import nnstudio
    from nnstudio import fft

    complex_in = input.is_complex() or (window is not None and window.is_complex())
    if return_complex is None:
        if not complex_in:
            raise RuntimeError("stft requires the return_complex parameter be given for real inputs, and will "
                               "further require that return_complex=True in a future PyTorch release.")
        return_complex = True
    if not return_complex:
        warnings.warn("stft with return_complex=False is deprecated. In a future pytorch release, stft will "
                      "return complex tensors for all inputs, and return_complex=False will raise an error.\n"
                      "Note: you can still call torch.view_as_real on the complex output to recover the old "
                      "return format.", UserWarning, stacklevel=2)
    if align_to_window is not None and center:
        raise RuntimeError("stft align_to_window should only be set when center = false")
    if align_to_window:
        raise NotImplementedError("stft: align_to_window=True is not supported by nnstudio yet")
    if window is None:
        warnings.warn("A window was not provided. A rectangular window will be applied,which is known to cause "
                      "spectral leakage. Other windows such as torch.hann_window or torch.hamming_window are "
                      "recommended to reduce spectral leakage.To suppress this warning and continue the "
                      "computation with a rectangular window, set window=torch.ones(win_length, "
                      "device=<device>)", UserWarning, stacklevel=2)
    if input.ndim not in (1, 2):
        raise RuntimeError(f"stft: expected a 1D or 2D tensor, but got {input.ndim}D tensor")
    x = input if input._data.dtype.kind in "fc" else input._cast(nnstudio.get_default_dtype().np)
    if center:
        pad = n_fft // 2
        shape = (1,) * (3 - x.ndim) + tuple(x.shape)
        x = nnstudio.nn.functional.pad(x.reshape(shape), [pad, pad], pad_mode).reshape(x.shape[:-1] + (-1,))
    length = x.shape[-1]
    if n_fft <= 0 or n_fft > length:
        raise RuntimeError(f"stft: expected 0 < n_fft <= {length}, but got n_fft={n_fft}")
    hop_length, win_length = _lengths(n_fft, hop_length, win_length, "stft")
    frames = x.unfold(-1, n_fft, hop_length) * _window(window, n_fft, win_length, x, "stft")
    norm = "ortho" if normalized else "backward"
    onesided = not complex_in if onesided is None else onesided
    if complex_in and onesided:
        raise RuntimeError("Cannot have onesided output if window or input is complex")
    out = (fft.rfft if onesided else fft.fft)(frames, dim=-1, norm=norm).transpose(-1, -2)
    return out if return_complex else nnstudio.view_as_real(out)


def istft(input, n_fft: int, hop_length: int | None = None, win_length: int | None = None, window=None,
          center: bool = True, normalized: bool = False, onesided: bool | None = None, length: int | None = None,
          return_complex: bool = False):
    """The inverse of stft: a (B?, n_freq, n_frames) complex spectrogram back to the (B?, length) signal."""
    import nnstudio
    from nnstudio import fft
    from nnstudio.nn.functional import fold

    if not input.is_complex():
        raise RuntimeError("istft requires a complex-valued input tensor matching the output from stft with "
                           "return_complex=True.")
    if input.ndim not in (2, 3):
        raise RuntimeError(f"istft: expected a tensor with 2 or 3 dimensions of complex, but got {input.ndim}")
    hop_length, win_length = _lengths(n_fft, hop_length, win_length, "istft")
    if window is None:
        warnings.warn("A window was not provided. A rectangular window will be applied.Please provide the same "
                      "window used by stft to make the inversion lossless.To suppress this warning and use a "
                      "rectangular window, explicitly set `window=torch.ones(n_fft, device=<device>)`.",
                      UserWarning, stacklevel=2)
    spec = input if input.ndim == 3 else input.unsqueeze(0)
    n_freq, n_frames = spec.shape[-2], spec.shape[-1]
    onesided = n_freq != n_fft if onesided is None else onesided
    expected = n_fft // 2 + 1 if onesided else n_fft
    if n_freq != expected:
        raise RuntimeError(f"istft: expected the frequency dimension (3rd to the last) of the input tensor to "
                           f"match n_fft / 2 + 1 when onesided=True, but got {n_freq}" if onesided else
                           f"istft: expected the frequency dimension (3rd to the last) of the input tensor to "
                           f"match n_fft when onesided=False, but got {n_freq}")
    w = _window(window, n_fft, win_length, input, "istft")
    norm = "ortho" if normalized else "backward"
    frames = spec.transpose(-1, -2)  # (B, n_frames, n_freq)
    if return_complex:
        if onesided:
            raise RuntimeError("Cannot have onesided output if window or input is complex")
        frames = fft.ifft(frames, n=n_fft, dim=-1, norm=norm)
    else:
        if w.is_complex():
            raise RuntimeError("Complex windows are incompatible with return_complex=False")
        if not onesided:
            frames = frames[..., :n_fft // 2 + 1]
        frames = fft.irfft(frames, n=n_fft, dim=-1, norm=norm)
    frames = frames * w  # (B, n_frames, n_fft)
    total = n_fft + hop_length * (n_frames - 1)
    y = fold(frames.transpose(-1, -2), output_size=(1, total), kernel_size=(1, n_fft), stride=(1, hop_length))
    envelope = fold((w * w.conj()).real.reshape(1, n_fft, 1).expand(1, n_fft, n_frames), output_size=(1, total),
                    kernel_size=(1, n_fft), stride=(1, hop_length))
    start = n_fft // 2 if center else 0
    end = start + length if length is not None else (total - n_fft // 2 if center else total)
    y = y.reshape(y.shape[0], total)[:, start:end]
    envelope = envelope.reshape(total)[start:end]
    if envelope.numel() and float(envelope.abs().min()) < 1e-11:
        raise RuntimeError("istft: window overlap add min: 1 (the sum of the squared windows is 0 somewhere: "
                           "choose a window and hop_length whose overlap covers every sample, the NOLA "
                           "condition)")
    y = y / envelope
    if end > total:
        y = nnstudio.nn.functional.pad(y, [0, end - total])
    return y if input.ndim == 3 else y.squeeze(0)
