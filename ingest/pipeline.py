"""Ingest files: load → extract → chunk → embed → commit a new version atomically."""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
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
from ingest.facts import read_facts
from ingest.loaders import ParsedDocument, load_file, read_bytes
from ingest.records import extract_records
from stores import RecordStore, TaskQuery, VersionStore, doc_version
from stores.vectors import VectorIndex

__all__ = ["IngestResult", "Ingestor", "Manifest", "ManifestEntry"]

log = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = (".txt", ".md", ".pdf", ".docx")
# Raise when loaders, extraction or chunking change what a file yields: files ingested by an
# older reader are then read again on the next ingest, instead of being skipped as unchanged.
READER_VERSION = 7
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

    def cleanup(self) -> int:
        """Remove interrupted or retired versions from both stores; returns how many."""
        stale = self._versions.stale_versions()
        active = set(self._versions.active_versions())
        orphans = [v for v in self._index.versions() if v not in active]
        self._index.delete_versions(sorted(set(orphans) | {doc_version(d, v) for d, v in stale}))
        for document_id, version in stale:
            self._versions.purge(document_id, version)
        return len(stale) + len(orphans)

    def ingest_paths(
        self,
        paths: Sequence[Path],
        on_file: Callable[[IngestResult], None] | None = None,
    ) -> list[IngestResult]:
        """Ingest files and folders (recursively); a failing file does not stop the others."""
        results = []
        for path, entry in _expand(paths):
            try:
                result = self.ingest_file(path, entry=entry)
            except (StoreError, EmbedderError) as exc:  # this file fails; the next may not
                log.warning("ingest of %s failed: %s", path.name, exc)
                result = IngestResult(
                    source=path.name,
                    status="failed",
                    error="kho dữ liệu hoặc mô hình nhúng không phản hồi; tệp chưa được nạp",
                    kind="unavailable",
                )
            results.append(result)
            if on_file:
                on_file(result)
        return results

    def ingest_file(
        self,
        path: Path,
        *,
        data: bytes | None = None,
        entry: ManifestEntry | None = None,
        replace_id: str | None = None,
    ) -> IngestResult:
        """Ingest one file as a new document or a new version of an existing one.

        :param path: the file (its name is the source; read unless ``data`` is given).
        :param data: the content, for uploads.
        :param entry: manifest metadata (id, title, number, ...).
        :param replace_id: make this a new version of that document.
        :returns: the result; errors are reported in it, never half-written.
        """
        source = path.name
        try:
            return self._ingest(path, data, entry, replace_id)
        except IngestError as exc:
            log.warning("ingest failed: %s", exc)
            kind = {
                UnsupportedFileError: "unsupported",
                CorruptFileError: "corrupt",
                EmptyDocumentError: "empty",
                LimitExceededError: "limit",
            }.get(type(exc), "ingest")
            return IngestResult(source=source, status="failed", error=exc.reason, kind=kind)

    def _ingest(
        self,
        path: Path,
        data: bytes | None,
        entry: ManifestEntry | None,
        replace_id: str | None,
    ) -> IngestResult:
        source = path.name
        if data is None:
            data = read_bytes(path)
        content_hash = hashlib.sha256(data).hexdigest()
        same = self._versions.find_active_by_hash(content_hash)
        if same is not None and (replace_id is None or same.id == replace_id):
            if self._versions.reader_of(same.id, same.version) == self._reader:
                return IngestResult(
                    source=source, status="unchanged", document_id=same.id, version=same.version
                )
            # Same file, read by an older reader or gazetteer: read it again as a new version
            # (unchanged passages keep their cached vectors, so little is embedded).
            replace_id = same.id
        parsed = self._parse(path, data)
        document = self._describe(parsed, entry, content_hash, replace_id)
        extracted = extract_records(
            parsed, document_id=document.id, version=document.version, gazetteer=self._gazetteer
        )
        chunks = chunk_document(
            parsed,
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
            document, extracted.tasks, extracted.targets, reader=self._reader, changes=changes
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
            source=source,
            status="updated" if retired else "added",
            document_id=document.id,
            version=document.version,
            tasks=len(extracted.tasks),
            targets=len(extracted.targets),
            chunks=len(chunks),
            embedded=self._embed_counter() - before,
            replaced_version=max(retired) if retired else None,
            changes=changes if retired else None,
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
