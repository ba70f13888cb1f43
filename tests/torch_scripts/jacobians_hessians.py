"""The torch.func tutorial 'Jacobians, Hessians, hvp, vhp, and more: composing function transforms' (without
its torch.func.jvp lines) and the same quantities from torch.autograd.functional: the Jacobian of
predict(weight, bias, x) = tanh(linear(x, weight, bias)) row by row with autograd.grad and with jacrev /
jacfwd (argnums=2 and argnums=(0, 1)), the Hessian (hessian, jacfwd(jacfwd), jacrev(jacrev)), batch Jacobians
and Hessians (vmap over jacrev / hessian, jacrev of the summed output with movedim), the Hessian-vector product
by reverse-over-reverse (vjp of grad), then autograd.functional's jacobian, hessian, vjp, jvp, vhp and hvp."""
# ruff: noqa: E402, I001 (the tutorial's code as it is: imports where it introduces them)
import torch
import torch.nn.functional as F
from functools import partial

_ = torch.manual_seed(0)


def predict(weight, bias, x):
    return F.linear(x, weight, bias).tanh()


D = 16
weight = torch.randn(D, D)
bias = torch.randn(D)
x = torch.randn(D)  # feature vector

primal = x.clone().requires_grad_()
cotangents = torch.eye(D)


def compute_jac(xp):
    jacobian_rows = [torch.autograd.grad(predict(weight, bias, xp), xp, vec)[0]
                     for vec in unit_vectors]
    return torch.stack(jacobian_rows)


xp = x.clone().requires_grad_()
unit_vectors = torch.eye(D)

jacobian = compute_jac(xp)

print(jacobian.shape)
print(jacobian[0])  # show first row

from torch.func import jacrev

jacobian = jacrev(predict, argnums=2)(weight, bias, x)

# Confirm by running the following:
assert torch.allclose(jacobian, compute_jac(xp))
print(torch.allclose(jacobian, compute_jac(xp)))

# note the change in input via ``argnums`` parameters of 0,1 to map to weight and bias
ft_jac_weight, ft_jac_bias = jacrev(predict, argnums=(0, 1))(weight, bias, x)
print(ft_jac_weight.shape, ft_jac_bias.shape)
print(ft_jac_bias[:2])
print(torch.allclose(ft_jac_bias, torch.diag(1 - predict(weight, bias, x) ** 2), atol=1e-6))

# ------------------------------------------------------------------ reverse-mode vs forward-mode
from torch.func import jacrev, jacfwd

Din = 32
Dout = 2048
weight = torch.randn(Dout, Din)

bias = torch.randn(Dout)
x = torch.randn(Din)

# remember the general rule about taller vs wider... here we have a taller matrix:
print(weight.shape)

ft_jacfwd = jacfwd(predict, argnums=2)
ft_jacrev = jacrev(predict, argnums=2)
print(torch.allclose(ft_jacfwd(weight, bias, x), ft_jacrev(weight, bias, x), atol=1e-6))

# ------------------------------------------------------------------ Hessian computation with functorch.hessian
from torch.func import hessian

# lets reduce the size in order not to overwhelm Colab. Hessians require
# significant memory resources, especially for large models
Din = 512
Dout = 32
weight = torch.randn(Dout, Din)
bias = torch.randn(Dout)
x = torch.randn(Din)

Din, Dout = 16, 8  # (smaller still here: nnstudio's jacfwd is one forward per input element)
weight, bias, x = weight[:Dout, :Din], bias[:Dout], x[:Din]

hess_api = hessian(predict, argnums=2)(weight, bias, x)
hess_fwdfwd = jacfwd(jacfwd(predict, argnums=2), argnums=2)(weight, bias, x)
hess_revrev = jacrev(jacrev(predict, argnums=2), argnums=2)(weight, bias, x)
print(hess_api.shape)
print(torch.allclose(hess_api, hess_fwdfwd, atol=1e-6), torch.allclose(hess_api, hess_revrev, atol=1e-6))
print(hess_api[0, :3, :3])

# ------------------------------------------------------------------ batch Jacobian and batch Hessian
batch_size = 64
Din = 31
Dout = 33

weight = torch.randn(Dout, Din)
print(f"weight shape = {weight.shape}")

bias = torch.randn(Dout)

x = torch.randn(batch_size, Din)

compute_batch_jacobian = torch.vmap(jacrev(predict, argnums=2), in_dims=(None, None, 0))
batch_jacobian0 = compute_batch_jacobian(weight, bias, x)
print(batch_jacobian0.shape)


def predict_with_output_summed(weight, bias, x):
    return predict(weight, bias, x).sum(0)


batch_jacobian1 = jacrev(predict_with_output_summed, argnums=2)(weight, bias, x).movedim(1, 0)
# (atol: nnstudio's vmap runs one sample at a time, a matrix-vector product where the summed version has a
# matrix product, and 1 - tanh^2 near saturation magnifies their float32 rounding to ~2e-6)
assert torch.allclose(batch_jacobian0, batch_jacobian1, atol=1e-5)
print(torch.allclose(batch_jacobian0, batch_jacobian1, atol=1e-5))

batch_size, Din, Dout = 4, 6, 5  # (smaller for the batch Hessian)
weight, bias, x = weight[:Dout, :Din], bias[:Dout], x[:batch_size, :Din]
compute_batch_hessian = torch.vmap(hessian(predict, argnums=2), in_dims=(None, None, 0))

batch_hess = compute_batch_hessian(weight, bias, x)
print(batch_hess.shape)
print(batch_hess[1, 2])

# ------------------------------------------------------------------ computing Hessian-vector products
from torch.func import grad, vjp


def f(x):
    return x.sin().sum()


x = torch.randn(2048)
tangent = torch.randn(2048)


def hvp_revrev(f, primals, tangents):
    _, vjp_fn = vjp(grad(f), *primals)
    return vjp_fn(*tangents)


result_hvp_revrev = hvp_revrev(f, (x,), (tangent,))
assert torch.allclose(-x.sin() * tangent, result_hvp_revrev[0])
print(torch.allclose(-x.sin() * tangent, result_hvp_revrev[0]), result_hvp_revrev[0][:5])

# ------------------------------------------------------------------ the same with torch.autograd.functional
from torch.autograd.functional import hessian as ag_hessian, hvp, jacobian as ag_jacobian, jvp, vhp, vjp as ag_vjp

weight, bias, x = torch.randn(5, 4), torch.randn(5), torch.randn(4)
J = ag_jacobian(partial(predict, weight, bias), x)
print(J.shape, torch.allclose(J, jacrev(predict, argnums=2)(weight, bias, x)))
Jw, Jb = ag_jacobian(lambda w, b: predict(w, b, x), (weight, bias))
print(Jw.shape, Jb.shape, torch.allclose(Jb, torch.diag(1 - predict(weight, bias, x) ** 2), atol=1e-6))


def pow_reducer(x):
    return x.pow(3).sum()


inputs = torch.rand(2, 2)
H = ag_hessian(pow_reducer, inputs)
print(H.shape)
print(H.reshape(4, 4))
v = torch.ones(2, 2)
out, vhp_res = vhp(pow_reducer, inputs, v)
out2, hvp_res = hvp(pow_reducer, inputs, v)
print(out, vhp_res)
print(torch.allclose(vhp_res, hvp_res), torch.allclose(vhp_res, 6 * inputs))


def exp_reducer(x):
    return x.exp().sum(dim=1)


inputs = torch.rand(4, 4)
v = torch.ones(4)
out, vjp_res = ag_vjp(exp_reducer, inputs, v)
print(out, vjp_res)


def exp_adder(x, y):
    return 2 * x.exp() + 3 * y


inputs = (torch.rand(2), torch.rand(2))
v = (torch.ones(2), torch.ones(2))
out, jvp_res = jvp(exp_adder, inputs, v)
print(out, jvp_res)
print(ag_jacobian(exp_adder, inputs))
print(ag_hessian(lambda x, y: (x * y.exp()).sum(), inputs))
