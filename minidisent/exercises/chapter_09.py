"""Checkers of chapter 9, the results table: the three floors predicted from the FFT, and the
KL divergence of the VAE baselines."""
import numpy as np

from . import common

MODELS = ("no operator", "disentangled", "shift")


def check_9_1(predicted_errors):
    """predicted_errors(X) -> {"no operator": e, "disentangled": e, "shift": e}, the floors of the
    linear models (latent n) over the whole orbits of X (B, n) under Z_n."""
    rng = np.random.default_rng(91)
    sets = {"period-6 and period-4 signals on Z_12": np.stack([common.periodic(12, p, rng)
                                                               for p in (6, 4, 6)]),
            "generic signals on Z_10": rng.normal(size=(4, 10)) + 2,
            "a mix on Z_16": np.stack([common.periodic(16, 8, rng), rng.normal(size=16)])}
    for name, X in sets.items():
        truth = dict(zip(MODELS, (common.residual_in_g(X, []), common.residual_in_g(X, [1]),
                                  common.residual_in_g(X, range(X.shape[1] // 2 + 1)))))
        answer = common.call("9.1", predicted_errors, X)
        keys = sorted(map(str, answer)) if isinstance(answer, dict) else common.came(answer)
        common.hint(isinstance(answer, dict) and set(answer) == set(MODELS), "Exercise 9.1: "
                    "expected a dict with the keys 'no operator', 'disentangled', 'shift', got "
                    f"{keys}")
        for key, value in truth.items():
            error = common.number("9.1", f"the '{key}' error", answer[key])
            common.hint(common.close(error, value, 1e-6), f"Exercise 9.1: on {name}, your "
                        f"'{key}' error {error:.4g} is not that model's floor: as a function of "
                        "g its prediction holds only the frequencies of its operator's irreps "
                        "(chapter 2 §2.5, chapter 4 §4-5).")
    common.passed("9.1", "the three floors predicted from the FFT equal least-squares fits in g, "
                  "on 3 new sets")


def check_9_2(gaussian_kl):
    """gaussian_kl(mean, log_variance) -> (B,) KL(N(mean, diag e^log_variance) || N(0, I))."""
    rng = np.random.default_rng(92)
    mean, log_variance = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    z = np.linspace(-12, 12, 40001)  # numerical integral of q log(q/p), one dimension at a time
    sd = np.exp(log_variance / 2)[..., None]
    q = np.exp(-0.5 * ((z - mean[..., None]) / sd) ** 2) / (sd * np.sqrt(2 * np.pi))
    log_ratio = -0.5 * ((z - mean[..., None]) / sd) ** 2 - np.log(sd) + 0.5 * z ** 2
    numeric = np.sum(q * log_ratio, axis=(1, 2)) * (z[1] - z[0])  # the tails are below 1e-30
    kl = common.call("9.2", gaussian_kl, mean, log_variance)
    kl = common.array("9.2", "the KL divergences", kl, shape=(3,))
    zero = common.call("9.2", gaussian_kl, np.zeros((1, 4)), np.zeros((1, 4)))
    zero = common.array("9.2", "the KL divergence at q = p", zero, shape=(1,))
    common.hint(np.allclose(zero, 0), "Exercise 9.2: KL(q || p) must be 0 when "
                "q = p = N(0, I); yours is not.")
    common.hint(np.allclose(kl, numeric, rtol=1e-6, atol=1e-9), "Exercise 9.2: your KL differs "
                "from a numerical integral of q log(q/p): sum over latent dims, and mind "
                "log_variance = log sigma² (§2).")
    common.passed("9.2", "the closed-form KL equals a numerical integral, and is 0 at q = p")
