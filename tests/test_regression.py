import json

import pytest
from baseline_figures import PATH, figures


def test_default_run_matches_stored_figures(default_paired):
    stored = json.loads(PATH.read_text())
    current = json.loads(json.dumps(figures(default_paired)))
    assert current["payback_week"] == stored["payback_week"]
    assert current["stocks_activity_ready"] == stored["stocks_activity_ready"]
    assert current["exits_total"] == stored["exits_total"]
    assert current["relapses"] == stored["relapses"]
    assert current["npv_dkk"] == pytest.approx(stored["npv_dkk"], rel=1e-6)
    assert current["investment_dkk"] == pytest.approx(stored["investment_dkk"], rel=1e-6)
    for run in ("baseline", "strategy"):
        assert current["municipal_net_dkk"][run] == pytest.approx(stored["municipal_net_dkk"][run], rel=1e-6)
