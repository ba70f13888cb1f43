# ruff: noqa: E402, I001 (the tutorial's code as it is: imports where it introduces them)
"""The 'Forward-mode Automatic Differentiation' tutorial: dual tensors in a dual_level (make_dual, unpack_dual's
primal / tangent namedtuple, plain tensors counting as zero tangents, the tangent gone after the level exits),
with modules (parameters replaced by dual tensors through delattr / setattr, and through
torch.func.functional_call), a custom autograd Function with a jvp staticmethod, checked with
autograd.gradcheck(check_forward_ad=True, check_backward_ad=False, ...); the tangents are compared with the
reverse-mode jvp of torch.autograd.functional and printed. (The tutorial's last part, torch.func.jvp, is left
out here.)"""
import torch
import torch.autograd.forward_ad as fwAD

primal = torch.randn(10, 10)
tangent = torch.randn(10, 10)


def fn(x, y):
    return x ** 2 + y ** 2


# All forward AD computation must be performed in the context of
# a ``dual_level`` context. All dual tensors created in such a context
# will have their tangents destroyed upon exit. This is to ensure that
# if the output or intermediate results of this computation are reused
# in a future forward AD computation, their tangents (which are associated
# with this computation) won't be confused with tangents from the later
# computation.
with fwAD.dual_level():
    # To create a dual tensor we associate a tensor, which we call the
    # primal with another tensor of the same size, which we call the tangent.
    # If the layout of the tangent is different from that of the primal,
    # The values of the tangent are copied into a new tensor with the same
    # metadata as the primal. Otherwise, the tangent itself is used as-is.
    #
    # It is also important to note that the dual tensor created by
    # ``make_dual`` is a view of the primal.
    dual_input = fwAD.make_dual(primal, tangent)
    assert fwAD.unpack_dual(dual_input).tangent is tangent

    # To demonstrate the case where the copy of the tangent happens,
    # we pass in a tangent with a layout different from that of the primal
    dual_input_alt = fwAD.make_dual(primal, tangent.T)
    assert fwAD.unpack_dual(dual_input_alt).tangent is not tangent

    # Tensors that do not have an associated tangent are automatically
    # considered to have a zero-filled tangent of the same shape.
    plain_tensor = torch.randn(10, 10)
    dual_output = fn(dual_input, plain_tensor)

    # Unpacking the dual returns a ``namedtuple`` with ``primal`` and ``tangent``
    # as attributes
    jvp = fwAD.unpack_dual(dual_output).tangent
    print(type(fwAD.unpack_dual(dual_output)).__name__, fwAD.unpack_dual(dual_output)._fields)
    print(jvp[:2])
    print(torch.allclose(jvp, 2 * primal * tangent))

assert fwAD.unpack_dual(dual_output).tangent is None
print(fwAD.unpack_dual(dual_output).tangent)

# ------------------------------------------------------------------ usage with Modules
import torch.nn as nn

model = nn.Linear(5, 5)
input = torch.randn(16, 5)

params = {name: p for name, p in model.named_parameters()}
tangents = {name: torch.rand_like(p) for name, p in params.items()}

with fwAD.dual_level():
    for name, p in params.items():
        delattr(model, name)
        setattr(model, name, fwAD.make_dual(p, tangents[name]))

    out = model(input)
    jvp = fwAD.unpack_dual(out).tangent
print(jvp[:3].detach())  # (torch's tangent here carries a graph through its mm formula)

# ------------------------------------------------------------------ using the functional Module API
from torch.func import functional_call

# We need a fresh module because the functional call requires the
# the model to have parameters registered.
model = nn.Linear(5, 5)

dual_params = {}
with fwAD.dual_level():
    for name, p in params.items():
        # Using the same ``tangents`` from the above section
        dual_params[name] = fwAD.make_dual(p, tangents[name])
    out = functional_call(model, dual_params, input)
    jvp2 = fwAD.unpack_dual(out).tangent

# Check our results
assert torch.allclose(jvp, jvp2)
print(torch.allclose(jvp, jvp2))

# the same Jacobian-vector product by reverse mode (the double-backward trick)
_, rev = torch.autograd.functional.jvp(lambda w, b: torch.nn.functional.linear(input, w, b),
                                       (params["weight"].detach(), params["bias"].detach()),
                                       (tangents["weight"], tangents["bias"]))
print(torch.allclose(jvp, rev, atol=1e-6))


# ------------------------------------------------------------------ custom autograd Function
class Fn(torch.autograd.Function):
    @staticmethod
    def forward(ctx, foo):
        result = torch.exp(foo)
        # Tensors stored in ``ctx`` can be used in the subsequent forward grad
        # computation.
        ctx.result = result
        return result

    @staticmethod
    def jvp(ctx, gI):
        gO = gI * ctx.result
        # If the tensor stored in`` ctx`` will not also be used in the backward pass,
        # one can manually free it using ``del``
        del ctx.result
        return gO


fn = Fn.apply

primal = torch.randn(10, 10, dtype=torch.double, requires_grad=True)
tangent = torch.randn(10, 10)

with fwAD.dual_level():
    dual_input = fwAD.make_dual(primal, tangent)
    dual_output = fn(dual_input)
    jvp = fwAD.unpack_dual(dual_output).tangent
print(torch.allclose(jvp, tangent * primal.exp()), jvp[0, :4].detach())

# It is important to use ``autograd.gradcheck`` to verify that your
# custom autograd Function computes the gradients correctly. By default,
# ``gradcheck`` only checks the backward-mode (reverse-mode) AD gradients. Specify
# ``check_forward_ad=True`` to also check forward grads. If you did not
# implement the backward formula for your function, you can also tell ``gradcheck``
# to skip the tests that require backward-mode AD by specifying
# ``check_backward_ad=False``, ``check_undefined_grad=False``, and
# ``check_batched_grad=False``.
print(torch.autograd.gradcheck(Fn.apply, (primal[:3, :3].detach().requires_grad_(),), check_forward_ad=True,
                               check_backward_ad=False, check_undefined_grad=False, check_batched_grad=False))

# ------------------------------------------------------------------ a deeper network, tangent of the input
net = nn.Sequential(nn.Linear(5, 16), nn.Tanh(), nn.Linear(16, 16), nn.GELU(), nn.LayerNorm(16), nn.Linear(16, 3))
x = torch.randn(4, 5)
v = torch.randn(4, 5)
with fwAD.dual_level():
    y, y_t = fwAD.unpack_dual(net(fwAD.make_dual(x, v)))
print(y.shape, y_t.shape, y.requires_grad)
print(y_t.detach())
_, reverse = torch.autograd.functional.jvp(net, x, v)
print(torch.allclose(y_t, reverse, atol=1e-5))
