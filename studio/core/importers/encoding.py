"""Turn the bytes of a text manuscript into ``str`` and say which encoding that took.

Order of evidence, cheapest and surest first (a 6 MB novel must decode in milliseconds):

1. a known binary signature (PNG, PDF, ZIP, ...) -> :class:`InputError` naming what the file is;
2. a byte-order mark (UTF-8, UTF-16 LE/BE, UTF-32) is authoritative;
3. NUL bytes: BOM-less UTF-16 if they all sit on one side of the byte pairs (every other byte for Latin text,
   only the ASCII characters' for Chinese) and the decoding reads as text; otherwise the file is binary;
4. strict UTF-8 (random legacy bytes almost never validate as UTF-8);
5. only then ``charset_normalizer`` on a sample, *plus a sanity check*: GBK bytes decode without error as
   Big5 and vice versa, and the detector sometimes picks the wrong one, so every Chinese candidate is decoded
   and scored by how much of it is everyday Chinese (see :func:`chinese_score`). Real text is mostly made of
   a few hundred frequent characters; a wrong decoding produces rare characters, kana, Greek, box drawing
   and private-use code points instead.

The GB family is reported as ``gb18030`` (it is a superset of GB2312 and GBK, so the decoded text is
identical) and Big5 as ``big5`` (``cp950`` / ``big5hkscs`` only if strict Big5 fails).
"""

from __future__ import annotations

import codecs
import re

from studio.core.errors import InputError

# Frequent characters, simplified and traditional (about 500 each). Membership is all that matters.
_COMMON_SIMPLIFIED = (
    "的一是不了在人有我他这个们中来上大为和国地到以说时要就出会可也你对生能而子那得于着下自之年过发后作里"
    "用道行所然家种事成方多经么去法学如都同现当没动面起看定天分还进好小部其些主样理心她本前开但因只从想实"
    "日军者意无力它与长把机十民第公此已工使情明性知全三又关点正业外将两高间由问很最重并物手应战向头文体政"
    "美相见被利什二等产或新己制身果加西斯月话合回特代内信表化老给世位次度门任常先海通教儿原东声提立及比员"
    "解水名真论处走义各入几口认条平系气题活尔更别打女变四神总何电数安少报才结反受目太量再感建务做接必场件"
    "计管期市直德资命山金指克许统区保至队形社便空决治展马科司五基眼书非则听白却界达光放强即像难且权思王象"
    "完设式色路记南品住告类求据程北边死张该交规万取拉格望觉术领共确传师观清今切院让识候带导争运笑飞风步改"
    "收根干造言联持组每济车亲极林服快办议往元英士证近失转夫令准布始怎呢存未远叫台单影具罗字爱击流备兵连调"
    "深商算质团集百需价花党华城石级整府离况亚请技际约示复病息究线似官火断精满支视消越器容照须九增研写称企"
    "八功吗包片史委乎查轻易早曾除农找装广显吧阿李标谈吃图念六引历首医局突专费号尽另周较注语仅考落青随选列"
    "武红响虽推势参希古众构房半节土投某案黑维革划敌致陈律足态护七兴派孩验责营星够章音跟志底站严巴例防族供"
    "效续施留讲型料终答紧黄绝奇察母京段依批群项故按河米围江织害斗双境客纪采举杀攻父苏密低朝友诉止细愿千值"
    "仍男钱破网热助倒育属坐帝限船脸职速刻乐否刚威毛状率甚独球般普怕弹校苦创假久错承印晚兰试股拿脑预谁益阳"
    "若哪微尼继送急血惊伤素药适波夜省初喜卫源食险待述陆习置居劳财环排福纳欢雷警获模充负云停木游龙树疑层冷"
    "洲冲射略范竟句室异激汉村哈策演简卡罪判担州静退既衣您宗积余痛检差富灵协角占配征修皮挥胜降阶审沉坚善妈"
    "刘读啊超免压银买皇养伊怀执副乱抗犯追帮宣佛岁航优怪香著田铁控税左右份穿艺背阵草脚概恶块顿敢守酒岛托央"
    "户烈洋哥索胡款靠评版宝座释景顾弟登货互付伯慢欧换闻危忙核暗姐介坏讨丽良序升监临亮露永呼味野架域沙掉括"
    "舰鱼杂误湿罢呀哩么吗啦哦嗯唉哭喊睡梦街园墙树叶鸟虫蛇猫狗饭茶桌椅窗床灯钟"
)
_COMMON_TRADITIONAL = (
    "這個們來為國說時會對過發後裡與長機關點業將兩間問動頭體現當沒見還進從實軍無產經麼學樣開種愛"
    "話應戰變總電數報結場條認幾處義論氣題爾別給門員聲東兒書聽卻達強難權設記張該規萬覺術領確傳師觀讓識"
    "帶導爭運飛風聯組濟車親極辦議證轉準遠叫單羅擊備連調團價黨華級離況亞請際約視須寫稱嗎顯圖歷醫專費號盡"
    "較語僅隨選紅響雖勢參眾構節維劃敵陳態護興驗責營夠嚴衛續講終緊黃絕紀採舉殺蘇訴細願錢網熱屬臉職樂剛狀"
    "獨彈創錯蘭試腦預誰陽繼驚傷藥適陸習勞財環歡獲負雲遊龍樹層衝範漢積餘檢靈協揮勝階審堅媽劉讀壓銀買養懷"
    "執亂幫歲優鐵稅藝陣腳惡塊頓島戶評寶釋顧貨換聞壞討麗監臨艦魚雜誤濕罷啊夢園牆葉鳥蟲燈鐘們麼於著"
    "讓誰總義邊樓覺裏舊輕鬆雙歸溫張許須語紙線練課題筆請謝視認詞讀韓義兒頭體媽爸爺奶師們學當樣開"
)
# Chinese punctuation is as telling as frequent characters: GB and Big5 put "。，“”" at different byte
# values, so a wrong decoding turns them into symbols.
_CHINESE_PUNCTUATION = "。，、；：？！“”‘’（）《》〈〉「」『』【】…—·～　"
COMMON_CHINESE = frozenset(_COMMON_SIMPLIFIED + _COMMON_TRADITIONAL + _CHINESE_PUNCTUATION)

_GB_FAMILY = {"gb2312", "gbk", "gb18030", "hz", "cp936", "euc_cn", "euccn", "iso2022_cn"}
_BIG5_FAMILY = {"big5", "big5hkscs", "cp950", "big5-hkscs"}
_BIG5_CODECS = ("big5", "cp950", "big5hkscs")

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF-", "a PDF document (PDF import is not supported; export the text as TXT, DOCX or EPUB)"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Word/Office document (.doc); save it as .docx"),
    (b"{\\rtf", "an RTF document; save it as .docx or .txt"),
    (b"OggS", "an Ogg audio file"),
    (b"fLaC", "a FLAC audio file"),
    (b"\x7fELF", "a program (ELF binary)"),
)
_RIFF_KINDS = {b"WAVE": "a WAV audio file", b"WEBP": "a WebP image", b"AVI ": "an AVI video"}

#: charset_normalizer is the slow step; it only ever sees this many bytes.
SAMPLE_BYTES = 32 * 1024
#: Candidates are scored on this many decoded characters.
_SCORE_CHARS = 20_000
_CONTROL_RE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f\x80-\x9f]")


def binary_kind(data: bytes) -> str | None:
    """Name the kind of a binary file from its signature, or ``None`` if none is known."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    if data[:4] == b"RIFF" and data[8:12] in _RIFF_KINDS:
        return _RIFF_KINDS[data[8:12]]
    return None


def decode_bytes(data: bytes, path: str) -> tuple[str, str, list[str]]:
    """Decode a text manuscript; return ``(text, encoding, warnings)``.

    Raises :class:`InputError` for binary data or bytes no supported encoding explains.
    """
    warnings: list[str] = []
    kind = binary_kind(data)
    if kind is not None:
        raise InputError(f"this is {kind}, not a text manuscript", path=path)
    for bom, enc in _BOMS:
        if data.startswith(bom):
            text = _decode_reporting(data, enc, warnings)
            _check_textual(text, path)
            return text, enc, warnings
    if b"\x00" in data:
        text_enc = _bomless_utf16(data)
        if text_enc is None:
            raise InputError("this is a binary file (it contains NUL bytes), not a text manuscript", path=path)
        text, enc = text_enc
        _check_textual(text, path)
        warnings.append(f"no byte-order mark; decoded as {enc} because of its NUL-byte pattern")
        return text, enc, warnings
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= len(data) - 3 and exc.end == len(data):
            # A UTF-8 file cut off mid-character (an interrupted download): keep what is there.
            text = data.decode("utf-8", errors="replace")
            warnings.append("the file ends in the middle of a UTF-8 character; the last bytes were replaced")
        else:
            text, enc = _decode_legacy(data, path, warnings)
            _check_textual(text, path)
            return text, enc, warnings
    _check_textual(text, path)
    return text, "utf-8", warnings


def chinese_score(text: str) -> float:
    """How much ``text`` looks like real Chinese: share of everyday characters among non-ASCII ones.

    Characters no correct Chinese decoding produces in bulk (private use, replacement character, kana,
    hangul, Greek/Cyrillic, box drawing, C1 controls) count double against the score.
    """
    n = hits = bad = 0
    for ch in text:
        if ch < "\x80":
            continue
        n += 1
        if ch in COMMON_CHINESE:
            hits += 1
        elif _is_suspicious(ch):
            bad += 1
    return (hits - 2 * bad) / n if n else 0.0


def _is_suspicious(ch: str) -> bool:
    o = ord(ch)
    return (
        0xE000 <= o <= 0xF8FF
        or o == 0xFFFD
        or 0x3040 <= o <= 0x30FF
        or 0xAC00 <= o <= 0xD7AF
        or 0x1100 <= o <= 0x11FF
        or 0x0370 <= o <= 0x04FF
        or 0x2500 <= o <= 0x257F
        or 0xFE30 <= o <= 0xFE6F  # vertical and small form variants
        or 0x80 <= o <= 0x9F
    )


def _decode_reporting(data: bytes, enc: str, warnings: list[str]) -> str:
    try:
        return data.decode(enc)
    except UnicodeDecodeError:
        text = data.decode(enc, errors="replace")
        warnings.append(f"{text.count(chr(0xFFFD)):,} bytes are not valid {enc} and were replaced with �")
        return text


def _bomless_utf16(data: bytes) -> tuple[str, str] | None:
    """UTF-16 without a BOM, told apart from binary data by its NUL bytes and by reading it.

    Mostly-Latin text has a NUL in every other byte, always on the same side. Chinese (or any non-Latin)
    text has few NULs (ASCII line breaks and digits, code points ending in 00); there the byte order whose
    decoding reads as text (see :func:`_reads_as_text`) is taken, and binary data reads as neither.
    """
    sample = data[: SAMPLE_BYTES & ~1]
    if len(sample) < 2 or len(data) % 2:
        return None
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    half = len(sample) // 2
    if odd_nuls > 0.3 * half and even_nuls < 0.02 * half:
        enc = "utf-16-le"
    elif even_nuls > 0.3 * half and odd_nuls < 0.02 * half:
        enc = "utf-16-be"
    else:
        # Not Latin: NULs come from ASCII characters (one side) and from code points like U+4E00 "一" (the
        # other side), so both byte orders are decoded and the one that reads as text wins.
        readings = [(chinese_score(text[:_SCORE_CHARS]), name) for name in ("utf-16-le", "utf-16-be")
                    if _reads_as_text(text := _decode_utf16_sample(sample, name))]
        if not readings:
            return None
        enc = max(readings)[1]
    try:
        return data.decode(enc), enc
    except UnicodeDecodeError:
        return None


def _decode_utf16_sample(sample: bytes, enc: str) -> str:
    """A UTF-16 sample; a surrogate pair cut at the sample's end is not an error."""
    return sample.decode(enc, errors="replace")


def _reads_as_text(text: str) -> bool:
    """Whether a decoding reads as text: everyday Chinese, or letters with few controls and no oddities."""
    if not text or "\x00" in text:
        return False
    if chinese_score(text[:_SCORE_CHARS]) >= 0.3:
        return True
    sample = text[:_SCORE_CHARS]
    odd = sum(1 for ch in sample if _is_suspicious(ch) or (ch < " " and ch not in "\t\n\r"))
    # Letters of alphabetic scripts only: a wrong byte order or random bytes decode to ideographs, which are
    # "letters" too, so Chinese must prove itself through chinese_score above.
    letters = sum(1 for ch in sample if ch.isalpha() and not "\u2e80" <= ch <= "\ufaff")
    return odd <= len(sample) // 200 and letters >= len(sample) // 2


def refuse_binary_head(head: bytes, path: str) -> None:
    """Refuse a binary file from its first bytes, before the rest is read (a 3 GB video fails at once)."""
    kind = binary_kind(head)
    if kind is not None:
        raise InputError(f"this is {kind}, not a text manuscript", path=path)
    if any(head.startswith(bom) for bom, _ in _BOMS) or b"\x00" not in head:
        return
    if _bomless_utf16(head[: len(head) & ~1]) is None:
        raise InputError("this is a binary file (it contains NUL bytes), not a text manuscript", path=path)


def _sample(data: bytes) -> bytes:
    """The first :data:`SAMPLE_BYTES`, cut at a newline so no multibyte character is split.

    In GB18030 and Big5 a trail byte is always >= 0x30 (and >= 0x40 for the two-byte forms), so ``\\n``
    is never inside a character.
    """
    if len(data) <= SAMPLE_BYTES:
        return data
    cut = data.rfind(b"\n", 0, SAMPLE_BYTES)
    return data[: cut + 1] if cut > SAMPLE_BYTES // 2 else data[:SAMPLE_BYTES]


def _decode_legacy(data: bytes, path: str, warnings: list[str]) -> tuple[str, str]:
    sample = _sample(data)
    detected, detector_sure = _charset_normalizer_guess(sample)
    candidates: list[str] = []
    if detected in _GB_FAMILY:
        candidates.append("gb18030")
    elif detected in _BIG5_FAMILY:
        candidates.append("big5")
    candidates += [c for c in ("gb18030", "big5") if c not in candidates]

    scored: list[tuple[float, str]] = []
    for enc in candidates:
        decoded = _decode_sample(sample, enc)
        if decoded is not None:
            scored.append((chinese_score(decoded[:_SCORE_CHARS]), enc))
    if len(data) % 2 == 0:
        # Chinese UTF-16 without a BOM and without a single ASCII character has no NUL byte at all; the
        # detector reads it as some legacy encoding, so it competes here on the same score.
        for enc in ("utf-16-le", "utf-16-be"):
            decoded = _decode_utf16_sample(data[: SAMPLE_BYTES & ~1], enc)
            if decoded.count("\ufffd") <= 2 and _reads_as_text(decoded):
                scored.append((chinese_score(decoded[:_SCORE_CHARS]), enc))
    # Stable sort: on a tie the detector's own choice (listed first) wins, then GB18030.
    scored.sort(key=lambda item: -item[0])
    # A few characters cannot tell GBK from Big5 reliably: say so rather than pretend.
    short = sum(1 for b in sample[:4096] if b >= 0x80) < 40

    chosen: str | None = None
    low_confidence = False
    if scored and scored[0][0] >= 0.25:
        chosen = scored[0][1]
        runner_up = scored[1][0] if len(scored) > 1 else -1.0
        low_confidence = short or scored[0][0] < 0.4 or scored[0][0] - runner_up < 0.15
    elif detected is not None and detected not in _GB_FAMILY and detected not in _BIG5_FAMILY:
        chosen = detected
        low_confidence = short or not detector_sure
    elif scored:
        chosen = scored[0][1]
        low_confidence = True
    if chosen is None:
        raise InputError(
            "cannot tell which text encoding this file uses (not UTF-8, GB18030 or Big5); "
            "save it as UTF-8 and import again",
            path=path,
        )
    text, chosen = _decode_full(data, chosen, warnings)
    if low_confidence:
        warnings.append(f"encoding guessed as {chosen} with low confidence; check that the text reads correctly")
    return text, chosen


def _charset_normalizer_guess(sample: bytes) -> tuple[str | None, bool]:
    """The detector's best encoding (Python codec name) and whether it is reasonably sure."""
    import charset_normalizer  # deferred: only legacy-encoded files pay for the import

    try:
        best = charset_normalizer.from_bytes(sample).best()
    except Exception:  # the detector is a heuristic; its failure just means "no opinion"
        return None, False
    if best is None:
        return None, False
    return str(best.encoding).lower().replace("-", "_"), float(best.chaos) < 0.1


def _decode_sample(sample: bytes, enc: str) -> str | None:
    """Decode a sample, tolerating at most a handful of bad bytes (a stray byte in a long file)."""
    codecs_to_try = _BIG5_CODECS if enc == "big5" else (enc,)
    for codec in codecs_to_try:
        try:
            return sample.decode(codec)
        except UnicodeDecodeError:
            continue
        except LookupError:
            return None
    text = sample.decode(codecs_to_try[-1], errors="replace")
    if text.count("\ufffd") > max(2, len(text) // 1000):
        return None
    return text


def _decode_full(data: bytes, enc: str, warnings: list[str]) -> tuple[str, str]:
    codecs_to_try = _BIG5_CODECS if enc == "big5" else (enc,)
    for codec in codecs_to_try:
        try:
            return data.decode(codec), codec
        except UnicodeDecodeError:
            continue
    return _decode_reporting(data, codecs_to_try[0], warnings), codecs_to_try[0]


def _check_textual(text: str, path: str) -> None:
    """Reject decodings that are mostly control characters: that is binary data, whatever decoded it."""
    sample = text[:100_000]
    if not sample:
        return
    controls = len(_CONTROL_RE.findall(sample))
    if controls > max(2, len(sample) // 100):
        raise InputError("this looks like a binary file (many control characters), not a text manuscript",
                         path=path)
