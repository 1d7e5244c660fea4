"""Money: a cloud render shows what it will send before sending anything, and a big one needs a yes."""

from __future__ import annotations

import subprocess
from pathlib import Path

from studio.core.book import Book, Chapter, Paragraph, VoiceSettings
from studio.render.confirm import DEFAULT_CONFIRM_CHARS, describe, estimate, needs_confirmation
from studio.render.plan import plan_book
from tests.emulator import Faults, VendorEmulator
from tests.integration.test_cloud_render import studio


def test_the_estimate_counts_characters_tasks_cost_and_time_per_engine() -> None:
    book = Book("书", voice=VoiceSettings(engine="aliyun", voice="xiaoyun"), chapters=[
        Chapter("一", [Paragraph("甲" * 3000), Paragraph("乙" * 2000)]),
        Chapter("二", [Paragraph("丙" * 1000)], voice=VoiceSettings(engine="baidu", voice="5003")),
        Chapter("三", [Paragraph("丁" * 500)], voice=VoiceSettings(engine="local", voice="local-cmn"))])
    units = plan_book(book).units
    render = estimate(units, {"aliyun": 2.0}, {"aliyun": 1})
    by = {e.engine: e for e in render.engines}
    assert by["aliyun"].characters >= 5000 and by["aliyun"].cost == by["aliyun"].characters * 2.0 / 10_000
    assert by["aliyun"].seconds is not None and 55 < by["aliyun"].seconds < 70  # 5,000 chars at 83/s, 1 at once
    assert by["baidu"].characters == 1000 and by["baidu"].cost is None  # no price: unknown, not free
    assert by["local"].free and by["local"].cost == 0.0
    assert render.cloud_characters == by["aliyun"].characters + 1000 and render.cost is None
    assert not needs_confirmation(render) and needs_confirmation(render, 5000)
    assert any("cost unknown" in line for line in describe(render))
    cached = {u.cache_key for u in units if u.engine == "aliyun"}
    assert {e.engine for e in estimate(units, {}, has_audio=cached.__contains__).engines} == {"baidu", "local"}


def test_a_big_cloud_render_without_a_terminal_is_refused_before_anything_is_sent(tmp_path: Path) -> None:
    manuscript = tmp_path / "big.txt"
    manuscript.write_text("第一章 长\n" + ("园子里很安静，只有风吹过树叶的声音。" * 40 + "\n\n") * 75, encoding="utf-8")
    assert len(manuscript.read_text(encoding="utf-8")) > DEFAULT_CONFIRM_CHARS
    with VendorEmulator(seed=2, faults=Faults(time_scale=0.02)) as emu:
        refused = studio(emu, tmp_path, "render", manuscript, "-o", tmp_path / "big.m4b", "--engine", "aliyun",
                         "--voice", "xiaoyun", "--price", "aliyun=3")
        assert refused.returncode == 2, refused.stderr
        assert "characters in" in refused.stderr and "cost ≈ " in refused.stderr
        assert "--yes" in refused.stderr
        assert emu.submitted_texts() == []  # nothing was sent
        small = tmp_path / "small.txt"
        small.write_text("第一章 短\n园子里很安静。\n", encoding="utf-8")
        limited = studio(emu, tmp_path, "render", small, "-o", tmp_path / "small.m4b", "--engine", "aliyun",
                         "--voice", "xiaoyun", "--confirm-above", "3")
        assert limited.returncode == 2 and emu.submitted_texts() == []
        confirmed = studio(emu, tmp_path, "render", small, "-o", tmp_path / "small.m4b", "--engine", "aliyun",
                           "--voice", "xiaoyun", "--confirm-above", "3", "--yes")
        assert confirmed.returncode == 0, confirmed.stderr
        assert "before sending anything:" in confirmed.stderr and len(emu.submitted_texts()) == 1


def test_the_help_names_the_confirmation_options() -> None:
    import sys

    done = subprocess.run([sys.executable, "-m", "studio", "render", "--help"], capture_output=True, text=True,
                          timeout=60)
    assert "--yes" in done.stdout and "--confirm-above" in done.stdout
