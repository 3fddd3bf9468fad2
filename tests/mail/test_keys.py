"""The mail key and recipient ids: one id per address, the address never kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from samtycke.mail import MailError, MailKey, key_from_env, load_key_file, normalise_address
from tests.mail.conftest import KEY


def test_one_recipient_one_id_whatever_the_spelling() -> None:
    rid = KEY.recipient_id("Ada@Example.com")
    assert rid == KEY.recipient_id("  ada@example.COM\n")
    assert len(rid) == 32 and all(c in "0123456789abcdef" for c in rid)
    assert rid != KEY.recipient_id("bob@example.com")


def test_the_id_depends_on_the_key() -> None:
    assert KEY.recipient_id("ada@example.com") != MailKey(b"\x07" * 32).recipient_id(
        "ada@example.com"
    )


@pytest.mark.parametrize("bad", ["", "ada", "ada@", "@example.com", "ada @example.com", "a@b"])
def test_what_is_no_address_is_refused(bad: str) -> None:
    with pytest.raises(MailError, match="is not an e-mail address"):
        normalise_address(bad)


def test_short_keys_are_refused(tmp_path: Path) -> None:
    with pytest.raises(MailError, match="at least 32"):
        MailKey(b"short")
    path = tmp_path / "mail.key"
    path.write_text("abcd\n")
    with pytest.raises(MailError, match=r"mail\.key: the mail key is too short"):
        load_key_file(path)
    with pytest.raises(MailError, match="no such key file"):
        load_key_file(tmp_path / "missing.key")


def test_keys_from_the_environment(tmp_path: Path) -> None:
    path = tmp_path / "mail.key"
    path.write_text("00" * 32 + "\n")
    assert key_from_env({"SAMTYCKE_MAIL_KEY_FILE": str(path)}) == MailKey(b"\0" * 32)
    assert key_from_env({"SAMTYCKE_MAIL_KEY": "a long passphrase of more than 32 bytes"})
    assert key_from_env({}) is None


def test_the_key_never_shows_in_a_repr() -> None:
    assert "\\x00" not in repr(KEY) and repr(KEY) == "MailKey(<secret>)"
