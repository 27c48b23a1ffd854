"""Errors planbot raises; the surfaces (api/, bot/, CLI) translate them for users.

PlanbotError
├── ConfigurationError          settings that cannot work (unknown embedder, missing token)
├── IngestError                 a file could not be turned into a document
│   ├── UnsupportedFileError    a type we cannot read (sniffed from content)
│   ├── CorruptFileError        unreadable, encrypted or damaged
│   ├── EmptyDocumentError      no text (e.g. a scanned PDF)
│   └── LimitExceededError      past a limit of the bounded ingest (pages, size, time, ...)
├── DocumentNotFoundError       unknown document id
├── StoreError                  the vector index or database failed
│   └── IndexUnavailableError   the Chroma server does not answer
└── EmbedderError               the embedding model or endpoint failed
"""

from __future__ import annotations

__all__ = [
    "ConfigurationError",
    "CorruptFileError",
    "DocumentNotFoundError",
    "EmbedderError",
    "EmptyDocumentError",
    "IndexUnavailableError",
    "IngestError",
    "LimitExceededError",
    "PlanbotError",
    "StoreError",
    "UnsupportedFileError",
]


class PlanbotError(Exception):
    """Base of every error planbot raises on purpose."""


class ConfigurationError(PlanbotError):
    """Settings that cannot work."""


class IngestError(PlanbotError):
    """A file could not be ingested; ``source`` names it."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason

    def __reduce__(self) -> tuple[type, tuple[str, ...]]:
        # sent between processes (the bounded parser): rebuild from the arguments
        return type(self), (self.source, self.reason)


class UnsupportedFileError(IngestError):
    """The file's content is of a type planbot cannot read."""


class CorruptFileError(IngestError):
    """The file is damaged, encrypted or otherwise unreadable."""


class EmptyDocumentError(IngestError):
    """The file holds no extractable text."""


class LimitExceededError(IngestError):
    """The file passes a limit of the bounded ingest (pages, inflated size, rows, memory,
    time); ``limit`` names which."""

    def __init__(self, source: str, reason: str, limit: str) -> None:
        super().__init__(source, reason)
        self.limit = limit

    def __reduce__(self) -> tuple[type, tuple[str, ...]]:
        return type(self), (self.source, self.reason, self.limit)


class DocumentNotFoundError(PlanbotError):
    """No document has the given id."""

    def __init__(self, document_id: str) -> None:
        super().__init__(f"unknown document id: {document_id}")
        self.document_id = document_id


class StoreError(PlanbotError):
    """The vector index or the database failed."""


class IndexUnavailableError(StoreError):
    """The vector index (e.g. a Chroma server) cannot be reached."""


class EmbedderError(PlanbotError):
    """The embedding model or endpoint failed."""
