"""Persistence: SQL stores behind small interfaces, and the vector index.

Usage example::

    stores = open_stores("sqlite:///data/planbot.sqlite3", gazetteer)
    stores.records.tasks(TaskQuery(agency="Sở Y tế", role="lead"))
    stores.close()
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from domain.agencies import Gazetteer
from domain.errors import StoreError
from stores.interfaces import (
    AuditEntry,
    AuditStore,
    ChannelStateStore,
    ClaimedJob,
    ConversationStore,
    EmbeddingCache,
    Job,
    JobStore,
    RateStore,
    RecordStore,
    SubscriptionStore,
    TaskQuery,
    VersionStore,
    doc_version,
)
from stores.sql.audit import SqlAuditStore
from stores.sql.documents import AgencyKeys, SqlRecordStore, SqlVersionStore
from stores.sql.engine import create_engine, migrate, translated
from stores.sql.state import (
    CHAT_PLATFORMS,
    SqlChannelStateStore,
    SqlConversationStore,
    SqlEmbeddingCache,
    SqlJobStore,
    SqlRateStore,
    SqlSubscriptionStore,
    chat_conversation_id,
    forget_chat_user,
)

__all__ = [
    "CHAT_PLATFORMS",
    "DEFAULT_CONVERSATION_IDLE",
    "AuditEntry",
    "AuditStore",
    "ChannelStateStore",
    "ClaimedJob",
    "ConversationStore",
    "EmbeddingCache",
    "Job",
    "JobStore",
    "RateStore",
    "RecordStore",
    "Stores",
    "SubscriptionStore",
    "TaskQuery",
    "VersionStore",
    "chat_conversation_id",
    "doc_version",
    "open_stores",
]

# How long a conversation may sit idle before it reads as absent, unless open_stores is told
# otherwise (the default of PLANBOT_CONVERSATION_IDLE_MINUTES).
DEFAULT_CONVERSATION_IDLE = timedelta(minutes=1440)


@dataclass
class Stores:
    """Every SQL store, over one engine."""

    engine: Engine
    versions: VersionStore
    records: RecordStore
    conversations: ConversationStore
    subscriptions: SubscriptionStore
    channels: ChannelStateStore
    jobs: JobStore
    embeddings: EmbeddingCache
    audit: AuditStore
    rates: RateStore

    @property
    def backend(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    def healthy(self) -> bool:
        """True when the database answers."""
        try:
            with translated(), self.engine.connect() as conn:
                conn.execute(sa.text("SELECT 1"))
        except StoreError:
            return False
        return True

    def forget_user(self, platform: str, user_id: str) -> dict[str, int]:
        """Erase a chat user's conversation and subscriptions (a data subject's request for
        erasure); how many of each went. ``platform`` is one of :data:`CHAT_PLATFORMS`.

        :raises ValueError: an unknown platform.
        """
        return forget_chat_user(self.engine, platform, user_id)

    def close(self) -> None:
        self.engine.dispose()


def open_stores(
    url: str,
    gazetteer: Gazetteer,
    *,
    conversation_idle: timedelta | None = DEFAULT_CONVERSATION_IDLE,
) -> Stores:
    """Connect, apply pending migrations and bring derived task data up to date.

    :param url: ``sqlite:///<path>`` or ``postgresql://user:pass@host/db``.
    :param gazetteer: resolves agency aliases and mergers for the agency filters.
    :param conversation_idle: a conversation idle this long reads as absent (None: never).
    :raises StoreError: the database cannot be reached or migrated.
    :raises ConfigurationError: the URL is not one planbot supports.
    """
    engine = create_engine(url)
    try:
        migrate(engine)
        keys = AgencyKeys(gazetteer)
        records = SqlRecordStore(engine, keys)
        records.refresh_derived()
    except StoreError:
        engine.dispose()
        raise
    except Exception as exc:  # alembic reports a broken database with its own errors
        engine.dispose()
        raise StoreError(f"database {engine.url!r}: {type(exc).__name__}: {exc}") from exc
    return Stores(
        engine=engine,
        versions=SqlVersionStore(engine, keys),
        records=records,
        conversations=SqlConversationStore(engine, conversation_idle),
        subscriptions=SqlSubscriptionStore(engine),
        channels=SqlChannelStateStore(engine),
        jobs=SqlJobStore(engine),
        embeddings=SqlEmbeddingCache(engine),
        audit=SqlAuditStore(engine),
        rates=SqlRateStore(engine),
    )
