"""Checkers of chapter 6, the shift operator with an MLP: a non-linear equivariant encoder,
and the number of trained numbers of models.mlp."""
import numpy as np

from .. import groups, models, operators
from . import common


def check_6_1(equivariant_encoder):
    """equivariant_encoder(X) -> Z: (B, 16) -> (B, 32), non-linear and exactly equivariant for
    the shift operator of Z_16 with d = 2."""
    rng = np.random.default_rng(61)
    G, op = groups.cyclic(16), operators.shift(groups.cyclic(16), 32)
    X, Y, g = rng.normal(size=(50, 16)), rng.normal(size=(50, 16)), rng.integers(0, 16, 50)

    def encode(inputs):
        out = common.call("6.1", equivariant_encoder, inputs)
        return common.array("6.1", f"the codes of {len(inputs)} signals", out, shape=(50, 32))

    Z = encode(X)
    error = np.sum((encode(G.act(X, g)) - op(Z, g)) ** 2) / max(np.sum(Z ** 2), 1e-300)
    common.hint(error < 1e-20, f"Exercise 6.1: encode(g·x) differs from psi(g) encode(x) "
                f"(relative {error:.1e}): block k of the code (2 numbers) must depend on the "
                "signal only as pixel k does (§6.3, §5.1).")
    origin = encode(np.zeros_like(X))  # affine: f(x + y) - f(y) == f(x) - f(0), and so on
    affine = np.allclose(encode(X + Y) - encode(Y), Z - origin) and np.allclose(
        encode(2 * X) - origin, 2 * (Z - origin))
    common.hint(not affine, "Exercise 6.1: your encoder is linear (or linear plus a constant); "
                "the exercise asks for a non-linear one (tanh, §6.1).")
    common.hint(np.linalg.matrix_rank(Z) > 1, "Exercise 6.1: your codes are (nearly) constant: "
                "the decoder could not reconstruct anything from them.")
    common.passed("6.1", "a non-linear encoder with encode(g·x) == psi(g) encode(x) to 1e-10")


def check_6_2(mlp_parameters):
    """mlp_parameters(n, hidden, latent) -> the number of trained numbers of models.mlp."""
    for n, hidden, latent in [(16, (64,), 16), (16, (128,), 32), (36, (64, 32), 72)]:
        params = models.mlp((n,), latent, hidden=hidden).init(np.random.default_rng(0))
        truth = sum(p.size for p in params.values())
        count = common.call("6.2", mlp_parameters, n, hidden, latent)
        count = common.number("6.2", "the count", count, whole=True)
        common.hint(count == truth, f"Exercise 6.2: for n={n}, hidden={hidden}, "
                    f"latent={latent} you counted {count}: every layer a -> b has a·b weights "
                    "and b biases, in the encoder n -> hidden -> latent and the decoder "
                    "latent -> reversed hidden -> n (§6.1).")
    common.passed("6.2", "parameter counts equal those of models.mlp(...).init on 3 architectures")
