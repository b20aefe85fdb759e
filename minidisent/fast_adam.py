"""The lean Adam: train.adam_step's update in the fewest passes over the arrays.

train.adam_step is the reference, autograd.misc.optimizers.adam's arithmetic bit for bit; it
makes about fourteen passes over each parameter and allocates nine temporaries of its size
every step. lean_adam() gives the same update (Kingma & Ba 2015) in ten passes, in place, into
one scratch array per parameter allocated once:

    M <- b1 M + g                  (M = m / (1 - b1): the first moment without its (1 - b1))
    V <- b2 V + g²                 (V = v / (1 - b2))
    x <- x − M / (sqrt(V) / a + e / a)

with the bias corrections c1 = 1 − b1^(i+1), c2 = 1 − b2^(i+1) folded into two scalars,
s = sqrt((1 − b2) / c2), a = step_size (1 − b1) / (c1 s), e = eps / s. Mathematically this is
x − step_size (m / c1) / (sqrt(v / c2) + eps), the reference's update; the arithmetic order
differs, so the numbers are NOT bit-identical to autograd's adam: each step's update differs
from the reference's by a few units in the last place (relative ~1e-15 per element), and a
whole fit's trajectory drifts apart by the amplification of those roundings (tests/
test_fast_adam.py bounds both). Use train.adam_step where bit-identity matters.
"""
import numpy as np


def lean_adam():
    """An update update(params, grad, moments, i, step_size, b1, b2, eps) with the signature
    and the effect of train.adam_step (in place on the dicts `params` and `moments`, key ->
    (M, V), zeros before step i = 0), holding its own scratch arrays: one per key, allocated at
    its first step (again if the key's shape or dtype changes). The moments are kept in the
    scale above (M = m / (1 − b1), V = v / (1 − b2)): pass the same dict every step of a run."""
    scratch = {}

    def update(params, grad, moments, i, step_size, b1=0.9, b2=0.999, eps=1e-8):
        c1, c2 = 1 - b1 ** (i + 1), 1 - b2 ** (i + 1)  # bias corrections, as scalars
        s = ((1 - b2) / c2) ** 0.5
        a = float(step_size * (1 - b1) / (c1 * s))  # Python floats keep float32 arrays float32
        inverse_a, e = 1 / a, float(eps / (s * a))
        for k, g in grad.items():
            x, (M, V) = params[k], moments[k]
            t = scratch.get(k)
            if t is None or t.shape != x.shape or t.dtype != x.dtype:
                t = scratch[k] = np.empty_like(x)
            M *= b1
            M += g                        # 2 passes: the first moment
            np.multiply(g, g, out=t)
            V *= b2
            V += t                        # 3 passes: the second moment
            np.sqrt(V, out=t)
            t *= inverse_a
            t += e
            np.divide(M, t, out=t)
            x -= t                        # 5 passes: the step
    return update
