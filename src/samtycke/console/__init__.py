"""The privacy console at ``/console``: sign-in, roles, and pages over the ledger.

Pages register themselves (:func:`register_page`); :class:`Console` gives the
server its routes.
"""

from samtycke.console.app import Console
from samtycke.console.html import Html, esc, table
from samtycke.console.registry import Page, PageContext, register_page

__all__ = ["Console", "Html", "Page", "PageContext", "esc", "register_page", "table"]
