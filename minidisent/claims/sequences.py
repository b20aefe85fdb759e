"""Claims of chapter 12: the operator learned from sequences (neither g nor the group given).
Each claim takes what the chapter trained as keyword arguments and trains it when not given."""
import numpy as np

from .. import data, defect, learned, representations, sequence_reading, sequences
from . import common

CONDITIONING, COLUMNS, ROLLED = 4, 4, 6  # rows: n_pixels of the task (|G| here)
STEPS = {"free": 1000, "learned": 500, "disentangled": 500}  # Adam steps of sequences.fit


def sequence_run(seed, task="signals", form="free", generic_only=False, kind="linear", steps=None):
    """Chapter 12's model on a task (sequences.TASKS) at this seed: 256 generic and 256
    symmetric images (generic only if generic_only) as sequences of CONDITIONING + 1 frames
    (+ 2 for form "learned", which is trained to roll out three frames), rows = n_pixels,
    COLUMNS columns, trained by sequences.fit for STEPS[form] steps (or `steps`; whitened,
    except the disentangled form: the frames' own spectrum picks its plane). Held out: 8 generic
    sequences per element of CONDITIONING + ROLLED frames, and 64 symmetric ones of
    CONDITIONING + 1 frames.
    Returns a dict: group, seq, params, step, history, test (S, g), symmetric (S, g, X)."""
    rng = np.random.default_rng(seed)
    G, generic, symmetric = sequences.task(task, 256, rng)
    X = generic if generic_only else np.concatenate([generic, symmetric])
    S, _ = data.sequences(G, X, rng, CONDITIONING + (3 if form == "learned" else 1))
    options = (dict(scale=(G.n_pixels * COLUMNS) ** -0.5) if kind == "linear"
               else dict(hidden=(64,), gain=0.5))
    seq = sequences.model(kind, G.shape, G.n_pixels, COLUMNS, **options)
    params, history, step = sequences.fit(seq, S, CONDITIONING, form, seed=seed,
                                          steps=STEPS[form] if steps is None else steps,
                                          whitened=form != "disentangled")
    return dict(group=G, seq=seq, params=params, step=step, history=history, form=form,
                **held_out(G, task, rng))


def held_out(group, task, rng):
    """The held-out sequences of sequence_run: {"test": (S, g), "symmetric": (S, g, X)}."""
    _, test_generic, test_symmetric = sequences.task(task, 8 * group.order, rng, held_out=True)
    test = data.sequences(group, test_generic, rng, CONDITIONING + ROLLED,
                               elements=np.repeat(np.arange(group.order), 8), each=True)
    sym = data.sequences(group, test_symmetric[:64], rng, CONDITIONING + 1)
    return {"test": test, "symmetric": (*sym, test_symmetric[:64])}


def family(run):
    """The learned family M*(g) of a free run, from its held-out generic sequences."""
    return sequence_reading.family(run["seq"], run["params"], *run["test"], run["group"])


def irreps_gap(run):
    """max over irreps |learned multiplicity − the pixel representation's|."""
    G = run["group"]
    m = learned.read_multiplicities(G, family(run))
    return float(np.max(np.abs(m - representations.multiplicities(G))))


def signals_run(seed):
    """The free linear run on Z_8 signals that six claims read (trained once per sweep seed)."""
    return sequence_run(seed)


def digits_run(seed):
    """The free linear run on C_8 polar digits that two claims read."""
    return sequence_run(seed, "digits")


@common.needs(run=digits_run)
def sequence_irreps_digits(seed, run=None):
    """Linear encoder, free M*, C_8 rotations of polar digits: the multiplicities read from
    the learned family are the pixel representation's (every irrep once), to 0.1."""
    run = sequence_run(seed, "digits") if run is None else run
    return common.below("sequence_irreps_digits", irreps_gap(run), 0.1)


@common.needs(run=signals_run)
def sequence_irreps_signals(seed, run=None):
    """The same on Z_8 signals (the weakest irrep, frequency 4, is sometimes not learned)."""
    run = sequence_run(seed) if run is None else run
    return common.below("sequence_irreps_signals", irreps_gap(run), 0.1)


@common.needs(run=digits_run)
def sequence_homomorphism_digits(seed, run=None):
    """Polar digits: the learned family is a representation, M*(g)M*(h) ≈ M*(gh)
    (posthoc.homomorphism_error below 0.01)."""
    run = sequence_run(seed, "digits") if run is None else run
    return common.below("sequence_homomorphism_digits", sequence_reading.homomorphism_error(
        run["group"], family(run)), 0.01)


@common.needs(run=signals_run)
def sequence_homomorphism_signals(seed, run=None):
    """The same on Z_8 signals."""
    run = sequence_run(seed) if run is None else run
    return common.below("sequence_homomorphism_signals", sequence_reading.homomorphism_error(
        run["group"], family(run)), 0.01)


@common.needs(run=signals_run)
def sequence_blocks_signals(seed, run=None):
    """Z_8 signals: one random combination of the learned family diagonalises every M*(g)
    (off-diagonal share below 0.01) and its eigenvectors carry each frequency once, each with
    strength at least 0.9: the largest of (off-diagonal share, 1 − weakest strength, 1 if a
    frequency is missing or doubled)."""
    run = sequence_run(seed) if run is None else run
    frequency, strength, residual = sequence_reading.blocks(run["group"], family(run))
    wrong = float(sorted(frequency.tolist()) != list(range(run["group"].order)))
    return common.below("sequence_blocks_signals", max(residual, 1 - strength.min(), wrong), 0.1)


def sequence_torus_not_representation(seed, run=None):
    """Z_3 x Z_3 translations: every element has order 3, so a sequence shows 3 images; the
    per-sequence M* predicts well but the pooled family is no representation (homomorphism
    error above 0.3)."""
    run = sequence_run(seed, "torus") if run is None else run
    return common.above("sequence_torus_not_representation",
                        sequence_reading.homomorphism_error(run["group"], family(run)), 0.3)


def rolled(run):
    """Error of each rolled-out frame 1..ROLLED on the run's held-out generic sequences."""
    return sequence_reading.frame_errors(run["seq"], run["params"], run["test"][0], CONDITIONING,
                                         ROLLED,
                                         form=run["form"], step=run["step"])


@common.needs(run=signals_run)
def sequence_extrapolation(seed, run=None):
    """Z_8 signals, linear encoder: M*^k rolled out 6 frames past the conditioning ones keeps
    every frame's error below 0.1."""
    run = sequence_run(seed) if run is None else run
    return common.below("sequence_extrapolation", float(np.max(rolled(run))), 0.1)


def sequence_mlp_extrapolation(seed, run=None):
    """Z_8 signals, the MLP encoder (one hidden layer of 64, 500 steps), free M*: every one of
    the 6 rolled-out frames below 0.1."""
    run = sequence_run(seed, kind="mlp", steps=500) if run is None else run
    return common.below("sequence_mlp_extrapolation", float(np.max(rolled(run))), 0.1)


@common.needs(run=signals_run)
def sequence_learned_drifts(seed, run=None, learned_run=None):
    """The learned transition (an MLP on the two latest codes) against M*, same data: at the
    6th rolled-out frame its error is over 10 times M*'s."""
    run = sequence_run(seed) if run is None else run
    learned_run = sequence_run(seed, form="learned") if learned_run is None else learned_run
    return common.above("sequence_learned_drifts", rolled(learned_run)[-1] / rolled(run)[-1], 10)


def symmetric_ratio(run):
    """Error of the first frame after the conditioning ones on the run's held-out symmetric
    sequences, over their orbit lower bound (defect.orbit_lower_bound)."""
    S, g, X = run["symmetric"]
    error = sequence_reading.frame_errors(run["seq"], run["params"], S, CONDITIONING, 1,
                                          form=run["form"])[0]
    return error / defect.orbit_lower_bound(run["group"], X)[1]


def sequence_defect(seed, run=None):
    """Z_8, linear encoder trained on generic sequences with M* in the disentangled form (one
    plane, its angle solved per sequence): on symmetric sequences its error stays above 0.3
    times the orbit lower bound (and at most 1.1 times it)."""
    run = sequence_run(seed, form="disentangled", generic_only=True) if run is None else run
    ratio = symmetric_ratio(run)
    return common.Claim("sequence_defect", float(ratio), "in [0.3, 1.1]", bool(0.3 <= ratio <= 1.1))


@common.needs(run=signals_run)
def sequence_unconstrained(seed, run=None):
    """The free M* (trained on generic and symmetric sequences) on the same kind of symmetric
    sequences: below 0.1% of the orbit lower bound."""
    run = sequence_run(seed) if run is None else run
    return common.below("sequence_unconstrained", symmetric_ratio(run), 1e-3)


def sequence_stabilizer(seed):
    """An exactly equivariant linear code of Z_8 signals (sequence_reading.equivariant_params):
    on each symmetric sequence the per-sequence M* is fixed on a span of dimension
    |G|/|G_x|, equals ρ(g) there and 0 off it, and tr M* is |G/G_x| if g is in G_x, else 0:
    the largest deviation of the dimension, the two relative norms and the trace (ridge
    1e-12: its bias is the deviation)."""
    rng = np.random.default_rng(seed)
    G, _, symmetric = sequences.task("signals", 64, rng)
    seq = sequences.model("linear", G.shape, G.n_pixels, COLUMNS)
    params = sequence_reading.equivariant_params(seq, G, rng)
    S, g = data.sequences(G, symmetric, rng, CONDITIONING)
    found = sequence_reading.span(seq, params, S, g, CONDITIONING,
                                  representations.pixel_matrices(G),
                                  ridge=1e-12, tol=1e-8)
    orbit = G.order // G.stabilizer_sizes(symmetric)
    inside = np.array([g[b] in G.stabilizer(symmetric[b]) for b in range(len(g))])
    worst = max(np.abs(found["dim"] - orbit).max(), found["on"].max(), found["off"].max(),
                np.abs(found["trace"] - np.where(inside, orbit, 0)).max())
    return common.below("sequence_stabilizer", worst, 1e-3)
