"""Ingest files: load → extract → chunk → embed → commit a new version atomically."""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from domain.agencies import Gazetteer
from domain.errors import (
    CorruptFileError,
    EmbedderError,
    EmptyDocumentError,
    IngestError,
    LimitExceededError,
    StoreError,
    UnsupportedFileError,
)
from domain.provinces import provinces_in
from domain.records import Document
from domain.text import canonical, fold
from ingest.changes import diff_tasks
from ingest.chunker import chunk_document
from ingest.facts import attached_to, read_facts
from ingest.loaders import ParsedDocument, load_file, read_bytes
from ingest.parts import body_first, merge
from ingest.records import extract_records
from stores import RecordStore, TaskQuery, VersionStore, doc_version
from stores.vectors import VectorIndex

__all__ = ["IngestResult", "Ingestor", "Manifest", "ManifestEntry"]

log = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = (".txt", ".md", ".pdf", ".docx", ".xlsx")
# Raise when loaders, extraction or chunking change what a file yields: files ingested by an
# older reader are then read again on the next ingest, instead of being skipped as unchanged.
READER_VERSION = 9
_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class ManifestEntry:
    """Metadata an admin records for a corpus file."""

    file: str
    id: str | None = None
    title: str | None = None
    kind: str | None = None
    number: str | None = None
    issuer: str | None = None
    issued: str | None = None
    province: str | None = None


def _province_of(entry: ManifestEntry | None) -> str | None:
    """A corpus file without a header: the province its manifest entry gives or names."""
    if entry is None:
        return None
    found = provinces_in(f"{entry.province or ''} {entry.issuer or ''} {entry.title or ''}")
    return found[0] if found else None


@dataclass
class Manifest:
    """``manifest.json`` beside corpus files: ``{"documents": [{"file": ..., ...}]}``."""

    entries: dict[str, ManifestEntry] = field(default_factory=dict)

    @classmethod
    def load(cls, folder: Path) -> Manifest:
        path = folder / "manifest.json"
        if not path.exists():
            return cls()
        try:
            data = json.loads(path.read_text("utf-8"))
            entries = [ManifestEntry(**item) for item in data.get("documents", [])]
        except (OSError, ValueError, TypeError) as exc:
            raise IngestError(str(path), f"manifest không hợp lệ: {exc}") from exc
        return cls({e.file: e for e in entries})


@dataclass(frozen=True)
class IngestResult:
    """What one file's ingest did."""

    source: str
    status: str  # "added" | "updated" | "unchanged" | "failed"
    document_id: str | None = None
    version: int | None = None
    tasks: int = 0
    targets: int = 0
    chunks: int = 0
    embedded: int = 0
    error: str | None = None
    replaced_version: int | None = None
    changes: dict[str, object] | None = None
    parts: list[str] = field(default_factory=list)  # the files read, body first
    attached_to: str | None = None  # the document an appendix on its own was added to
    ocr_pages: int = 0  # scanned PDF pages read by OCR
    ocr_confidence: float | None = None  # their words' mean confidence (0-100)
    # why it failed: "unsupported" | "corrupt" | "empty" | "limit" | "unavailable" | "ingest"
    kind: str = "ingest"


class Ingestor:
    """Builds document versions and switches them live in one step.

    A new version is written completely (records as *pending*, chunks under their own
    version key), then activated in one database transaction; only then are the previous
    version's chunks and records removed. Queries filter chunks by active version keys,
    so they never see a half-built or mixed document. ``cleanup`` removes what an
    interrupted ingest left behind.
    """

    def __init__(
        self,
        *,
        versions: VersionStore,
        records: RecordStore,
        index: VectorIndex,
        gazetteer: Gazetteer,
        embed_counter: Callable[[], int] = lambda: 0,
        parse: Callable[[Path, bytes], ParsedDocument] = load_file,
    ) -> None:
        """:param parse: reads a file's bytes into a document; the service passes the
        bounded parser (a worker process within the ingest limits)."""
        self._parse = parse
        self._versions = versions
        self._records = records
        self._index = index
        self._gazetteer = gazetteer
        self._embed_counter = embed_counter
        self._reader = f"{READER_VERSION}:{gazetteer.fingerprint()}"

    def cleanup(self, grace: timedelta | None = None) -> int:
        """Remove interrupted or retired versions from both stores; returns how many.

        :param grace: leave versions being built younger than this (another worker process
            may be building them); None removes every one (nothing else ingests).
        """
        cutoff = datetime.now(UTC).replace(tzinfo=None) - grace if grace is not None else None
        stale = self._versions.stale_versions(older_than=cutoff)
        known = self._versions.known_versions()
        # chunks of no stored version at all (their records went, the index was down)
        orphans = [v for v in self._index.versions() if v not in known]
        self._index.delete_versions(sorted(set(orphans) | {doc_version(d, v) for d, v in stale}))
        for document_id, version in stale:
            self._versions.purge(document_id, version)
        return len(stale) + len(orphans)

    def ingest_paths(
        self,
        paths: Sequence[Path],
        on_file: Callable[[IngestResult], None] | None = None,
    ) -> list[IngestResult]:
        """Ingest files and folders (recursively); a failing file does not stop the others.

        A plan's files are read together: an appendix naming a plan ("Kèm theo Kế hoạch số
        45/KH-UBND") with the file of that plan when both are given, or with the plan's
        stored files when it is held. A file already held, read by this reader, is not read
        again unless another file of its plan changed.
        """
        results: list[IngestResult] = []
        for group, entry in self._groups(list(_expand(paths)), results, on_file):
            try:
                result = self.ingest_files(
                    [(path, data) for path, data, _ in group],
                    entry=entry,
                    parsed=[parsed for _, _, parsed in group],
                )
            except (StoreError, EmbedderError) as exc:  # this plan fails; the next may not
                log.warning("ingest of %s failed: %s", group[0][0].name, exc)
                result = IngestResult(
                    source=group[0][0].name,
                    status="failed",
                    error="kho dữ liệu hoặc mô hình nhúng không phản hồi; tệp chưa được nạp",
                    kind="unavailable",
                )
            results.append(result)
            if on_file:
                on_file(result)
        return results

    def _groups(
        self,
        items: list[tuple[Path, ManifestEntry | None]],
        results: list[IngestResult],
        on_file: Callable[[IngestResult], None] | None,
    ) -> list[tuple[list[tuple[Path, bytes, ParsedDocument | None]], ManifestEntry | None]]:
        """The files to ingest, grouped by plan, with what was read of them to group them;
        files held and unchanged are reported."""
        held: dict[Path, Document] = {}  # unchanged files: the active document holding them
        changed: list[tuple[Path, bytes, ManifestEntry | None]] = []
        for path, entry in items:
            try:
                data = read_bytes(path)
            except IngestError as exc:
                results.append(_failed(path.name, exc))
                if on_file:
                    on_file(results[-1])
                continue
            doc = self._versions.find_active_by_part(hashlib.sha256(data).hexdigest())
            if doc is not None and self._versions.reader_of(doc.id, doc.version) == self._reader:
                held[path] = doc
            else:
                changed.append((path, data, entry))
        groups: dict[str, list[tuple[Path, bytes, ParsedDocument | None]]] = {}
        entries: dict[str, ManifestEntry | None] = {}
        for path, data, entry in changed:
            key, parsed = self._plan_key(path, data, entry)
            groups.setdefault(key, []).append((path, data, parsed))
            entries.setdefault(key, entry)
        # a changed file's plan is read with its unchanged files given alongside
        for key, group in groups.items():
            for path, doc in list(held.items()):
                if key in (f"id:{doc.id}", f"number:{doc.number}"):
                    group.append((path, read_bytes(path), None))
                    del held[path]
        for path, doc in held.items():
            results.append(
                IngestResult(
                    source=path.name, status="unchanged", document_id=doc.id, version=doc.version
                )
            )
            if on_file:
                on_file(results[-1])
        return [(group, entries[key]) for key, group in groups.items()]

    def _plan_key(
        self, path: Path, data: bytes, entry: ManifestEntry | None
    ) -> tuple[str, ParsedDocument | None]:
        """Which plan a file belongs to (its manifest id, the number it has or names as an
        appendix, else itself), and the file as read to tell (None when not read)."""
        if entry is not None and entry.id:
            return f"id:{entry.id}", None
        try:
            parsed = self._parse(path, data)
        except IngestError:
            return f"file:{path}", None  # the ingest reads it again and reports why
        number = attached_to(parsed) or read_facts(parsed).number
        if number:
            held = self._versions.find_active_by_number(number)
            return (f"id:{held.id}" if held else f"number:{number}"), parsed
        return f"file:{path}", parsed

    def ingest_file(
        self,
        path: Path,
        *,
        data: bytes | None = None,
        entry: ManifestEntry | None = None,
        replace_id: str | None = None,
    ) -> IngestResult:
        """Ingest one file as a new document or a new version of an existing one; an
        appendix that names a plan held ("Kèm theo Kế hoạch số 45/KH-UBND") is attached to
        it, making a new version with its other files unchanged.

        :param path: the file (its name is the source; read unless ``data`` is given).
        :param data: the content, for uploads.
        :param entry: manifest metadata (id, title, number, ...).
        :param replace_id: make this a new version of that document.
        :returns: the result; errors are reported in it, never half-written.
        """
        try:
            content = read_bytes(path) if data is None else data
        except IngestError as exc:
            return _failed(path.name, exc)
        return self.ingest_files([(path, content)], entry=entry, replace_id=replace_id)

    def ingest_files(
        self,
        files: Sequence[tuple[Path, bytes]],
        *,
        entry: ManifestEntry | None = None,
        replace_id: str | None = None,
        parsed: Sequence[ParsedDocument | None] = (),
    ) -> IngestResult:
        """Ingest the files of one plan (its body and appendices, in any order) as one
        document, or one version of it.

        :param parsed: what was already read of each file (None: not read yet).
        :returns: the result; errors are reported in it, never half-written.
        """
        try:
            return self._ingest(list(files), entry, replace_id, list(parsed))
        except IngestError as exc:
            return _failed(files[0][0].name if files else "", exc)

    def _ingest(
        self,
        files: list[tuple[Path, bytes]],
        entry: ManifestEntry | None,
        replace_id: str | None,
        known: list[ParsedDocument | None],
    ) -> IngestResult:
        if not files:
            raise EmptyDocumentError("", "không có tệp nào")
        content_hash = _content_hash([data for _, data in files])
        same = self._versions.find_active_by_hash(content_hash)
        source = files[0][0].name
        if same is not None and (replace_id is None or same.id == replace_id):
            if self._versions.reader_of(same.id, same.version) == self._reader:
                return IngestResult(
                    source=source, status="unchanged", document_id=same.id, version=same.version
                )
            # Same file, read by an older reader or gazetteer: read it again as a new version
            # (unchanged passages keep their cached vectors, so little is embedded).
            replace_id = same.id
        known += [None] * (len(files) - len(known))
        parsed = [
            read or self._parse(path, data) for (path, data), read in zip(files, known, strict=True)
        ]
        attached = None
        if len(files) == 1 and replace_id is None and (number := attached_to(parsed[0])):
            # an appendix on its own: read with the files of the plan it names, if held
            plan = self._versions.find_active_by_number(number)
            stored = self._versions.files(plan.id, plan.version) if plan else []
            kept = [(Path(n), d) for n, d in stored if n != files[0][0].name]
            if plan is not None and kept:
                attached, replace_id = plan.id, plan.id
                parsed = [self._parse(path, data) for path, data in kept] + parsed
                files = kept + files
                content_hash = _content_hash([data for _, data in files])
                if plan.content_hash == content_hash and (
                    self._versions.reader_of(plan.id, plan.version) == self._reader
                ):
                    return IngestResult(
                        source=source, status="unchanged", document_id=plan.id, version=plan.version
                    )
        order = body_first(parsed)
        files = [files[i] for i in order]
        whole = merge([parsed[i] for i in order])
        document = self._describe(whole, entry, content_hash, replace_id)
        document = replace(
            document,
            parts=tuple(path.name for path, _ in files),
            ocr_pages=sum(len(p.ocr_pages) for p in parsed),
        )
        extracted = extract_records(
            whole, document_id=document.id, version=document.version, gazetteer=self._gazetteer
        )
        chunks = chunk_document(
            whole,
            document_id=document.id,
            version=document.version,
            title=document.title,
            tasks=extracted.tasks,
            targets=extracted.targets,
            skip_ranges=extracted.table_ranges,
        )
        before = self._embed_counter()
        previous = self._records.tasks(TaskQuery(document_id=document.id))
        changes = diff_tasks(previous, extracted.tasks).to_json() if document.version > 1 else None
        self._versions.add_pending(
            document,
            extracted.tasks,
            extracted.targets,
            reader=self._reader,
            changes=changes,
            files=[(path.name, data) for path, data in files],
        )
        try:
            self._index.add(chunks)
            retired = self._versions.activate(document.id, document.version)
        except BaseException:
            # nothing half-written: the new version's records go first (the database answers
            # when the index may not), then its chunks; chunks left because the index is
            # down are never searched (not active) and go with the next cleanup
            self._versions.purge(document.id, document.version)
            self._index.delete_versions([doc_version(document.id, document.version)])
            raise
        self._index.delete_versions([doc_version(document.id, v) for v in retired])
        for old in retired:
            self._versions.purge(document.id, old)
        return IngestResult(
            source=source if attached is None else files[-1][0].name,
            status="updated" if retired else "added",
            document_id=document.id,
            version=document.version,
            tasks=len(extracted.tasks),
            targets=len(extracted.targets),
            chunks=len(chunks),
            embedded=self._embed_counter() - before,
            replaced_version=max(retired) if retired else None,
            changes=changes if retired else None,
            parts=list(document.parts),
            attached_to=attached,
            ocr_pages=document.ocr_pages or 0,
            ocr_confidence=_ocr_confidence(parsed),
        )

    def remove(self, document_id: str) -> None:
        """Delete a document: retire it, then drop its chunks and records."""
        for version in self._versions.retire(document_id):
            self._index.delete_versions([doc_version(document_id, version)])
            self._versions.purge(document_id, version)

    def _describe(
        self,
        parsed: ParsedDocument,
        entry: ManifestEntry | None,
        content_hash: str,
        replace_id: str | None,
    ) -> Document:
        text_head = "\n".join(line.text for line in parsed.lines[:80])
        facts = read_facts(parsed)
        number = (entry.number if entry else None) or facts.number
        document_id = replace_id or (entry.id if entry else None)
        if document_id is None and number:
            existing = self._versions.find_active_by_number(number)
            document_id = existing.id if existing else None
        if document_id is None:
            document_id = _slug(Path(parsed.source).stem)
        title = (entry.title if entry else None) or _detect_title(parsed) or parsed.source
        return Document(
            id=document_id,
            title=title,
            kind=(entry.kind if entry else None) or _detect_kind(title, text_head),
            number=number,
            issuer=(entry.issuer if entry else None) or facts.issuer,
            issued=(entry.issued if entry else None) or facts.issued,
            source=parsed.source,
            content_hash=content_hash,
            version=self._versions.next_version(document_id),
            place=facts.place,
            legal_bases=facts.legal_bases,
            proposer=facts.proposer,
            signer=facts.signer,
            signer_title=facts.signer_title,
            province=facts.province or _province_of(entry),
            replaces=facts.replaces,
            recipients=facts.recipients,
        )


def _failed(source: str, exc: IngestError) -> IngestResult:
    log.warning("ingest failed: %s", exc)
    kind = {
        UnsupportedFileError: "unsupported",
        CorruptFileError: "corrupt",
        EmptyDocumentError: "empty",
        LimitExceededError: "limit",
    }.get(type(exc), "ingest")
    return IngestResult(source=exc.source or source, status="failed", error=exc.reason, kind=kind)


def _ocr_confidence(parsed: Sequence[ParsedDocument]) -> float | None:
    """The files' mean OCR confidence, each weighted by its pages read by OCR."""
    read = [(len(p.ocr_pages), p.ocr_confidence) for p in parsed if p.ocr_confidence is not None]
    pages = sum(n for n, _ in read)
    return round(sum(n * c for n, c in read) / pages, 1) if pages else None


def _content_hash(contents: Sequence[bytes]) -> str:
    """One file's SHA-256; for several, the SHA-256 of theirs, whatever their order."""
    if len(contents) == 1:
        return hashlib.sha256(contents[0]).hexdigest()
    joined = "".join(sorted(hashlib.sha256(c).hexdigest() for c in contents))
    return hashlib.sha256(joined.encode()).hexdigest()


def _expand(paths: Sequence[Path]) -> Iterable[tuple[Path, ManifestEntry | None]]:
    for path in paths:
        if path.is_dir():
            manifest = Manifest.load(path)
            for child in sorted(path.rglob("*")):
                if (
                    child.is_file()
                    and child.suffix.lower() in SUPPORTED_SUFFIXES
                    and child.name.lower() != "readme.md"
                ):
                    yield child, manifest.entries.get(child.relative_to(path).as_posix())
        else:
            manifest = Manifest.load(path.parent)
            yield path, manifest.entries.get(path.name)


def _slug(text: str) -> str:
    return _SLUG.sub("-", fold(text)).strip("-")[:60] or "document"


def _detect_title(parsed: ParsedDocument) -> str | None:
    """ "KẾ HOẠCH" (or another kind) and the lines naming it, up to the first heading."""
    from ingest.chunker import heading_level

    lines = [canonical(line.text) for line in parsed.lines if line.text.strip()][:15]
    for i, line in enumerate(lines):
        if line.isupper() and fold(line).startswith(
            ("ke hoach", "bao cao", "cong van", "quyet dinh", "chuong trinh", "de an")
        ):
            words = [line.capitalize() if len(line) < 15 else line]
            for following in lines[i + 1 : i + 4]:
                if heading_level(following) is not None or following.startswith(("Căn cứ", "Kính")):
                    break
                words.append(following)
            return canonical(" ".join(words))[:200]
    return lines[0][:200] if lines else None


def _detect_kind(title: str, text: str) -> str:
    folded = fold(f"{title} {text[:400]}")
    for kind in ("ke hoach", "bao cao", "cong van", "quyet dinh", "chuong trinh", "de an"):
        if kind in folded:
            return {
                "ke hoach": "kế hoạch",
                "bao cao": "báo cáo",
                "cong van": "công văn",
                "quyet dinh": "quyết định",
                "chuong trinh": "chương trình",
                "de an": "đề án",
            }[kind]
    return "văn bản"
