"""The error of the e-mail tracking part (exit 2, like every input problem)."""

from __future__ import annotations

from samtycke.errors import SamtyckeError


class MailError(SamtyckeError):
    """A mail key, address, campaign or e-mail that samtycke cannot use."""
