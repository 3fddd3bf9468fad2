"""Scheduled scans of every site: history in the ledger database, alerts, workers.

The ``[monitor]`` table of a declaration says which pages are scanned how
often and who hears of news. The :class:`Scheduler` claims due pages in the
database and hands each scan to a runner: threads of this process (the
default, and what ``samtycke serve`` embeds) or Dramatiq workers on other
machines (``samtycke monitor worker``). Each result is stored with what was
new against the previous scan of the page, and news goes out by e-mail and
webhook.
"""

from samtycke.monitor.alerts import Alert, AlertSender, deliver, post_webhook, send_email
from samtycke.monitor.history import ScanRow
from samtycke.monitor.jobs import ScanJob, run_job
from samtycke.monitor.runners import BrokerRunner, InProcessRunner
from samtycke.monitor.schedule import Scheduler, Target, slot_of, targets_of
from samtycke.monitor.service import Monitor, load_targets
from samtycke.monitor.settings import MonitorSettings, SmtpSettings, settings_from_env

__all__ = [
    "Alert",
    "AlertSender",
    "BrokerRunner",
    "InProcessRunner",
    "Monitor",
    "MonitorSettings",
    "ScanJob",
    "ScanRow",
    "Scheduler",
    "SmtpSettings",
    "Target",
    "deliver",
    "load_targets",
    "post_webhook",
    "run_job",
    "send_email",
    "settings_from_env",
    "slot_of",
    "targets_of",
]
