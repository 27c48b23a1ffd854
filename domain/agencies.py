"""Agency gazetteer: canonical names, aliases, and splitting of agency cells."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from domain.errors import ConfigurationError
from domain.text import canonical, fold

__all__ = ["Gazetteer", "agency_key", "opens_agency"]

_PUNCT = re.compile(r"[^0-9a-z ]+")
# Words that open an agency name; a comma-separated piece that does not open with one
# continues the previous name ("Sở Văn hóa, Thể thao và Du lịch", "các sở, ban, ngành").
_HEADS = (
    "so",
    "ban",
    "ubnd",
    "uy ban",
    "cong an",
    "dai",
    "bao",
    "van phong",
    "cac",
    "bo",
    "cuc",
    "chi nhanh",
    "ngan hang",
    "kho bac",
    "truong",
    "vien",
    "hoi",
    "lien doan",
    "tinh doan",
    "tinh uy",
    "trung tam",
    "thanh tra",
    "dang uy",
    "mat tran",
    "hoi dong",
    "doanh nghiep",
    "co quan",
    "don vi",
    "phong",
    "quy",
    "benh vien",
    "buu dien",
    "vien thong",
    "viettel",
    "vnpt",
    "to chuc",
    "thanh uy",
    "huyen uy",
    "thi uy",
    "nha xuat ban",
    "hdnd",
    "bhxh",
    "bao hiem",
    "nhan dan",
)
_COLLECTIVE_TAIL = re.compile(
    r"^(ban|nganh|so|huyen|thi xa|thanh pho|xa|phuong|thi tran|dia phuong|don vi|co quan|"
    r"to chuc|doanh nghiep|hoi|doan the)\b"
)


def agency_key(text: str) -> str:
    """A matching key: folded, "Ủy ban nhân dân" -> "ubnd", punctuation dropped."""
    key = fold(text).replace("&", " ")
    key = key.replace("uy ban nhan dan", "ubnd")
    key = _PUNCT.sub(" ", key)
    return " ".join(key.split())


def opens_agency(piece: str) -> bool:
    """Whether ``piece`` starts like an agency name ("Sở ...", "UBND ...", "các sở ...")."""
    key = agency_key(piece)
    return any(key == head or key.startswith(head + " ") for head in _HEADS)


@dataclass
class Gazetteer:
    """Canonical agency names with their aliases.

    Usage example::

        gaz = Gazetteer.load()
        gaz.canonical("Sở TT&TT")          # "Sở Thông tin và Truyền thông"
        gaz.split("Sở Nội vụ, Sở Thông tin và Truyền thông")
    """

    names: dict[str, str] = field(default_factory=dict)  # key -> canonical name
    merged: dict[str, str] = field(default_factory=dict)  # old canonical -> new canonical
    # An agency reorganised into another keeps its own name in old plans (SEMANTICS §1):
    # old canonical -> (successor canonical, since when), shown beside answers, never swapped.
    successors: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    # canonical name -> its alias keys, built on first use (``extend`` resets it)
    _keys_by_name: dict[str, list[str]] | None = field(default=None, repr=False, compare=False)

    @classmethod
    def load(cls, extra: Iterable[Path] = ()) -> Gazetteer:
        """Load the bundled gazetteer, then each file in ``extra`` (admins' additions).

        :raises ConfigurationError: an extra file is missing or not valid JSON.
        """
        gaz = cls()
        bundled = resources.files("domain").joinpath("data/agencies.json").read_text("utf-8")
        gaz.extend(json.loads(bundled))
        for path in extra:
            try:
                gaz.extend(json.loads(Path(path).read_text("utf-8")))
            except (OSError, ValueError) as exc:
                raise ConfigurationError(f"agency gazetteer {path}: {exc}") from exc
        return gaz

    def extend(self, data: dict[str, object]) -> None:
        """Add the agencies of one gazetteer file's content."""
        self._keys_by_name = None
        entries = data.get("agencies", [])
        if not isinstance(entries, list):
            raise ConfigurationError("agency gazetteer: 'agencies' must be a list")
        for entry in entries:
            name = canonical(str(entry["name"]))
            self.names[agency_key(name)] = name
            for alias in entry.get("aliases", []):
                self.names[agency_key(str(alias))] = name
            if entry.get("merged_into"):
                self.merged[name] = canonical(str(entry["merged_into"]))
            if isinstance(entry.get("succeeded_by"), dict):
                successor = entry["succeeded_by"]
                since = successor.get("date")
                self.successors[name] = (
                    canonical(str(successor["name"])),
                    str(since) if since else None,
                )

    def related(self, name: str) -> list[tuple[str, str]]:
        """Agencies ``name`` was reorganised into, or that were reorganised into it:
        (other name, "successor" | "predecessor")."""
        found = [(new, "successor") for old, (new, _) in self.successors.items() if old == name]
        found += [(old, "predecessor") for old, (new, _) in self.successors.items() if new == name]
        return found

    def canonical(self, name: str) -> str:
        """The canonical form of ``name``; unknown names come back cleaned."""
        cleaned = canonical(name).strip(" ,;.:-")
        found = self.names.get(agency_key(cleaned))
        if found is None:
            return cleaned[:1].upper() + cleaned[1:] if cleaned else cleaned
        while found in self.merged:
            found = self.merged[found]
        return found

    def fingerprint(self) -> str:
        """A digest of every name and merger: records read with another gazetteer differ."""
        content = json.dumps([sorted(self.names.items()), sorted(self.merged.items())])
        return hashlib.sha256(content.encode()).hexdigest()[:16]

    def with_names(self, names: Iterable[str]) -> Gazetteer:
        """A copy that also knows ``names`` (agencies a plan names that no file lists).

        Collective names ("Các sở, ngành liên quan") are left out: they name no one agency.
        """
        known = dict(self.names)
        for name in names:
            key = agency_key(name)
            if key and key not in known and not _COLLECTIVE_NAME.search(key):
                known[key] = canonical(name)
        return Gazetteer(known, dict(self.merged), dict(self.successors))

    def keys_of(self, names: Iterable[str]) -> list[str]:
        """The matching keys of every alias of ``names`` (canonical names)."""
        wanted = set(names)
        if self._keys_by_name is None:
            by_name: dict[str, list[str]] = {}
            for key, name in self.names.items():
                by_name.setdefault(self.canonical(name), []).append(key)
            self._keys_by_name = by_name
        return [key for name in wanted for key in self._keys_by_name.get(name, [])]

    def find(self, text: str) -> list[str]:
        """Canonical names of the known agencies mentioned in ``text``, longest first."""
        key = f" {agency_key(text)} "
        found: list[str] = []
        for alias_key in sorted(self.names, key=len, reverse=True):
            if f" {alias_key} " in key:
                name = self.canonical(self.names[alias_key])
                if name not in found:
                    found.append(name)
                key = key.replace(f" {alias_key} ", " | ")
        return found

    def split(self, cell: str) -> list[str]:
        """Split an agency cell into canonical agency names.

        "Các sở, ban, ngành, UBND các huyện, thị xã, thành phố" gives two collective
        names; "Sở Văn hóa, Thể thao và Du lịch" stays one.
        """
        text = canonical(cell).strip(" ,;.")
        if not text or text in {"-", "–"}:
            return []
        # Two names written side by side without a separator: "... Công nghệ Sở Thông tin".
        text = re.sub(r"(?<=[a-zà-ỹ])\s+(?=(?:Sở|Công an) [A-ZÀ-ỸĐ])", "; ", text)
        protected: dict[str, str] = {}
        for alias_key in sorted(self.names, key=len, reverse=True):
            if "," not in self.names[alias_key] and " và " not in self.names[alias_key]:
                continue
            pattern = _pattern_for(alias_key)
            for match in list(pattern.finditer(text)):
                token = f"\x00{len(protected)}\x00"
                protected[token] = match.group(0)
                text = text.replace(match.group(0), token, 1)
        raw_pieces = re.split(
            r"\s*[;,]\s*|\s+và\s+(?=các\b|Các\b|Sở\b|UBND\b|Công an\b|\x00)", text
        )
        pieces: list[str] = []
        for piece in raw_pieces:
            for token, original in protected.items():
                piece = piece.replace(token, original)
            piece = piece.strip(" .-")
            if not piece:
                continue
            continues = pieces and (
                not opens_agency(piece)
                or (
                    _COLLECTIVE_TAIL.match(agency_key(piece))
                    and piece[:1].islower()
                    and _is_collective(pieces[-1])
                )
            )
            if continues:
                pieces[-1] = f"{pieces[-1]}, {piece}"
            else:
                pieces.append(piece)
        result: list[str] = []
        for piece in pieces:
            name = self.canonical(piece)
            if name and name not in result:
                result.append(name)
        return result


# "Các sở, ngành liên quan", "UBND thành phố, thị xã đủ điều kiện": many agencies, not one.
_COLLECTIVE_NAME = re.compile(r"(?:^| )cac |lien quan|du dieu kien")


def _is_collective(piece: str) -> bool:
    key = agency_key(piece)
    return key.startswith(("cac ", "ubnd cac", "ubnd thanh pho", "ubnd huyen")) or " cac " in key


def _pattern_for(alias_key: str) -> re.Pattern[str]:
    """A regex matching the text form of an alias key, tolerant of diacritics and punctuation."""
    words = alias_key.split()
    return re.compile(r"[\s,;&-]*".join(_fold_class(w) for w in words), re.IGNORECASE)


_FOLD_CLASS: dict[str, str] = {}


def _fold_class(word: str) -> str:
    """A regex for ``word`` (already folded) that also matches its accented forms."""
    return "".join(_char_class(ch) for ch in word)


def _char_class(ch: str) -> str:
    if not _FOLD_CLASS:
        letters = "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵdđ"
        for letter in letters:
            base = fold(letter)
            _FOLD_CLASS[base] = _FOLD_CLASS.get(base, "") + letter
    return f"[{_FOLD_CLASS[ch]}]" if ch in _FOLD_CLASS else re.escape(ch)
