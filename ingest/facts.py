"""A document's own facts, read from the parts Nghị định 30/2020/NĐ-CP lays down.

The header (cơ quan ban hành, "Số: 45/KH-UBND", "Tây Ninh, ngày 3 tháng 2 năm 2026"), the
opening (căn cứ, thực hiện, "Theo đề nghị của … tại Tờ trình số …") and the signature block
("TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH / Nguyễn Văn A"). A fact the document does
not state stays empty: answers then say the plan does not give it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from domain.provinces import provinces_in
from domain.text import canonical, fold, normalise_space
from ingest.loaders import ParsedDocument

__all__ = ["DocumentFacts", "attached_to", "read_facts"]

_HEAD_LINES = 40
_TAIL_LINES = 40
_SYMBOL = r"\d{1,5}\s*/\s*[A-ZĐ][A-ZĐ0-9\-]*(?:/[A-ZĐ0-9\-]+)*"
# "Số: 45/KH-UBND", or the number alone on its line of the header
_NUMBER = re.compile(rf"^\s*(?:Số\s*:\s*)?({_SYMBOL})(?=\s|$)", re.MULTILINE)

_PLACE_DATE = re.compile(
    r"(?P<place>[A-ZĐÀ-Ỹ][\wÀ-ỹĐđ .]{1,40}?),\s*ngày\s+(?P<d>\d{1,2})\s+tháng\s+(?P<m>\d{1,2})"
    r"\s+năm\s+(?P<y>\d{4})"
)
_NATIONAL = ("cong hoa xa hoi chu nghia viet nam", "doc lap", "tu do", "hanh phuc")
_KINDS = ("ke hoach", "bao cao", "cong van", "quyet dinh", "chuong trinh", "de an", "to trinh")
_OPENERS = re.compile(r"^\s*(?:Căn cứ|Thực hiện|Theo đề nghị|[IVX]+\.\s|\d+\.\s)")
_BASIS = re.compile(r"^\s*(Căn cứ|Thực hiện)\s+(.+)$")
_PROPOSER = re.compile(
    r"Theo đề nghị của\s+(?P<who>.+?)(?:\s+tại\s+(?P<paper>Tờ trình số\s+[^,;.]+?))?\s*[,;.]?\s*$"
)
_TITLE = re.compile(
    r"^(?:TM\.|KT\.|Q\.|TL\.|TUQ\.)?\s*(?:PHÓ\s+)?(?:CHỦ TỊCH|GIÁM ĐỐC|TRƯỞNG BAN|BÍ THƯ)"
)
_NAME_WORD = re.compile(r"^[A-ZĐÀ-Ỹ][a-zà-ỹđ]+$")
_NOT_NAMES = ("Sở", "Ủy", "Uỷ", "Ban", "Nơi", "Kính", "Văn", "Phòng", "Trung", "Lưu")


@dataclass(frozen=True)
class DocumentFacts:
    """What a document says of itself; None or empty when it does not say it."""

    number: str | None = None
    issuer: str | None = None
    place: str | None = None
    issued: str | None = None  # ISO date
    legal_bases: tuple[str, ...] = ()
    proposer: str | None = None
    signer: str | None = None
    signer_title: str | None = None
    province: str | None = None  # the province the issuer or the place names
    replaces: str | None = None  # number of the plan this one replaces or amends
    recipients: tuple[str, ...] = ()  # "Kính gửi: …" and "Nơi nhận: …", one body each


def read_facts(parsed: ParsedDocument) -> DocumentFacts:
    """Read the header, opening and signature block of ``parsed``."""
    lines = [canonical(line.text) for line in parsed.lines if line.text.strip()]
    head = [p for line in _header(lines) for p in _columns(line)]
    head_text = "\n".join(head)
    number = re.sub(r"\s+", "", m.group(1)) if (m := _NUMBER.search(head_text)) else None
    place = issued = None
    if m := _PLACE_DATE.search(head_text):
        place = normalise_space(m.group("place"))
        day, month, year = int(m.group("d")), int(m.group("m")), int(m.group("y"))
        if 1 <= month <= 12 and 1 <= day <= 31:
            issued = f"{year:04d}-{month:02d}-{day:02d}"
    signer, title = _signature(lines[-_TAIL_LINES:])
    issuer = _issuer(head)
    where = provinces_in(f"{issuer or ''} {place or ''}")
    return DocumentFacts(
        number=number,
        issuer=issuer,
        place=place,
        issued=issued,
        legal_bases=_bases(lines[:120]),
        proposer=_proposer(lines[:120]),
        signer=signer,
        signer_title=title,
        province=where[0] if where else None,
        replaces=_replaces(lines),
        recipients=_recipients(lines),
    )


_RELATION = re.compile(
    rf"(?:thay thế|sửa đổi, bổ sung(?: một số (?:nội dung|điều))?(?: của)?)\s+"
    rf"(?:Kế hoạch|Quyết định|Chương trình|Đề án)\s+(?:số\s+)?({_SYMBOL})",
    re.IGNORECASE,
)


# "PHỤ LỤC … (Kèm theo Kế hoạch số 45/KH-UBND ngày …)": the paper an appendix belongs to
_ATTACHED = re.compile(
    rf"kèm theo\s+(?:Kế hoạch|Quyết định|Chương trình|Đề án|Công văn|Báo cáo|Văn bản)\s+"
    rf"(?:số\s*:?\s*)?({_SYMBOL})",
    re.IGNORECASE,
)
_APPENDIX_HEAD = 12  # an appendix names its paper in its first lines


def attached_to(parsed: ParsedDocument) -> str | None:
    """The number of the paper this file is an appendix of ("Kèm theo Kế hoạch số
    45/KH-UBND"), read from its first lines; None for a paper with a number of its own."""
    head = [line.text for line in parsed.lines if line.text.strip()][:_APPENDIX_HEAD]
    if _NUMBER.search("\n".join(head)):
        return None
    m = _ATTACHED.search(" ".join(head))
    return re.sub(r"\s+", "", m.group(1)) if m else None


def _replaces(lines: list[str]) -> str | None:
    """The number of the plan this one replaces or amends ("Kế hoạch này thay thế Kế hoạch
    số 12/KH-UBND …", "sửa đổi, bổ sung Kế hoạch số …")."""
    m = _RELATION.search(" ".join(lines))
    return re.sub(r"\s+", "", m.group(1)) if m else None


_OPENING = re.compile(r"^\s*(?:Căn cứ|Thực hiện|Theo đề nghị|Kính gửi|[IVX]+\.\s|\d+\.\s)")


def _header(lines: list[str]) -> list[str]:
    """The header's lines: up to the opening ("Căn cứ", "Kính gửi", the first heading). A
    number the body quotes ("ý kiến … tại Công văn số 88/STC-NS …") is not the document's."""
    head = lines[:_HEAD_LINES]
    for i, line in enumerate(head):
        if _OPENING.match(line):
            return head[:i]
    return head


_RECIPIENTS = re.compile(r"^\s*(Kính gửi|Nơi nhận)\s*:?\s*(.*)$")
_FILING = re.compile(r"^\s*[-+•]?\s*Lưu\b")


def _recipients(lines: list[str]) -> tuple[str, ...]:
    """The bodies a paper is addressed to ("Kính gửi: …") and sent to ("Nơi nhận: - …;"),
    each once, without the filing line ("- Lưu: VT")."""
    found: list[str] = []
    for i, line in enumerate(lines):
        m = _RECIPIENTS.match(line)
        if not m:
            continue
        first = m.group(2).strip()
        # "Nơi nhận:   TM. ỦY BAN NHÂN DÂN": the right column is the signature block
        items = [first] if first and not first.isupper() else []
        for following in lines[i + 1 : i + 60]:
            text = following.strip()
            if _FILING.match(text) or _TITLE.match(text) or (text.isupper() and len(text) > 3):
                break
            if re.match(r"^[-+•]", text):
                items.append(text)
            elif items and not items[-1].rstrip().endswith((";", ".")):
                items[-1] = f"{items[-1]} {text}"  # an item wrapped onto the next line
            else:
                break
        for item in items:
            for part in re.split(r";", item):
                name = normalise_space(part.strip(" -+•;,."))
                if name and not _FILING.match(name) and name not in found:
                    found.append(name)
    return tuple(found)


def _columns(line: str) -> list[str]:
    """A header line split where a second column's text starts."""
    if _NUMBER.match(line) or re.search(r"CỘNG H[OÒ][AÀ] XÃ HỘI|Độc lập\s*-", line):
        parts = re.split(
            r"\s+(?=CỘNG H[OÒ][AÀ] XÃ HỘI|Độc lập\s*-)|(?<=\d/[A-ZĐ])(?=\Z)|(?<=[A-ZĐ0-9])\s+"
            r"(?=[A-ZĐÀ-Ỹ][a-zà-ỹđ]+(?:\s[A-ZĐÀ-Ỹ][a-zà-ỹđ]+)*,\s*ngày)",
            line,
        )
        return [p for p in parts if p.strip()]
    return [line]


def _issuer(head: list[str]) -> str | None:
    """The issuing body: the capitals above "Số:", without the national motto. Under a
    governing body ("UBND TỈNH NGHỆ AN" over "SỞ GIÁO DỤC VÀ ĐÀO TẠO") the issuer is the
    lower line, of that province."""
    found: list[str] = []
    for line in head[:12]:
        folded = fold(line)
        if line.lstrip().startswith("Số") or folded.startswith(_KINDS) or _NUMBER.match(line):
            break
        if any(part in folded for part in _NATIONAL):
            continue  # the right column, read between the issuer's lines
        if not line.isupper():
            if found:
                break
            continue
        found.append(line.strip(" -"))
    if not found:
        return None
    if len(found) > 1 and (m := _GOVERNING.match(found[0])):
        return normalise_space(f"{' '.join(found[1:])} {m.group('where')}")
    return normalise_space(" ".join(found))


_GOVERNING = re.compile(
    r"^(?:UBND|ỦY BAN NHÂN DÂN|UỶ BAN NHÂN DÂN)\s+(?P<where>(?:TỈNH|THÀNH PHỐ)\s.+)$"
)


def _paragraphs(lines: list[str]) -> list[str]:
    """Lines joined into sentences ending with ";" or "." (wrapped text is rejoined)."""
    out: list[str] = []
    current = ""
    for line in lines:
        if current and _OPENERS.match(line):
            out.append(current)  # a new basis or proposal starts a new sentence
            current = ""
        current = f"{current} {line}".strip() if current else line.strip()
        if current.endswith((";", ".", ":")):
            out.append(current)
            current = ""
    if current:
        out.append(current)
    return out


def _bases(lines: list[str]) -> tuple[str, ...]:
    """ "Căn cứ …" and "Thực hiện …" of the opening, up to the first numbered heading."""
    found = []
    for paragraph in _paragraphs(lines):
        if re.match(r"^(?:[IVX]+\.|\d+\.)\s", paragraph):
            break
        if m := _BASIS.match(paragraph):
            found.append(f"{m.group(1)} {m.group(2).rstrip(' ;.')}")
    return tuple(found)


def _proposer(lines: list[str]) -> str | None:
    for paragraph in _paragraphs(lines):
        # "…tại Tờ trình số 7/TTr-SYT ngày 02/01/2026; ý kiến của …": the proposal ends
        # where the other opinions start
        paragraph = paragraph.split(";")[0]
        if m := _PROPOSER.search(paragraph):
            who = m.group("who").rstrip(" ,;.")
            paper = m.group("paper")
            return f"{who} ({paper.strip()})" if paper else who
    return None


def _signature(tail: list[str]) -> tuple[str | None, str | None]:
    """The signer's name and title: a person's name below the title lines near the end."""
    title = None
    for line in tail:
        text = line.strip()
        if _TITLE.match(text):
            title = text  # "KT. CHỦ TỊCH" then "PHÓ CHỦ TỊCH": the last is the signer's
            continue
        words = text.split()
        if (
            title
            and 2 <= len(words) <= 5
            and all(_NAME_WORD.match(w) for w in words)
            and words[0] not in _NOT_NAMES
        ):
            return text, _title_case(title)
    return None, None


def _title_case(text: str) -> str:
    words = [w.upper() if w.endswith(".") else w for w in text.lower().split()]
    joined = " ".join(words)
    return joined[:1].upper() + joined[1:]
