"""Names of speakers: pull a name out of a speech tag, and gather the names into a character list.

Chinese has no capital letters, so a name is the start of the clause that carries the speech verb, cut where
the book's own word frequencies say the word ends ("阿Q歪着头说" → 阿Q because 阿Q is far more frequent than
阿Q歪). English names are capitalised words after "the"/adjectives ("said the young Crab" → Crab). Honorifics
(Mr., 先生, 太爷 …) are kept in the name and give aliases, so "Mr. Holmes" and "Holmes" are one character.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

CJK = re.compile(r"[\u4e00-\u9fff]")

# Words that open a clause but are never a speaker: conjunctions, adverbs, pronouns, numerals.
_CJK_STOP_START = set("一这那于然但便又也就却都只因所可不没有是在将把被从对向和与及此众人如若即遂乃且其忽正")
_CJK_OPENERS = ("但是", "可是", "然而", "而且", "并且", "心里",
                "且说", "却说", "话说", "当下", "于是", "只见", "忽然", "随后", "其时", "这时", "当时", "次日", "那")
_CJK_AFTER_SHORT_NAME = set("谓乃便也又却急大见遂即亦就都笑忙曰问答拜怒喜惊听视闻")
# Common surnames: a one-character name (靖) is resolved to the surname + name seen before it (邹靖).
CJK_SURNAMES = set("赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜谢邹喻柏窦章苏潘葛范彭郎鲁韦"
                   "马苗凤方俞任袁柳鲍史唐费薛雷贺倪汤殷罗毕郝邬安常乐于傅齐康伍余顾孟黄穆萧尹姚邵汪毛狄米戴宋庞熊"
                   "纪舒屈项祝董梁杜阮蓝闵季贾路江童颜郭梅盛林钟徐邱骆高夏蔡田胡凌霍虞万柯卢莫房解应宗丁宣邓郁单杭洪"
                   "包左石崔龚程邢裴陆荣翁荀甄曲封储靳焦牧山车侯全班仰秋仲伊宫宁仇栾甘厉祖武刘景詹龙叶幸司黎蓟薄白"
                   "怀蒲邰从鄂索咸籍赖卓蔺屠蒙池乔阳胥能苍双闻莘党翟谭贡劳姬申扶堵冉宰郦雍桑桂濮牛寿通边扈燕冀浦尚"
                   "农温别庄晏柴瞿阎慕连茹习宦艾鱼容向古易慎戈廖庾终居衡步都耿满弘匡国文寇广禄阙东欧殳沃利蔚越夔隆"
                   "师巩聂晁勾敖融冷辛阚那简饶空曾沙养鞠须丰巢关蒯相查后荆红游竺权盖益桓公")
# ... less the ones that open ordinary words far more often than names (解剖, 都是, 能够, 后来, 相信, 安静 …).
CJK_SURNAMES -= set("解都能那后相公通终应向从红空须养益双全山车牧曲别利越国文广东师简冷易古容居满弘仰秋甘厉祖武景幸"
                    "司白怀蒲籍咸苍闻党贡劳申扶宰边尚农庄习艾鱼戈步匡禄欧蔚隆勾融辛曾沙丰巢查游权盖宗宣单包石班仇"
                    "伊宫乐于安常和明高华金方任时平伍余顾孟万干")
CJK_PRONOUNS = {"他": "he", "她": "she", "伊": "she", "我": "I"}
CJK_GROUPS = ("们", "众", "大家", "一人", "其人", "有人", "二人", "三人", "齐声")
CJK_HONORIFICS = ("先生", "太爷", "老爷", "太太", "夫人", "小姐", "少爷", "奶奶", "大爷", "嫂", "爷")
EN_HONORIFICS = ("Mr.", "Mrs.", "Miss", "Dr.", "Lady", "Lord", "Sir", "King", "Queen", "Captain", "Aunt", "Uncle")
EN_PRONOUNS = {"he": "he", "she": "she", "i": "I", "it": "it", "they": "they"}
_EN_NOT_NAMES = {"At", "In", "On", "As", "When", "Presently", "Suddenly", "Finally", "Soon", "If", "Chapter",
                 "The", "A", "An", "And", "But", "Then",
                 "Oh", "Yes", "No", "Well", "What", "Why", "I", "It",
                 "He", "She", "They", "We", "You", "This", "That", "There", "Here", "So", "Now", "Ah"}


_CJK_ROLE_ENDINGS = ("先生", "太爷", "老爷", "太太", "夫人", "小姐", "少爷", "奶奶", "大爷", "嫂", "妈", "爷", "秀才",
                     "和尚", "尼姑", "掌柜", "地保", "老人", "公", "德")


def looks_like_cjk_name(name: str) -> bool:
    """A name starts with a surname (王胡, 邹七嫂), with 阿/小/老 (阿Q, 小D, 老尼姑), or ends with a title or
    role (藤野先生, 秀才, 掌柜); "解剖" or "还记得" opening a clause does not."""
    return (name[0] in CJK_SURNAMES or name[0] in "阿小老" or name.endswith(_CJK_ROLE_ENDINGS)
            or not CJK.match(name[0]))


def cjk_name(segment: str, freq: Counter[str]) -> str | None:
    """The name at the start of a Chinese clause, or a pronoun marker; None when the clause opens with no name.

    ``freq`` counts 1-4 character strings over the whole book: a name is extended one character at a time
    while the longer string stays nearly as frequent (the added character belongs to the word).
    """
    seg = segment.strip(" ，,、：:；;“”\"「」")
    for opener in _CJK_OPENERS:
        if seg.startswith(opener):
            seg = seg[len(opener):]
    if not seg or (not CJK.match(seg[0]) and not seg[0].isalnum()):
        return None
    if seg[0] in CJK_PRONOUNS and (len(seg) == 1 or seg[1] not in "们"):
        return CJK_PRONOUNS[seg[0]]
    if any(seg.startswith(g) for g in CJK_GROUPS) or seg[0] in _CJK_STOP_START:
        return None
    if any(g in seg for g in ("齐声", "一齐", "同声")) or (len(seg) > 2 and seg[2:3] == "、") or seg[1:2] == "、":
        return None  # several speakers at once
    if re.match(r"[^与和及同]{1,3}[与和及][^，,]{1,3}$", seg):
        return None  # "嵩与儁计曰": two speakers
    if len(seg) <= 2:
        return seg
    if freq[seg[:2]] < 2 and seg[1] in _CJK_AFTER_SHORT_NAME:
        return seg[0]  # "植谓玄德曰", "操故无恙": a one-character name (resolved against the full name later)
    name = seg[:2]
    for n in range(3, min(5, len(seg) + 1)):
        longer = seg[:n]
        if freq[longer] >= 2 and freq[longer] >= 0.6 * freq[longer[:-1]]:
            name = longer
        else:
            break
    if freq[name] < 2 or not looks_like_cjk_name(name):
        return None
    if any(g in name for g in ("们",)):
        return None
    return name


_EN_NAME = r"(?:(?:Mr\.|Mrs\.|Dr\.)\s+)?[A-Z][\w’'\-]*(?:\s+(?:Von\s+|de\s+)?[A-Z][\w’'\-]*)*"
_EN_ADJ = r"(?:(?:old|young|poor|little|wise|great|strange)\s+)*"


def en_name(phrase: str) -> str | None:
    """Name or pronoun marker from an English subject phrase ("the young Crab", "poor Alice", "he")."""
    p = phrase.strip()
    low = p.lower()
    if low in EN_PRONOUNS:
        return EN_PRONOUNS[low]
    caps = [_drop_leading_not_names(w) for w in re.findall(_EN_NAME, p)]
    caps = [w for w in caps if w]
    if caps and re.fullmatch(rf"(?:(?:the|our|a|poor|little|old|young|wise)\s+)*{re.escape(caps[-1])}", p):
        return caps[-1]
    m = re.fullmatch(rf"(?:the|our)\s+{_EN_ADJ}(?:\w+\s+)?([a-z]+)", p)
    if m and m.group(1) not in ("voices", "party", "others", "rest", "crowd", "people"):
        return m.group(1)
    return None


def _drop_leading_not_names(words: str) -> str:
    """"Finally Tom" → "Tom": sentence adverbs and articles are capitalised too."""
    parts = words.split()
    while parts and parts[0] in _EN_NOT_NAMES:
        parts.pop(0)
    return " ".join(parts)


FEMALE_TITLES = ("Aunt", "Mrs.", "Miss", "Lady", "Queen", "Duchess", "Mother", "Madame")
MALE_TITLES = ("Mr.", "Uncle", "King", "Sir", "Lord", "Father", "Captain", "Dr.")


def proper_nouns(paragraphs: list[str]) -> set[str]:
    """English names the book uses often: capitalised words (with a title: "Aunt Polly") seen at least three
    times where a sentence does not start. Lets "he"/"she" find a character no speech tag has named yet."""
    counts: Counter[str] = Counter()
    for text in paragraphs:
        if CJK.search(text):
            continue
        for m in re.finditer(r"(?<![.!?“\"]\s)(?<!^)\b((?:(?:Aunt|Uncle|Mr\.|Mrs\.|Miss|Dr\.)\s+)?[A-Z][a-z]+)\b",
                             text):
            word = m.group(1)
            if word.split()[0] not in _EN_NOT_NAMES:
                counts[word] += 1
    return {w for w, n in counts.items() if n >= 3}


def base_name(name: str) -> str:
    """The name without honorific, for grouping aliases ("Mr. Holmes" → Holmes, 赵太爷 → 赵)."""
    for h in EN_HONORIFICS:
        if name.startswith(h + " "):
            return name[len(h) + 1:]
    for h in CJK_HONORIFICS:
        if name.endswith(h) and len(name) > len(h):
            return name[: -len(h)]
    return name


@dataclass
class Character:
    """One speaker found in the book: the name used most, the other forms, and how often each spoke."""

    name: str
    aliases: list[str] = field(default_factory=list)
    quotes: int = 0
    honorific: str | None = None


def build_characters(speakers: list[str]) -> list[Character]:
    """Group attributed speaker names into characters, most frequent first.

    Two names are one character when one is the other plus an honorific or a first name ("Holmes",
    "Sherlock Holmes", "Mr. Holmes"; 赵太爷 / 赵). Pronoun markers and common nouns are not characters.
    """
    counts = Counter(s for s in speakers if s and s not in ("he", "she", "it", "they"))
    groups: dict[str, Character] = {}
    for name, n in counts.most_common():
        key = base_name(name)
        owner = next((c for k, c in groups.items()
                      if k == key or (" " in k and k.endswith(" " + key)) or (" " in key and key.endswith(" " + k))),
                     None)
        if owner is None:
            honor = next((h for h in EN_HONORIFICS + CJK_HONORIFICS if h in name and name != key), None)
            groups[key] = Character(name=name, quotes=n, honorific=honor)
        else:
            owner.aliases.append(name)
            owner.quotes += n
    return sorted(groups.values(), key=lambda c: -c.quotes)


def ngram_counts(paragraphs: list[str]) -> Counter[str]:
    """1-4 character strings of the CJK text, counted over the whole book (for :func:`cjk_name`)."""
    freq: Counter[str] = Counter()
    for text in paragraphs:
        if not CJK.search(text):
            continue
        for i in range(len(text)):
            for n in range(1, 5):
                if i + n <= len(text):
                    freq[text[i:i + n]] += 1
    return freq
