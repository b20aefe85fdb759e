"""Speed tricks, apart from the method. Each gives the same numbers as the plain version it
replaces, values and gradients bit for bit (tests/test_fast.py checks it):

- permute_blocks, permute_rows: a gather whose gradient is the inverse gather. autograd's
  gradient of fancy indexing is a scatter-add (np.add.at), several times slower, although
  for a permutation every entry is hit exactly once.
- the disentangled operator with np.split instead of slices (a slice's gradient is an add.at).
- squared_norm: Σ r² whose gradient 2r is one pass over r (np.sum(r ** 2) takes four).
- supervised_loss: train.supervised_loss with the above; its objective carries its gradient.
- gather_candidates: every psi(g') z1 of the weak loss at once, gradient without add.at.
- value_and_grad_of: the gradient of a loss of a dict of arrays, taken over a list of them.

accelerate(op) swaps an operator's arithmetic for its fast version; recipes.build uses it.
"""
import autograd.numpy as anp
import numpy as np
from autograd import value_and_grad
from autograd.extend import defvjp, primitive

from . import operators, train


@primitive
def permute_blocks(Z, blocks, inverse_blocks):
    """Z (B, n·d) read as n blocks of d numbers, blocks int (B, n), each row a permutation ->
    out[b] = the blocks of Z[b] in the order blocks[b]; inverse_blocks[b] undoes blocks[b]."""
    B, n = blocks.shape
    rows = blocks + n * np.arange(B)[:, None]  # (B, n): block indices into the (B·n, d) view
    return np.take(np.reshape(Z, (B * n, -1)), rows, axis=0).reshape(Z.shape)


defvjp(permute_blocks, lambda ans, Z, blocks, inverse_blocks:
       lambda G: permute_blocks(G, inverse_blocks, blocks))


def permute_rows(Z, index, inverse_index):
    """Z (B, L), index int (B, L) with every row a permutation -> out[b] = Z[b, index[b]]."""
    return permute_blocks(Z, index, inverse_index)  # blocks of one number


@primitive
def squared_norm(r):
    """Σ r² over every entry of r."""
    return np.sum(np.square(r))


defvjp(squared_norm, lambda ans, r: lambda g: (g * 2) * r)


@primitive
def gather_candidates(Z, index, inverse):
    """Z (B, L), index int (K, L), every row a permutation -> (B, K, L), [b, k] = Z[b, index[k]].
    The gradient sums the K inverse gathers (inverse[k] undoes index[k])."""
    return Z[:, index]


defvjp(gather_candidates, lambda ans, Z, index, inverse:
       lambda G: anp.sum(G[:, np.arange(len(index))[:, None], inverse], axis=1))


def value_and_grad_of(objective):
    """autograd's value_and_grad of objective(params, *rest): (value, gradient as a dict like
    params). The arrays go to autograd as a list, whose bookkeeping costs less than a dict's;
    the numbers are the same bit for bit (tests/test_fast.py). train.fit uses it when an
    objective carries it as objective.value_and_grad."""
    def both(params, *rest):
        keys = list(params)
        value, grads = value_and_grad(lambda values: objective(dict(zip(keys, values)), *rest))(
            [params[k] for k in keys])
        return value, dict(zip(keys, grads))
    return both


def accelerate(op):
    """The same operator (name, group, latent_dim, values, gradients) with fast arithmetic,
    for shift, stacked_shift and disentangled; any other operator comes back unchanged."""
    G, L = op.group, op.latent_dim
    if op.name == "shift":
        source = G.table[G.inverse]  # source[g, h] = g⁻¹∘h
        apply = lambda Z, g: permute_blocks(Z, source[g], source[G.inverse[g]])  # noqa: E731
    elif op.name == "stacked_shift":
        source = operators.stacked_index(G, L)  # (|G|, L); the inverse of g's gather is g⁻¹'s
        apply = lambda Z, g: permute_rows(Z, source[g], source[G.inverse[g]])  # noqa: E731
    elif op.name == "disentangled":
        apply = _disentangled(op)
    else:
        return op
    return operators.Operator(op.name, G, L, apply)


def _disentangled(op):
    k = len(op.group.factors)
    cos, sin = operators.plane_rotations(op.group)  # (|G|, k) each, the operator's own table

    def apply(Z, g):
        planes, rest = anp.split(Z, [2 * k], axis=1)  # (B, 2k), (B, L - 2k)
        x, y = anp.split(anp.reshape(planes, (-1, k, 2)), 2, axis=2)  # (B, k, 1) each
        c, s = cos[g][:, :, None], sin[g][:, :, None]
        turned = anp.reshape(anp.concatenate([c * x - s * y, s * x + c * y], axis=2),
                             (Z.shape[0], 2 * k))
        return anp.concatenate([turned, rest], axis=1)

    return apply


def supervised_loss(model, op, reconstruction=1.0, consistency=0.0):
    """train.supervised_loss, the same numbers: one decoder pass on [z1; psi(g) z1], split
    (not sliced), squared_norm, and the fast operator."""
    check = train.supervised_loss(model, op, reconstruction, consistency).check  # checks arguments
    op = accelerate(op)

    def objective(params, batch, rng=None):
        x1, g, x2 = batch
        z1 = model.encode(params, x1)
        z2 = op.apply(z1, g)
        if reconstruction:
            decoded_x1, decoded_x2 = train.decode_pair(model, params, z1, z2)
        else:
            decoded_x2 = model.decode(params, z2)
        loss = squared_norm(decoded_x2 - x2)
        if reconstruction:
            loss = loss + reconstruction * squared_norm(decoded_x1 - x1)
        if consistency:
            loss = loss + consistency * squared_norm(model.encode(params, x2) - z2)
        return loss / x1.shape[0]

    objective.value_and_grad = value_and_grad_of(objective)
    objective.check = check
    return objective
