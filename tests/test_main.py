"""python -m minidisent at small size (--quick: a tenth of the training steps): it runs,
prints the results tables, and writes PNG figures."""
import os

import numpy as np

from minidisent import __main__ as main_job
from minidisent import results


def test_main_prints_the_table_and_writes_figures(tmp_path, capsys):
    main_job.main(["--quick", "--quiet", "--figures", str(tmp_path)])
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert "| model | 1D shifts: generic | 1D shifts: symmetric |" in lines
    for label in list(results.ROW_LABELS.values()) + ["VAE, rotation plane fitted after",
                                                           "β-VAE, linear map per g fitted after"]:
        row = next(line for line in lines if line.startswith(f"| {label} |"))
        cells = [c.strip() for c in row.strip("|").split("|")][1:]
        assert len(cells) == 2 and all(np.isfinite(float(c)) for c in cells)
    assert sum(line.startswith("| 1D shifts | ") for line in lines) == 2  # VAE and β-VAE
    pngs = sorted(os.listdir(tmp_path))
    assert "predictions_symmetric.png" in pngs and "traversal_vae_1d_shifts.png" in pngs
    for name in pngs:
        with open(tmp_path / name, "rb") as f:
            assert f.read(8) == b"\x89PNG\r\n\x1a\n"

