"""Recipients' choices are ledger records in the chain, under a recipient id only."""

from __future__ import annotations

from typing import Any

from sqlalchemy import MetaData, select

from samtycke.declaration.fingerprint import canonical_json, fingerprint
from samtycke.ledger import Decision, verify_chain
from samtycke.mail import ChoiceCache, MailChoice, MailTracker
from samtycke.mail.choices import snapshot_fingerprint

ADA = "Ada.Lovelace@Example.com"


def everything_stored(tracker: MailTracker) -> str:
    """Every value in every table of the ledger database, as one text."""
    meta = MetaData()
    meta.reflect(tracker.ledger.engine)
    rows: list[Any] = []
    with tracker.ledger.engine.connect() as conn:
        for table in meta.sorted_tables:
            rows += conn.execute(select(table)).all()
    return repr(rows).lower()


def test_a_choice_is_a_record_in_the_same_chain(tracker: MailTracker) -> None:
    rec = tracker.record(ADA, opens=True, clicks=False)
    d = rec.decision
    assert d.consent_id == tracker.recipient_id(ADA) and d.site == "shop"
    assert dict(d.choices) == {"necessary": True, "email-open": True, "email-click": False}
    assert d.fingerprint == snapshot_fingerprint(tracker.decl)
    assert tracker.choice(ADA.lower()) == MailChoice(True, False, d.record_id)
    tracker.record(ADA, opens=False, clicks=False, method="withdraw")
    assert tracker.choice(ADA).anything is False
    assert verify_chain(tracker.ledger).records == 2


def test_the_address_is_never_stored(tracker: MailTracker) -> None:
    tracker.record(ADA, opens=True, clicks=True, method="accept-all")
    stored = everything_stored(tracker)
    assert "lovelace" not in stored and "example.com" not in stored
    assert tracker.recipient_id(ADA) in stored


def test_web_consents_of_the_same_id_are_not_mail_choices(tracker: MailTracker) -> None:
    fp = fingerprint(tracker.decl)
    tracker.ledger.add_snapshot("shop", 1, fp, canonical_json(tracker.decl).decode())
    rid = tracker.recipient_id(ADA)
    web = Decision("f" * 32, rid, "shop", 1, fp, "sv", "accept-all", {"necessary": True})
    tracker.ledger.append([web])
    assert tracker.choice(ADA) == MailChoice()


def test_the_cache_sees_its_own_writes_at_once_and_others_after_ttl(
    tracker: MailTracker,
) -> None:
    now = [0.0]
    cache = ChoiceCache(tracker.ledger, ttl=5.0, clock=lambda: now[0])
    rid = tracker.recipient_id(ADA)
    assert cache.get("shop", rid) == MailChoice()
    rec = tracker.record(ADA, opens=True, clicks=True)  # another process, as far as the cache knows
    assert cache.get("shop", rid) == MailChoice()  # within the ttl
    now[0] = 5.0
    assert cache.get("shop", rid) == MailChoice(True, True, rec.decision.record_id)
    cache.put("shop", rid, MailChoice())  # a withdrawal committed by this process
    assert cache.get("shop", rid) == MailChoice()
