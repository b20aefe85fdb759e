"""The lean Adam: train.adam_step's update in the fewest passes over the arrays.

train.adam_step is the reference, autograd.misc.optimizers.adam's arithmetic bit for bit; it
makes about fourteen passes over each parameter and allocates nine temporaries of its size
every step. lean_adam() gives the same update (Kingma & Ba 2015) in ten passes, in place, into
one small scratch array per parameter allocated once, chunk by chunk (see CHUNK):

    M <- b1 M + g                  (M = m / (1 - b1): the first moment without its (1 - b1))
    V <- b2 V + g²                 (V = v / (1 - b2))
    x <- x − M / (sqrt(V) / a + e / a)

with the bias corrections c1 = 1 − b1^(i+1), c2 = 1 − b2^(i+1) folded into two scalars,
s = sqrt((1 − b2) / c2), a = step_size (1 − b1) / (c1 s), e = eps / s. Mathematically this is
x − step_size (m / c1) / (sqrt(v / c2) + eps), the reference's update; the arithmetic order
differs, so the numbers are NOT bit-identical to autograd's adam: each step's update differs
from the reference's by a few units in the last place, at most 1e-14 (float64; 1e-5 float32)
of the update Adam would make with |g| (where the first moment cancels, the reference's own
rounding is as large), and a whole fit's trajectory drifts apart by the amplification of those
roundings (tests/test_fast_adam.py bounds both). Use train.adam_step where bit-identity matters.
"""
import numpy as np


CHUNK = 16384  # elements per chunk: the chunks of the five arrays (x, g, M, V, scratch), 640 kB
# in float64, stay in a core's L2 cache through the ten passes (unchunked, each pass reads and
# writes the whole arrays again; on 2 x 156,800 float64, three interleaved runs: chunked 1.9,
# 4.0, 1.9 ms, unchunked 9.6, 1.9, 7.2 ms, the reference adam_step 11.8 ms)


def lean_adam():
    """An update update(params, grad, moments, i, step_size, b1, b2, eps) with the signature
    and the effect of train.adam_step (in place on the dicts `params` and `moments`, key ->
    (M, V), zeros before step i = 0), holding its own scratch arrays: one per key, of at most
    CHUNK entries, allocated at its first step (again if the key's shape or dtype changes).
    The moments are kept in the scale above (M = m / (1 − b1), V = v / (1 − b2)): pass the
    same dict every step of a run. The passes run chunk by chunk along the first axis."""
    scratch = {}

    def update(params, grad, moments, i, step_size, b1=0.9, b2=0.999, eps=1e-8):
        c1, c2 = 1 - b1 ** (i + 1), 1 - b2 ** (i + 1)  # bias corrections, as scalars
        s = ((1 - b2) / c2) ** 0.5
        a = float(step_size * (1 - b1) / (c1 * s))  # Python floats keep float32 arrays float32
        inverse_a, e = 1 / a, float(eps / (s * a))
        for k, g in grad.items():
            x, (M, V) = params[k], moments[k]
            rows = x.shape[0] if x.ndim and x.size > CHUNK else 1
            step = max(1, CHUNK * rows // max(1, x.size))  # rows per chunk
            t = scratch.get(k)
            shape = (min(step, rows),) + x.shape[1:] if rows > 1 else x.shape
            if t is None or t.shape != shape or t.dtype != x.dtype:
                t = scratch[k] = np.empty(shape, x.dtype)
            for j in range(0, rows, step):
                if rows > 1:
                    xj, Mj, Vj, gj, tj = x[j:j + step], M[j:j + step], V[j:j + step], \
                        g[j:j + step], t[:min(step, rows - j)]
                else:
                    xj, Mj, Vj, gj, tj = x, M, V, g, t
                _passes(xj, gj, Mj, Vj, tj, b1, b2, inverse_a, e)
    return update


def _passes(x, g, M, V, t, b1, b2, inverse_a, e):
    """The ten in-place passes over one chunk (t: scratch of the chunk's shape)."""
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
