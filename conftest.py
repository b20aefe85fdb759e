"""Test-session set-up. One BLAS thread: the matrices here are tiny, and two threads make
an autograd step several times slower on a 2-core machine. Set before numpy is imported,
so the chapter kernels that nbval starts inherit it too."""
import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
os.environ.setdefault("MPLBACKEND", "Agg")
