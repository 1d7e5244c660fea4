"""Shared material for the importer tests: real text (copied, CI has no /work/shared) and file builders.

The Chinese prose is Lu Xun's 朝花夕拾 (public domain): 小引 verbatim with its YAML front matter and the
``<p class="writing-date">`` line, an excerpt of 从百草园到三味书屋 with its ``<br>`` lines, and passages
of 藤野先生 (simplified, and the same passages in traditional characters for Big5).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

XIAOYIN_MD = (
    "---\n"
    "title: 小引\n"
    "volume: 朝花夕拾\n"
    "source: 朝花夕拾_小引.txt\n"
    "---\n"
    "\n"
    "\n"
    "我常想在纷扰中寻出一点闲静来，然而委实不容易。目前是这么离奇，心里是这么芜杂。一"
    "个人做到只剩了回忆的时候，生涯大概总要算是无聊了罢，但有时竟会连回忆也没有。中国"
    "的做文章有轨范，世事也仍然是螺旋。前几天我离开中山大学的时候，便想起四个月以前的"
    "离开厦门大学；听到飞机在头上鸣叫，竟记得了一年前在北京城上日日旋绕的飞机。我那时"
    "还做了一篇短文，叫做《一觉》。现在是，连这“一觉”也没有了。\n"
    "\n"
    "广州的天气热得真早，夕阳从西窗射入，逼得人只能勉强穿一件单衣。书桌上的一盆“水横"
    "枝”，是我先前没有见过的：就是一段树，只要浸在水中，枝叶便青葱得可爱。看看绿叶，"
    "编编旧稿，总算也在做一点事。做着这等事，真是虽生之日，犹死之年，很可以驱除炎热的"
    "。\n"
    "\n"
    "前天，已将《野草》编定了；这回便轮到陆续载在《莽原》上的《旧事重提》，我还替他改"
    "了一个名称：《朝花夕拾》。带露折花，色香自然要好得多，但是我不能够。便是现在心目"
    "中的离奇和芜杂，我也还不能使他即刻幻化，转成离奇和芜杂的文章。或者，他日仰看流云"
    "时，会在我的眼前一闪烁罢。\n"
    "\n"
    "我有一时，曾经屡次忆起儿时在故乡所吃的蔬果：菱角，罗汉豆，茭白，香瓜。凡这些，都"
    "是极其鲜美可口的；都曾是使我思乡的蛊惑。后来，我在久别之后尝到了，也不过如此；惟"
    "独在记忆上，还有旧来的意味留存。他们也许要哄骗我一生，使我时时反顾。这十篇就是从"
    "记忆中抄出来的，与实际容或有些不同，然而我现在只记得是这样。文体大概很杂乱，因为"
    "是或作或辍，经了九个月之多。环境也不一：前两篇写于北京寓所的东壁下；中三篇是流离"
    "中所作，地方是医院和木匠房；后五篇却在厦门大学的图书馆的楼上，已经是被学者们挤出"
    "集团之后了。\n"
    "\n"
    "<p class=\"writing-date\">一九二七年五月一日，鲁迅于广州白"
    "云楼记。</p>"
)

BAICAOYUAN_EXCERPT_MD = (
    "---\n"
    "title: 从百草园到三味书屋\n"
    "volume: 朝花夕拾\n"
    "---\n"
    "\n"
    "“先生，‘怪哉’这虫，是怎么一回事？……”我上了生书，将要退下来的时候，赶忙问。"
    "<br>\n"
    "\n"
    "“不知道！”他似乎很不高兴，脸上还有怒色了。<br>\n"
    "\n"
    "我才知道做学生是不应该问这些事的，只要读书，因为他是渊博的宿儒，决不至于不知道，"
    "所谓不知道者，乃是不愿意说。年纪比我大的人，往往如此，我遇见过好几回了。我就只读"
    "书，正午习字，晚上对课。先生最初这几天对我很严厉，后来却好起来了，不过给我读的书"
    "渐渐加多，对课也渐渐地加上字去，从三言到五言，终于到七言。\n"
)

# (chapter title, paragraphs): realistic simplified Chinese with chapter headings, GBK-encodable.
NOVEL_ZH: list[tuple[str, list[str]]] = [
    ("第一章 东京", [
        "东京也无非是这样。上野的樱花烂熳的时节，望去确也像绯红的轻云，但花下也缺不了成群结队的"
        "“清国留学生”的速成班，头顶上盘着大辫子，顶得学生制帽的顶上高高耸起，形成一座富士山。",
        "也有解散辫子，盘得平的，除下帽来，油光可鉴，宛如小姑娘的发髻一般，还要将脖子扭几扭。实在标致极了。",
    ]),
    ("第二章 仙台", [
        "到别的地方去看看，如何呢？我就往仙台的医学专门学校去。从东京出发，不久便到一处驿站，写道：日暮里。"
        "不知怎地，我到现在还记得这名目。",
        "其次却只记得水户了，这是明的遗民朱舜水先生客死的地方。仙台是一个市镇，并不大；冬天冷得利害；"
        "还没有中国的学生。",
    ]),
    ("第三章 藤野先生", [
        "大概是物以希为贵罢。北京的白菜运往浙江，便用红头绳系住菜根，倒挂在水果店头，尊为“胶菜”；"
        "福建野生着的芦荟，一到北京就请进温室，且美其名曰“龙舌兰”。",
        "我到仙台也颇受了这样的优待，不但学校不收学费，几个职员还为我的食宿操心。",
    ]),
]

# The same passages in traditional characters, Big5-encodable.
NOVEL_ZH_TRAD: list[tuple[str, list[str]]] = [
    ("第一章 東京", [
        "東京也無非是這樣。上野的櫻花爛熳的時節，望去確也像緋紅的輕雲，但花下也缺不了成群結隊的"
        "「清國留學生」的速成班，頭頂上盤著大辮子，頂得學生制帽的頂上高高聳起，形成一座富士山。",
        "也有解散辮子，盤得平的，除下帽來，油光可鑑，宛如小姑娘的髮髻一般，還要將脖子扭幾扭。實在標緻極了。",
    ]),
    ("第二章 仙臺", [
        "到別的地方去看看，如何呢？我就往仙臺的醫學專門學校去。從東京出發，不久便到一處驛站，寫道：日暮里。"
        "不知怎地，我到現在還記得這名目。",
        "其次卻只記得水戶了，這是明的遺民朱舜水先生客死的地方。仙臺是一個市鎮，並不大；冬天冷得利害；"
        "還沒有中國的學生。",
    ]),
    ("第三章 藤野先生", [
        "大概是物以希為貴罷。北京的白菜運往浙江，便用紅頭繩繫住菜根，倒掛在水果店頭，尊為「膠菜」；"
        "福建野生著的蘆薈，一到北京就請進溫室，且美其名曰「龍舌蘭」。",
        "我到仙臺也頗受了這樣的優待，不但學校不收學費，幾個職員還為我的食宿操心。",
    ]),
]


def render_txt(chapters: list[tuple[str, list[str]]], *, newline: str = "\n", indent: str = "\u3000\u3000",
               blank_lines: bool = False) -> str:
    """A TXT manuscript the way Chinese novels are distributed: indented paragraphs, one per line."""
    lines: list[str] = []
    for title, paragraphs in chapters:
        lines.append(title)
        for para in paragraphs:
            lines.append(indent + para)
            if blank_lines:
                lines.append("")
    return newline.join(lines) + newline


def structure(book: object) -> list[tuple[str, list[str]]]:
    """(title, paragraph texts) per chapter: what the user sees in the chapter tree."""
    return [(c.title, [p.text for p in c.paragraphs]) for c in book.chapters]  # type: ignore[attr-defined]


def write_zip(path: Path, files: dict[str, str | bytes], *, mimetype: str | None = None) -> Path:
    """A ZIP written by hand (EPUB rules: ``mimetype`` first and stored)."""
    with zipfile.ZipFile(path, "w") as zf:
        if mimetype is not None:
            zf.writestr(zipfile.ZipInfo("mimetype"), mimetype, compress_type=zipfile.ZIP_STORED)
        for name, data in files.items():
            zf.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)
    return path


CONTAINER_XML = (
    '<?xml version="1.0"?>\n'
    '<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">\n'
    '  <rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>'
    "</rootfiles>\n"
    "</container>\n"
)


def xhtml(body: str, title: str = "") -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<html xmlns="http://www.w3.org/1999/xhtml"><head><title>' + title + "</title></head>\n"
        "<body>\n" + body + "\n</body></html>\n"
    )


def epub2_files(*, spine: list[str] | None = None, drop: tuple[str, ...] = (),
                with_toc: bool = True) -> dict[str, str | bytes]:
    """An EPUB 2 book with an NCX table of contents only (no nav document), content under OEBPS/Text/.

    Manifest order is ch1, ch2, ch3; the spine order is cover, titlepage, ch2, ch1, ch3 unless given.
    ``drop`` leaves files out of the archive (to make a broken book); ``with_toc=False`` empties the NCX.
    """
    spine = spine if spine is not None else ["cover", "titlepage", "ch2", "ch1", "ch3"]
    opf = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<package xmlns="http://www.idpf.org/2007/opf" version="2.0" unique-identifier="bookid">\n'
        '  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:opf="http://www.idpf.org/2007/opf">\n'
        "    <dc:title>朝花夕拾（选）</dc:title>\n"
        '    <dc:creator opf:role="aut">鲁迅</dc:creator>\n'
        "    <dc:language>zh-CN</dc:language>\n"
        '    <dc:identifier id="bookid">urn:uuid:0000-test</dc:identifier>\n'
        "  </metadata>\n"
        "  <manifest>\n"
        '    <item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>\n'
        '    <item id="ch1" href="Text/ch1.xhtml" media-type="application/xhtml+xml"/>\n'
        '    <item id="ch2" href="Text/ch2.xhtml" media-type="application/xhtml+xml"/>\n'
        '    <item id="ch3" href="Text/ch3.xhtml" media-type="application/xhtml+xml"/>\n'
        '    <item id="cover" href="Text/cover.xhtml" media-type="application/xhtml+xml"/>\n'
        '    <item id="titlepage" href="Text/titlepage.xhtml" media-type="application/xhtml+xml"/>\n'
        "  </manifest>\n"
        '  <spine toc="ncx">' + "".join(f'<itemref idref="{i}"/>' for i in spine) + "</spine>\n"
        '  <guide><reference type="cover" title="封面" href="Text/cover.xhtml"/></guide>\n'
        "</package>\n"
    )
    nav_points = (
        '    <navPoint id="n1" playOrder="1"><navLabel><text>狗·猫·鼠</text></navLabel>'
        '<content src="Text/ch2.xhtml"/></navPoint>\n'
        '    <navPoint id="n2" playOrder="2"><navLabel><text>阿长与《山海经》</text></navLabel>'
        '<content src="Text/ch1.xhtml"/></navPoint>\n'
        '    <navPoint id="n3" playOrder="3"><navLabel><text>藤野先生</text></navLabel>'
        '<content src="Text/ch3.xhtml#top"/></navPoint>\n'
    )
    ncx = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1">\n'
        '  <head><meta name="dtb:uid" content="urn:uuid:0000-test"/></head>\n'
        "  <docTitle><text>朝花夕拾（选）</text></docTitle>\n"
        "  <navMap>\n" + (nav_points if with_toc else "") + "  </navMap>\n"
        "</ncx>\n"
    )
    files: dict[str, str | bytes] = {
        "META-INF/container.xml": CONTAINER_XML,
        "OEBPS/content.opf": opf,
        "OEBPS/toc.ncx": ncx,
        "OEBPS/Text/cover.xhtml": xhtml('<div><img src="../Images/cover.jpg" alt="封面"/></div>', "封面"),
        "OEBPS/Text/titlepage.xhtml": xhtml("<h1>朝花夕拾（选）</h1><p>鲁迅</p>", "朝花夕拾（选）"),
        "OEBPS/Text/ch1.xhtml": xhtml(
            "<h2>阿长与《山海经》</h2>\n"
            "<p>长妈妈，已经说过，是一个一向带领着我的女工，说得阔气一点，就是我的保姆。</p>\n"
            "<p>我的母亲和许多别的人都这样称呼她，似乎略带些客气的意义。</p>",
            "阿长与《山海经》",
        ),
        "OEBPS/Text/ch2.xhtml": xhtml(
            "<h2>狗·猫·鼠</h2>\n<p>从去年起，仿佛听得有人说我是仇猫的。</p>", "狗·猫·鼠"
        ),
        "OEBPS/Text/ch3.xhtml": xhtml(
            '<h2 id="top">藤野先生</h2>\n<p>东京也无非是这样。</p>\n'
            "<p>上野的樱花烂熳的时节，望去确也像绯红的轻云。</p>",
            "藤野先生",
        ),
    }
    for name in drop:
        files.pop(name, None)
    return files
