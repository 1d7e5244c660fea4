"""UTF-16 without a byte-order mark (Windows Notepad's "Unicode" minus its BOM) is text, not binary."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from studio.core.errors import InputError
from studio.core.importers import import_file

CHINESE = "第一章 开始\n你好世界，这是一本书。一二三。\n第二章 结束\n我们去学校上课了，天气很好。\n" * 30
NO_ASCII = "第一章开始。你好世界，这是一本书，一二三。我们去学校上课了，天气很好。" * 30


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("text", [CHINESE, NO_ASCII], ids=["with-line-breaks", "no-ascii-at-all"])
def test_bomless_utf16_chinese_is_decoded(tmp_path: Path, encoding: str, text: str) -> None:
    path = tmp_path / "book.txt"
    path.write_bytes(text.encode(encoding))
    result = import_file(path)
    assert result.report.encoding == encoding
    body = "".join(p.text for c in result.book.chapters for p in c.paragraphs)
    assert "你好世界" in body and "天气很好" in body


def test_random_bytes_are_still_binary(tmp_path: Path) -> None:
    path = tmp_path / "noise.txt"
    path.write_bytes(os.urandom(64 * 1024))
    with pytest.raises(InputError, match="binary"):
        import_file(path)
