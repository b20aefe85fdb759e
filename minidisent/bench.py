"""python -m minidisent.bench: the performance table (--quick: the same rows, fewer repeats,
without the main job and the chapters; --chapters: only the main job and the chapters).

Every row runs two ways of doing one thing, A and B, taking turns (A, B, A, B, ...) so that
a change in the machine's load hits both alike, and prints the median seconds of each and
their ratio A/B against its target (the README, "Performance: python -m minidisent.bench"):
  operator    op(Z, g) on a batch of 256: a per-sample Python loop / the vectorized call
  step        one step of train.fit with the lean Adam (fast_adam; loss + gradient + update) /
              numpy's BLAS alone doing the same matrix products (the floor); / PyTorch doing
              the same step, if installed, with its default and with its fused Adam;
              fit with the reference adam_step / with the lean one; autograd's flattening adam
              / fit; fit in float64 / in float32
  threads     the linear and MLP steps with OMP_NUM_THREADS=2 / with 1 (fresh interpreters)
  main job    python -m minidisent end to end (and its peak memory), also with --full;
              each chapter, and their sum (the course from start to finish)

The training task is the original experiment's, made exact: 28×28 images, a cyclic group of
5 x-shifts (x_shifts), latents 200 and 1000, batch 64, float64, one Adam step per batch.
"""
import argparse
import glob
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time

import numpy as np
from autograd import value_and_grad
from autograd.misc.optimizers import adam

from . import _writing, data, fast, fast_adam, groups, models, operators, train


def x_shifts(size=28, count=5):
    """Z_count acting on size×size images by exact x-shifts: the count·k central columns
    (k = size // count) form a ring and element m rolls them by m·k pixels; the others stay.
    For 28×28 and 5 shifts: columns 1..25 rolled by 0, 5, 10, 15, 20 pixels. (The original
    rolls all 28 columns by multiples of 6 and calls it Z_5, but 5·6 = 30: not a group.)"""
    k = size // count
    first = (size - count * k) // 2
    grid = np.arange(size * size).reshape(size, size)
    rolled = grid.copy()
    rolled[:, first:first + count * k] = np.roll(grid[:, first:first + count * k], k, axis=1)
    return groups.generate((size, size), [rolled.ravel()], name=f"x-shifts Z_{count}")


CLOCKS = {"wall": time.perf_counter, "cpu": time.process_time}
clock = CLOCKS["wall"]  # main() sets it: "cpu" counts this process's own time only, which
# keeps single-threaded numbers honest when other jobs share the cores


def children_cpu():
    """CPU seconds (user + system) of this process's finished child processes: a chapter's
    kernel, or the main job's interpreter, once it has exited."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_child(command, env=None):
    """The stdout of command, run like subprocess.run(check=True) but in its own process group,
    which is killed (the child and anything it started) if this process stops waiting for any
    reason: an exception, Ctrl-C, or SIGTERM (main() turns it into SystemExit)."""
    child = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, start_new_session=True)
    try:
        out, err = child.communicate()
    finally:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()
    if child.returncode:
        raise subprocess.CalledProcessError(child.returncode, command, out, err)
    return out


def timed(wall, cpu):
    """(label, seconds) of a child process's run: its wall time, or with --clock cpu its
    CPU time (which another job on the same cores does not inflate)."""
    return ("cpu", cpu) if clock is CLOCKS["cpu"] else ("wall", wall)


def batch_rows(n, batch_size, steps, seed=0):
    """int (steps, batch_size): the rows train.fit draws for each step with this seed."""
    rows, rng = train.batches(n, batch_size), np.random.default_rng(seed)
    return np.stack([rows(step, rng) for step in range(steps)])


def interleaved(functions, repeats):
    """Median seconds (of `clock`) of each function, run in turn (f0, f1, ..., f0, f1, ...)."""
    times = [[] for _ in functions]
    for _ in range(repeats):
        for seconds, f in zip(times, functions):
            start = clock()
            f()
            seconds.append(clock() - start)
    return [float(np.median(s)) for s in times]


COMPARE = {"<=": float.__le__, ">=": float.__ge__, "<": float.__lt__}


def row(what, sizes, a, b=None, target=None, note=""):
    """One line of the table: a, b = (label, seconds); target = (comparison, bound) on the
    ratio a/b, or on a's seconds when there is no b, e.g. ("<=", 1.5)."""
    ratio = a[1] / b[1] if b else None
    value = ratio if b else a[1]
    met = None if target is None else COMPARE[target[0]](float(value), float(target[1]))
    return dict(what=what, sizes=sizes, a=a, b=b, ratio=ratio, target=target, met=met, note=note)


def per_sample(op, Z, g):
    """The same op(Z, g) as a Python loop over the batch, one sample at a time."""
    return np.stack([op(Z[b:b + 1], g[b:b + 1])[0] for b in range(len(Z))])


def operator_rows(batch=256, d=4, repeats=20, seed=0):
    """The shift operator on Z_16, Z_8 x Z_8 and p4 (not commutative), latent |G|·d."""
    rng = np.random.default_rng(seed)
    rows = []
    for group in (groups.cyclic(16), groups.translations((8, 8)), groups.translations_rotations(4)):
        op = fast.accelerate(operators.shift(group, group.order * d))
        Z, g = rng.normal(size=(batch, op.latent_dim)), rng.integers(0, group.order, batch)
        loop, vectorized = interleaved([lambda: per_sample(op, Z, g), lambda: op(Z, g)], repeats)
        rows.append(row(f"shift {group.name}: loop / vectorized", f"B={batch} L={op.latent_dim}",
                        ("loop", loop), ("vectorized", vectorized), (">=", 20)))
    return rows


def step_task(kind, latent_dim, count=512, hidden=(128,), size=28, seed=0):
    """(model, op, objective, params, pairs): an autoencoder with the shift operator on
    `count` random 28×28 images and their exact x-shifts."""
    rng = np.random.default_rng(seed)
    group = x_shifts(size)
    model = models.linear(group.shape, latent_dim) if kind == "linear" else \
        models.mlp(group.shape, latent_dim, hidden)
    op = fast.accelerate(operators.shift(group, latent_dim))
    pairs = data.pairs(group, data.random_blobs(group.shape, count, rng), rng)
    return model, op, fast.supervised_loss(model, op), model.init(rng), pairs


def matmul_floor(layers, seed=0):
    """A function doing only the matrix products of one training step of dense layers
    (rows, n_in, n_out, input_gradient): forward H W, weight gradient Hᵀ G and, where the
    input is itself trained, input gradient G Wᵀ; float64, numpy's BLAS."""
    rng = np.random.default_rng(seed)
    arrays = [(rng.normal(size=(r, i)), rng.normal(size=(i, o)), rng.normal(size=(r, o)), back)
              for r, i, o, back in layers]

    def products():
        for H, W, G, back in arrays:
            H @ W, H.T @ G
            if back:
                G @ W.T
    return products


def dense_layers(kind, n, latent_dim, batch, hidden=(128,)):
    """The (rows, n_in, n_out, input_gradient) of the step: the encoder sees x1 (batch rows),
    the decoder z1 and psi(g) z1 together (2·batch rows)."""
    if kind == "linear":
        return [(batch, n, latent_dim, False), (2 * batch, latent_dim, n, True)]
    enc, dec = (n,) + tuple(hidden) + (latent_dim,), (latent_dim,) + tuple(hidden)[::-1] + (n,)
    return [(batch, a, b, i > 0) for i, (a, b) in enumerate(zip(enc[:-1], enc[1:]))] + \
        [(2 * batch, a, b, True) for a, b in zip(dec[:-1], dec[1:])]


def adam_autograd(objective, params, pairs, steps, batch_size, step_size=1e-3):
    """The textbook loop: autograd.misc.optimizers.adam on the same batches as fit."""
    rows = batch_rows(len(pairs[0]), batch_size, steps)
    loss_and_grad = value_and_grad(objective)
    return adam(lambda p, i: loss_and_grad(p, tuple(a[rows[i]] for a in pairs))[1], params,
                num_iters=steps, step_size=step_size)


def blas_threads():
    """The BLAS thread count this process was started with (OpenBLAS reads these names)."""
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
        if os.environ.get(name):
            return int(os.environ[name])
    return os.cpu_count()


def torch_steps(op, params, pairs, steps, batch_size, step_size=1e-3, fused=False):
    """The same training step written in PyTorch (CPU, the parameters' float type, from the same
    parameters and batches, psi(g) as one gather through its index table, torch.optim.Adam;
    fused=True: its fused Adam, one compiled pass over every parameter).
    Returns (run, first_loss): run() does `steps` steps and returns the weights (numpy)."""
    import torch
    torch.set_num_threads(blas_threads())
    weights = {k: torch.tensor(v, requires_grad=True) for k, v in params.items()}
    optimizer = torch.optim.Adam(weights.values(), lr=step_size, fused=fused)
    order, L = op.group.order, op.latent_dim
    # (psi(g) z)[j] = z[index[g, j]]: psi applied to the coordinates 0..L-1 reads the table off
    index = op(np.tile(np.arange(L, dtype=float), (order, 1)), np.arange(order))
    index = torch.as_tensor(index.astype(np.int64))
    x1, x2 = (torch.as_tensor(x.reshape(len(x), -1)) for x in (pairs[0], pairs[2]))
    g = torch.as_tensor(pairs[1])
    rows = torch.as_tensor(batch_rows(len(g), batch_size, steps))

    def dense(part, H):
        if part in weights:  # linear: one matrix, no bias
            return H @ weights[part]
        layers = sum(k.startswith(part + "_w") for k in weights)
        for i in range(layers):
            H = H @ weights[f"{part}_w{i}"] + weights[f"{part}_b{i}"]
            H = torch.tanh(H) if i < layers - 1 else H
        return H

    def loss(i):
        b = rows[i]
        z1 = dense("encoder", x1[b])
        decoded = dense("decoder", torch.cat([z1, z1.gather(1, index[g[b]])]))
        B = len(b)
        return (((decoded[B:] - x2[b]) ** 2).sum() + ((decoded[:B] - x1[b]) ** 2).sum()) / B

    def run():
        for i in range(steps):
            optimizer.zero_grad()
            loss(i).backward()
            optimizer.step()
        return {k: w.detach().numpy() for k, w in weights.items()}
    with torch.no_grad():
        return run, float(loss(0))


def step_rows(kind, latent_dim, batch=64, steps=20, repeats=7, count=512, with_torch=True):
    """Rows for one training step of `kind` with the shift operator on x_shifts()."""
    model, op, objective, params, pairs = step_task(kind, latent_dim, count=count)
    n = int(np.prod(model.shape))
    floor = matmul_floor(dense_layers(kind, n, latent_dim, batch))
    single = ({k: v.astype(np.float32) for k, v in params.items()},  # fit keeps float32
              tuple(a.astype(np.float32) if a.dtype.kind == "f" else a for a in pairs))
    lean = fast_adam.lean_adam()
    runs = {"fit": lambda: train.fit(objective, params, pairs, steps=steps, batch_size=batch,
                                     step_size=1e-3, update=lean),
            "reference adam": lambda: train.fit(objective, params, pairs, steps=steps,
                                                batch_size=batch, step_size=1e-3),
            "BLAS": lambda: [floor() for _ in range(steps)],
            "autograd adam": lambda: adam_autograd(objective, params, pairs, steps, batch),
            "float32": lambda: train.fit(objective, *single, steps=steps, batch_size=batch,
                                         step_size=1e-3, update=lean)}
    torch_note = "PyTorch not installed: column skipped" if with_torch else "PyTorch column skipped"
    if with_torch:
        try:
            runs["PyTorch"], first = torch_steps(op, params, pairs, steps, batch)
            runs["PyTorch fused"], first_fused = torch_steps(op, params, pairs, steps, batch,
                                                             fused=True)
        except ImportError:
            pass
        else:
            rows = batch_rows(len(pairs[0]), batch, steps)
            ours = objective(params, tuple(a[rows[0]] for a in pairs))
            for theirs in (first, first_fused):
                if not abs(theirs - ours) <= 1e-9 * abs(ours):
                    raise AssertionError(f"PyTorch's loss {theirs} differs from ours {ours}")
            torch_note = "same first loss as fit (checked)"
    t = dict(zip(runs, (s / steps for s in interleaved(list(runs.values()), repeats))))
    sizes, pairs_per_s = f"L={latent_dim} B={batch}", batch / t["fit"]
    note = f"{pairs_per_s:,.0f} pairs/s"
    if kind == "linear" and latent_dim == 200:
        note += f" (target >= 10,000: {'yes' if pairs_per_s >= 10_000 else 'NO'})"
    out = [row(f"{kind} step / BLAS floor", sizes, ("fit", t["fit"]), ("BLAS", t["BLAS"]),
               ("<=", 1.5) if kind == "linear" else None, note),
           row(f"{kind} step: reference / lean Adam", sizes,
               ("reference", t["reference adam"]), ("lean", t["fit"]),
               note="train.adam_step (autograd's adam bit for bit) / fast_adam.lean_adam"),
           row(f"{kind} step: autograd adam / fit", sizes, ("autograd adam", t["autograd adam"]),
               ("fit", t["fit"]), note="flattens and allocates every step"),
           row(f"{kind} step: float64 / float32", sizes, ("float64", t["fit"]),
               ("float32", t["float32"]), note=f"float32 {batch / t['float32']:,.0f} pairs/s; "
                                               "the course keeps float64 (1e-12 claims)")]
    if "PyTorch" in t:
        out.append(row(f"{kind} step / PyTorch step", sizes, ("fit", t["fit"]),
                       ("PyTorch", t["PyTorch"]), ("<=", 1.0),
                       f"{torch_note}; PyTorch / BLAS = {t['PyTorch'] / t['BLAS']:.2f}"))
        out.append(row(f"{kind} step / PyTorch fused Adam", sizes, ("fit", t["fit"]),
                       ("fused", t["PyTorch fused"]), ("<=", 1.0),
                       f"fused=True; fused / BLAS = {t['PyTorch fused'] / t['BLAS']:.2f}; "
                       f"reference Adam / fused = {t['reference adam'] / t['PyTorch fused']:.2f}"))
    else:
        out.append(row(f"{kind} step / PyTorch step", sizes, ("fit", t["fit"]), note=torch_note))
    return out


def fit_step_seconds(kind, latent_dim, batch=64, steps=20, repeats=3):
    """Median wall seconds of one train.fit step (the thread rows run it in fresh interpreters)."""
    model, op, objective, params, pairs = step_task(kind, latent_dim)
    fit = lambda: train.fit(objective, params, pairs, steps=steps, batch_size=batch,  # noqa: E731
                            update=fast_adam.lean_adam())
    return interleaved([fit], repeats)[0] / steps


def thread_rows(kinds=("linear", "mlp"), latent_dim=200, repeats=3, steps=20):
    """The step with OMP_NUM_THREADS=2 / =1, each in a fresh interpreter (BLAS reads the
    setting once, when numpy is imported); always wall time, as threads share it."""
    code = ("from minidisent import bench; "
            f"print(bench.fit_step_seconds(%r, {latent_dim}, steps={steps}))")
    rows = []
    for kind in kinds:
        def run(threads):
            names = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
            env = dict(os.environ, **{v: str(threads) for v in names})
            return float(run_child([sys.executable, "-c", code % kind], env=env))
        seconds = {1: [], 2: []}
        for _ in range(repeats):
            for threads in seconds:
                seconds[threads].append(run(threads))
        one, two = (float(np.median(seconds[t])) for t in (1, 2))
        rows.append(row(f"{kind} step: 2 / 1 BLAS threads", f"L={latent_dim} B=64",
                        ("2 threads", two), ("1 thread", one),
                        note=f"load average {os.getloadavg()[0]:.1f} "
                             "(README: set OMP_NUM_THREADS=1)"))
    return rows


def peak_memory_mb():
    """This process's peak resident memory since it started its program (Linux: VmHWM;
    elsewhere ru_maxrss, which may count the parent's memory from before exec)."""
    try:
        with open("/proc/self/status") as status:
            return next(int(l.split()[1]) for l in status if l.startswith("VmHWM")) / 1024
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main_job_row(full=False):
    """python -m minidisent (with --full: and the digits table) end to end in a fresh
    interpreter: wall seconds, peak memory."""
    flags = ['--quiet'] + (['--full'] if full else [])
    code = ("import contextlib, io, sys; from minidisent import __main__ as job, bench\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            f"    job.main({flags!r} + ['--figures', sys.argv[1]])\n"
            "print(bench.peak_memory_mb())")
    with tempfile.TemporaryDirectory() as figures:
        start, cpu = time.perf_counter(), children_cpu()
        out = run_child([sys.executable, "-c", code, figures])
        seconds, cpu = time.perf_counter() - start, children_cpu() - cpu
    peak_mb = float(out)
    r = row("python -m minidisent" + (" --full" if full else ""), "end to end", timed(seconds, cpu),
            target=("<", 60 if full else 15),
            note=f"cpu {cpu:.1f} s, wall {seconds:.1f} s; "
                 f"peak memory {peak_mb:.0f} MB (target < 500)")
    r["met"] = r["met"] and peak_mb < 500
    return r


def chapter_rows(folder=None):
    """Each chapters/*.ipynb executed once in a fresh kernel (nbclient), in its own folder."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    folder = folder or os.path.join(root, "chapters")
    paths = sorted(glob.glob(os.path.join(folder, "*.ipynb")))
    if not paths:
        return [row("chapters", "none found", ("wall", float("nan")),
                    note=f"no {folder}/*.ipynb yet")]
    import nbclient
    import nbformat
    rows = []
    for path in paths:
        notebook = nbformat.read(path, as_version=4)
        client = nbclient.NotebookClient(notebook, timeout=600, kernel_name="python3",
                                         resources={"metadata": {"path": folder}})
        start, cpu, failure = time.perf_counter(), children_cpu(), ""
        try:
            client.execute(stderr=subprocess.DEVNULL)  # the kernel's own log lines
        except nbclient.exceptions.CellExecutionError as error:
            failure = f"FAILED: {error.ename}"
        finally:  # stopped (SIGTERM, Ctrl-C) while a kernel runs: no kernel left behind
            if getattr(client, "km", None) is not None and client.km.has_kernel:
                client.km.shutdown_kernel(now=True)
        seconds, cpu = time.perf_counter() - start, children_cpu() - cpu  # the kernel has exited
        r = row(os.path.basename(path), "execute", timed(seconds, cpu), target=("<", 20),
                note=failure or f"kernel cpu {cpu:.1f} s, wall {seconds:.1f} s; hard limit 60 s")
        r["met"] = r["met"] and not failure
        rows.append(r)
    total = sum(r["a"][1] for r in rows)
    rows.append(row("all chapters", f"{len(rows)} chapters", (rows[0]["a"][0], total),
                    target=("<", 120),
                    note="the course from start to finish"))
    return rows


def _seconds(s):
    return "-" if s is None or s != s else f"{s * 1e3:.2f} ms" if s < 1 else f"{s:.1f} s"


def table(rows):
    """The rows as a fixed-width text table."""
    head = (f"{'row':<38} {'sizes':<13} {'A':>24} {'B':>20} {'A/B':>7} {'target':>7} "
            f"{'met':>4}  note")
    lines = [head, "-" * len(head)]
    for r in rows:
        a = f"{r['a'][0]} {_seconds(r['a'][1])}"
        b = f"{r['b'][0]} {_seconds(r['b'][1])}" if r["b"] else ""
        ratio = f"{r['ratio']:.2f}" if r["ratio"] is not None else ""
        target = f"{r['target'][0]} {r['target'][1]:g}" if r["target"] else ""
        met = "" if r["met"] is None else ("yes" if r["met"] else "NO")
        lines.append(f"{r['what']:<38} {r['sizes']:<13} {a:>24} {b:>20} {ratio:>7} "
                     f"{target:>7} {met:>4}  {r['note']}")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m minidisent.bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true",
                        help="fewer repeats; no main job, no chapters (under a minute)")
    parser.add_argument("--chapters", action="store_true",
                        help="only the main job (default and --full) and the chapters "
                             "(about 3 minutes)")
    parser.add_argument("--clock", choices=sorted(CLOCKS), default="wall",
                        help="wall (default) or cpu: this process's CPU time, for a shared "
                             "machine (the thread rows stay wall time; the main job and the "
                             "chapters count the CPU time of their own process)")
    args = parser.parse_args(argv)
    _writing.exit_on_sigterm()  # SIGTERM ends in SystemExit: the finally blocks stop the children
    global clock
    clock = CLOCKS[args.clock]
    repeats, steps = (3, 20) if args.quick else (7, 20)
    try:
        import torch
        torch_version = torch.__version__
    except ImportError:
        torch_version = "not installed"
    print(f"{os.cpu_count()} cores, BLAS threads {blas_threads()} (OMP_NUM_THREADS="
          f"{os.environ.get('OMP_NUM_THREADS', 'unset')}), numpy {np.__version__}, PyTorch "
          f"{torch_version}, load average {os.getloadavg()[0]:.1f}; {args.clock} time, medians of "
          f"{repeats} repeats taken in turn\n", flush=True)
    rows = []
    if not args.chapters:
        rows += operator_rows(repeats=4 * repeats)
        for kind in ("linear", "mlp"):
            for latent_dim in (200, 1000):
                rows += step_rows(kind, latent_dim, steps=steps, repeats=repeats)
        rows += thread_rows(repeats=1 if args.quick else 3, steps=steps)
    if not args.quick:
        rows += [main_job_row(), main_job_row(full=True)] + chapter_rows()
    print(table(rows))
    print(f"\nload average at the end {os.getloadavg()[0]:.1f} (other processes share the cores)")


if __name__ == "__main__":
    main()
