"""Recording admin actions in the audit log (:func:`audit`, :func:`record_audit`).

Entries keep the client address and a fingerprint of the token sent
(:func:`domain.audit.token_fingerprint`), never the token. Recording is best effort: a store
that fails is logged and the request goes on.
"""

from __future__ import annotations

import logging

from fastapi import Request

from api.container import Container
from domain.audit import token_fingerprint
from stores import AuditEntry

__all__ = ["DETAIL_CHARS", "audit", "bearer_token", "record_audit"]

log = logging.getLogger(__name__)

# A detail longer than this is cut: an entry says what happened, it does not archive it.
DETAIL_CHARS = 2000


def bearer_token(authorization: str | None) -> str | None:
    """The token of an ``Authorization`` header (``Bearer <token>``, or a bare value); None
    when there is none."""
    if not authorization or not authorization.strip():
        return None
    scheme, _, rest = authorization.strip().partition(" ")
    token = rest.strip() if scheme.lower() == "bearer" else authorization.strip()
    return token or None


def audit(
    request: Request,
    action: str,
    outcome: str,
    *,
    document_id: str | None = None,
    job_id: str | None = None,
    detail: str | None = None,
) -> None:
    """Record an admin action of this request: its client, the fingerprint of the token it
    sent (none when absent), and what it did. Never raises: a failure is logged.

    :param action: "upload", "replace", "delete", "attach", "login_failed", …
    :param outcome: "ok", "failed" or "refused".
    """
    try:
        container = request.app.state.container
        client = request.client.host if request.client else "unknown"
        authorization = request.headers.get("authorization")
    except Exception as exc:  # no container yet (a request during start-up)
        log.warning("audit entry %s/%s not recorded: %s", action, outcome, exc)
        return
    record_audit(
        container,
        client,
        authorization,
        action,
        outcome,
        document_id=document_id,
        job_id=job_id,
        detail=detail,
    )


def record_audit(
    c: Container,
    client: str,
    authorization: str | None,
    action: str,
    outcome: str,
    *,
    document_id: str | None = None,
    job_id: str | None = None,
    detail: str | None = None,
    fingerprint: str | None = None,
) -> None:
    """:func:`audit` for code that has no :class:`Request` (``api.auth.admin_refusal``, an
    ASGI middleware): the client address and the raw ``Authorization`` header given apart.
    Never raises: a failure is logged."""
    try:
        token = bearer_token(authorization)
        configured = c.settings.admin_token
        secrets = [token, configured.get_secret_value() if configured else None]
        entry = AuditEntry(
            action=action,
            outcome=outcome,
            client=client,
            token_fingerprint=token_fingerprint(token) if token else fingerprint,
            document_id=document_id,
            job_id=job_id,
            detail=_clean(detail, secrets),
        )
        c.stores.audit.record(entry)
    except Exception as exc:  # the audit log must never break the request it records
        log.warning("audit entry %s/%s not recorded: %s", action, outcome, exc)


def _clean(detail: str | None, secrets: list[str | None]) -> str | None:
    """``detail`` cut to :data:`DETAIL_CHARS`, with the token sent and the configured admin
    token masked should either appear in it."""
    if detail is None:
        return None
    for secret in secrets:
        if secret:
            detail = detail.replace(secret, "***")
    return detail[:DETAIL_CHARS]
