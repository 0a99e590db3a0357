"""The tutorial notebook (docs/tutorial.ipynb) runs from top to bottom, as a researcher would run it (issue 16):
experiment, tidy data, series across design points and their envelope, a comparison, a PRIM box."""

from __future__ import annotations

from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat", reason="the test extra installs nbformat")
nbclient = pytest.importorskip("nbclient", reason="the test extra installs nbclient")
pytest.importorskip("ema_workbench", reason="the tutorial ends with scenario discovery (extra cogov[discovery])")

NOTEBOOK = Path(__file__).resolve().parents[1] / "docs" / "tutorial.ipynb"


def test_the_tutorial_runs_end_to_end(tmp_path):
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(notebook, timeout=600, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) >= 4  # the series, the envelope, the response curve and the PRIM trajectory, inline
    tables = [o for o in outputs if "text/html" in o.get("data", {})]
    assert any("resolution_rate" in o["data"]["text/html"] for o in tables)
    assert any("swept_low" in o["data"]["text/html"] for o in tables)  # the PRIM box
