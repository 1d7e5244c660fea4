"""The folders an export works in, each owned by its process, and sweeping up the ones a dead export left.

An export builds its files in a hidden staging folder beside the output (``.book.m4b.export-1a2b3c4d``) and
converts pieces in a scratch folder (``studio-export-*`` in the temp folder). A killed export (SIGKILL, a
crash, power loss) cannot remove them, so every export first sweeps the folders it is about to use for
leftovers of its own kind, and removes only those whose owner is gone.

Ownership (a lock file held for the folder's life) and the sweep live in ``studio.core.owned_folder``: the
offline engine's scratch folders are litter of the same kind.
"""

from __future__ import annotations

import secrets
import shutil
import tempfile
from pathlib import Path

from studio.core.owned_folder import OWNER_FILE, SCRATCH_PREFIX, OwnedFolder, scratch_folder, sweep_stale

__all__ = ["OWNER_FILE", "SCRATCH_PREFIX", "OwnedFolder", "scratch_folder", "staging_folder", "sweep_export_litter",
           "sweep_stale"]  # the exporter's folders are owned folders (studio.core.owned_folder)


def staging_folder(home: Path, output_name: str) -> OwnedFolder:
    """A new hidden staging folder in ``home`` (beside the output, so moving files out is a rename)."""
    path = home / f".{output_name or 'export'}.export-{secrets.token_hex(4)}"
    path.mkdir()
    try:
        return OwnedFolder.claim(path)
    except BaseException:
        shutil.rmtree(path, ignore_errors=True)
        raise


def sweep_export_litter(output: Path, temp_dir: Path | None = None) -> list[Path]:
    """Sweep both places an export to ``output`` works in: beside the output, and the scratch parent."""
    removed = sweep_stale(Path(output).parent)
    removed += sweep_stale(Path(temp_dir) if temp_dir is not None else Path(tempfile.gettempdir()), scratch=True)
    return removed


