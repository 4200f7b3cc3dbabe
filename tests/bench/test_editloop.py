"""The edit-loop row: wasmblog serve and hugo server each see a saved edit, timed the same way."""

from __future__ import annotations

import pytest

from wasm_host.bench import peers
from wasm_host.bench.editloop import measure_edit_loop


@pytest.mark.wasm
@pytest.mark.hugo
@pytest.mark.slow
def test_both_servers_show_a_saved_edit_and_are_timed(tmp_path, hugo):
    loop = measure_edit_loop(tmp_path, 20, 2, lambda _m: None, peers.executable("hugo"))
    assert loop["posts"] == 20 and loop["url"].startswith("/posts/")
    for name in ("wasmblog", "hugo"):
        assert len(loop[name]["runs_ms"]) == 2 and 0 < loop[name]["min_ms"] <= loop[name]["median_ms"]
        live = loop[name]["live_reload"]  # a watching tab was told, then got the new page
        assert len(live["message_runs_ms"]) == 2 and 0 < live["message_median_ms"] <= live["page_median_ms"]
    assert loop["hugo"]["version"] == "0.168.0"
