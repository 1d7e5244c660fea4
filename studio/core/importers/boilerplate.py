"""Website boilerplate in Chinese web TXT: lines the site added that are not part of the book.

Novel sites stamp every chapter with an update time and a word count (``更新时间:2007-11-16 本章字数:4804``),
wrap the text in ``------章节内容开始-------`` markers, and add download notices, "read on your phone" lines
and chapter-end pleas for votes. Read aloud, they are noise in every chapter, so the TXT importer leaves them
out of the spoken text - but never silently: each removed line is counted and kept in the import report
(``ImportReport.site_lines``), which the CLI prints and the structure review shows, so an author who disagrees
can see exactly what went and re-import with ``--structure none`` or edit the text.

Only whole lines are removed, and only lines that are short and match one of the shapes below; a sentence
of the story that merely mentions 手机 or 更新 is longer and reads differently, and stays.
"""

from __future__ import annotations

import re

#: Longest line that can be boilerplate; the shapes below are all one short line on real sites.
MAX_LINE = 120

_URL = r"(?:https?://|www\.)\S+"
_SITE_LINE_RES = tuple(re.compile(p) for p in (
    # "更新时间:2007-11-16 7:55:51 本章字数:4804", "更新时间：2023-09-28", "本章字数：3520"
    r"(?:更新时间|更新日期|发布时间)\s*[:：]\s*[\d\-/年月日 :：.]{4,}\s*(?:本章字数\s*[:：]\s*\d+\s*字?)?",
    r"本章字数\s*[:：]\s*\d+\s*字?(?:\s*(?:更新时间|更新日期)\s*[:：].*)?",
    # "------章节内容开始-------"
    r"[-—=*\s]*章节内容(?:开始|结束)[-—=*\s]*",
    # download and reading-site notices
    r".{0,40}(?:作品仅供读者预览|请在下载\d*小时内删除|免费txt小说下载|txt小说下载|TXT小说下载).{0,100}",
    r"(?:本书来自|本书由|本书首发).{0,60}(?:网|站|com|net|txt|TXT|下载|整理|提供).{0,40}",
    r"(?:手机阅读|手机用户请|手机访问|手机看书).{0,60}",
    r"(?:更多(?:精彩|更新|免费)|最新章节|无弹窗).{0,60}(?:请|访问|关注|尽在|就在|www|com).{0,40}",
    # chapter-end pleas: "求收藏，求推荐票！", "（求月票）"
    r"[（(【\[]?(?:求|跪求|拜求|恳求)(?:收藏|推荐|推荐票|月票|订阅|打赏|点击)[^。]{0,30}",
))
_HAS_URL = re.compile(_URL)
#: Every shape above contains one of these; one search rules out nearly every line of a book at C speed.
_MARKERS = re.compile(r"更新|字数|章节内容|下载|删除|本书|手机|更多|最新章节|无弹窗|求|www\.|https?://")
_SITE_WORDS = ("小说", "下载", "阅读", "书城", "书网", "中文网", "章节", "本站", "网址")


def is_site_line(line: str) -> bool:
    """Whether one stripped line is boilerplate a website added (see the module docstring)."""
    if not line or len(line) > MAX_LINE or _MARKERS.search(line) is None:
        return False
    if any(r.fullmatch(line) for r in _SITE_LINE_RES):
        return True
    # "请记住本站网址 www.example.com 最快更新": an address plus Chinese site words, in a short line (an
    # English licence line with a URL is part of the file, not something a site slipped in)
    return len(line) <= 80 and _HAS_URL.search(line) is not None and any(w in line for w in _SITE_WORDS)
