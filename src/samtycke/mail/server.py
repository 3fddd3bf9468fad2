"""How the consent server turns the mail endpoints on: a key file in its settings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from samtycke.mail.keys import load_key_file

if TYPE_CHECKING:
    from samtycke.mail.routes import MailService
    from samtycke.server.config import ServerConfig
    from samtycke.server.sites import Site


def mail_service(config: ServerConfig, sites: dict[str, Site]) -> MailService | None:
    """The mail endpoints for ``sites``, or None without ``SAMTYCKE_MAIL_KEY_FILE``.

    A configured key that cannot be read stops the server before it listens
    (MailError, exit 2), like any other bad setting.
    """
    if config.mail_key_file is None:
        return None
    from samtycke.mail.routes import MailService

    return MailService(load_key_file(config.mail_key_file), sites)
