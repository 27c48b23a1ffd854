"""Fingerprints of admin tokens for the audit log: which token acted, never the token.

An audit entry must tell apart "the configured admin token", "an old token a client still
sends" and "the same wrong token sent again and again" without keeping anything that would
let a reader of the log act as the admin. :func:`token_fingerprint` keeps 12 hex characters
(48 bits) of an HMAC-SHA256 of the token under a fixed, app-specific label:

* HMAC-SHA256 is one-way: the fingerprint cannot be turned back into the token, and a token
  of 24 characters or more (what ``api.admin`` requires) cannot be found by trying guesses.
* Only 48 of the 256 bits are kept, so even a guess that matches is not a proof: many tokens
  share each fingerprint, while two different tokens of one deployment collide with a chance
  of about 1 in 2.8·10¹⁴.
* The label ties fingerprints to planbot, so they match no plain SHA-256 of the token found
  elsewhere (a leaked hash list, another tool's log).

What it does not protect: a *short or common* string sent as a token (a wrong login) can be
guessed from its fingerprint by someone who reads the log and tries a dictionary, because the
label is not secret. The log never holds the string itself.
"""

from __future__ import annotations

import hashlib
import hmac

__all__ = ["FINGERPRINT_CHARS", "token_fingerprint"]

FINGERPRINT_CHARS = 12
_LABEL = b"planbot/audit/admin-token-fingerprint/v1"


def token_fingerprint(token: str) -> str:
    """A short, non-reversible fingerprint of ``token`` (12 lowercase hex characters)."""
    digest = hmac.new(_LABEL, token.encode("utf-8", "replace"), hashlib.sha256).hexdigest()
    return digest[:FINGERPRINT_CHARS]
