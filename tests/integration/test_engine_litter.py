"""A render killed while the offline engine works leaves no espeak process running; its scratch folder
(``studio-espeak-*``) stays, and the next offline engine sweeps every such folder whose owner process is gone,
never one that is still in use."""

from __future__ import annotations

import select
import signal
import subprocess
import sys
from pathlib import Path

from studio.core.owned_folder import ENGINE_SCRATCH_PREFIX, OWNER_FILE
from studio.engines.base import SynthesisRequest
from studio.engines.local import LocalEngine

ROOT = Path(__file__).resolve().parents[2]
KILLED_RENDER = r"""
import os, signal, sys
from pathlib import Path
from studio.engines.base import SynthesisRequest
from studio.engines.local import LocalEngine
engine = LocalEngine(workers=1, scratch_dir=Path(sys.argv[1]))
engine.submit(SynthesisRequest("local-cmn", ("我家的后面有一个很大的园。",)))
print("submitted", flush=True)
os.kill(os.getpid(), signal.SIGKILL)  # killed mid-render: no close(), no cleanup
"""
LIVE_OWNER = r"""
import sys
from pathlib import Path
from studio.core.owned_folder import ENGINE_SCRATCH_PREFIX, scratch_folder
folder = scratch_folder(Path(sys.argv[1]), prefix=ENGINE_SCRATCH_PREFIX)
print(folder.path, flush=True)
sys.stdin.read()
folder.remove()
"""


def test_the_next_offline_engine_sweeps_a_killed_renders_scratch(tmp_path: Path) -> None:
    # The espeak worker inherits the killed render's stdout: run() returns only once the orphaned worker has
    # exited too (it used to wait on its task queue forever, one stray process per killed render).
    killed = subprocess.run([sys.executable, "-c", KILLED_RENDER, str(tmp_path)], cwd=ROOT, capture_output=True,
                            text=True, timeout=90)
    assert killed.returncode == -signal.SIGKILL and "submitted" in killed.stdout, killed.stderr[-2000:]
    left = [p for p in tmp_path.iterdir() if p.name.startswith(ENGINE_SCRATCH_PREFIX)]
    assert len(left) == 1 and (left[0] / OWNER_FILE).is_file()  # the litter the issue describes

    live = subprocess.Popen([sys.executable, "-c", LIVE_OWNER, str(tmp_path)], cwd=ROOT, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE)
    assert live.stdout is not None and live.stdin is not None
    try:
        ready, _, _ = select.select([live.stdout], [], [], 60)
        assert ready, "the live owner did not start"
        in_use = Path(live.stdout.readline().decode().strip())
        with LocalEngine(workers=1, scratch_dir=tmp_path) as engine:
            result = engine.synthesize(SynthesisRequest("local-cmn", ("你好。",)), tmp_path / "out.wav")
            assert result.duration_ms > 0
            assert not left[0].exists(), "the killed render's scratch folder was not swept"
            assert in_use.is_dir(), "a folder still in use by another process was removed"
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted([in_use.name, "out.wav"])
    finally:
        live.stdin.close()
        live.wait(timeout=30)
        live.stdout.close()
    assert not in_use.exists()
