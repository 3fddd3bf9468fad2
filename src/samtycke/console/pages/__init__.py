"""The console's built-in pages; importing this package registers each of them.

A page of another module joins the console by being imported here.
"""

from samtycke.console.pages import analytics, declarations, ledger, monitoring, overview, users

__all__ = ["analytics", "declarations", "ledger", "monitoring", "overview", "users"]
