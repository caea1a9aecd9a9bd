"""Credential keys: a dedicated key list independent of SECRET_KEY, old SECRET_KEY-derived values still
read, ``resonanz rotate-keys`` moves every stored credential to the newest key in one transaction, and
production refuses to start without a key."""

from __future__ import annotations

import stat

import pytest
from cryptography.fernet import Fernet
from django.apps import apps
from django.core.checks import run_checks

from resonanz.cli import main
from resonanz.inbox.models import WebhookEndpoint
from resonanz.inbox.services.webhook_endpoints import create_webhook_endpoint
from resonanz.sources import crypto
from resonanz.sources.crypto import CredentialError, decrypt_credentials, encrypt_credentials
from resonanz.sources.keys import ENCRYPTED_FIELDS, check_encryption_keys, rotate_keys
from resonanz.sources.models import Channel, ChannelKind
from resonanz.sources.services import channel_secrets, create_channel, store_connector_secrets

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()
BLUESKY = {"app_password": "abcd-efgh-ijkl-mnop"}
SESSION = {"session": "access.jwt|refresh.jwt", "session_service": "https://bsky.social"}


@pytest.fixture
def keys(monkeypatch):
    """Set the key list (newest first) for the rest of the test."""

    def use(*values: str) -> None:
        monkeypatch.setenv("RESONANZ_ENCRYPTION_KEYS", ",".join(values))

    use(OLD)
    return use


@pytest.fixture
def stored(brand, brand_admin, keys):
    """Every kind of stored credential: channel secrets, a connector session, a webhook signing secret."""
    bluesky = create_channel(
        brand, kind=ChannelKind.BLUESKY, name="Bluesky", secrets=BLUESKY, enabled=False, by=brand_admin
    )
    store_connector_secrets(bluesky, SESSION)
    token = encrypt_credentials({"token": "t"})
    mastodon = Channel.objects.create(
        brand=brand, kind=ChannelKind.MASTODON, name="Mastodon", credentials=token
    )
    endpoint, plain = create_webhook_endpoint(brand, url="http://127.0.0.1:9/in", by=brand_admin)
    return {"bluesky": bluesky, "mastodon": mastodon, "endpoint": endpoint, "plain": plain}


def _tokens() -> list[str]:
    channels = Channel.objects.order_by("pk").values_list("credentials", flat=True)
    return [*channels, *WebhookEndpoint.objects.order_by("pk").values_list("secret", flat=True)]


def _readable_with(key: str, token: str) -> bool:
    try:
        Fernet(key.encode()).decrypt(token.encode())
    except Exception:
        return False
    return True


def test_every_stored_credential_round_trips_through_a_rotation(stored, keys):
    before = {
        "bluesky": decrypt_credentials(Channel.objects.get(pk=stored["bluesky"].pk).credentials),
        "mastodon": decrypt_credentials(Channel.objects.get(pk=stored["mastodon"].pk).credentials),
    }
    assert before["bluesky"] == BLUESKY | SESSION
    keys(NEW, OLD)  # the operator puts a new key first
    report = rotate_keys()
    assert (report.rewritten, report.current) == (3, 0)
    assert all(_readable_with(NEW, token) and not _readable_with(OLD, token) for token in _tokens())

    keys(NEW)  # and removes the old one after the rotation
    assert channel_secrets(Channel.objects.get(pk=stored["bluesky"].pk)) == before["bluesky"]
    mastodon = Channel.objects.get(pk=stored["mastodon"].pk)
    assert decrypt_credentials(mastodon.credentials) == before["mastodon"]
    assert decrypt_credentials(WebhookEndpoint.objects.get().secret) == {"secret": stored["plain"]}
    again = rotate_keys()
    assert (again.rewritten, again.current) == (0, 3)


def test_new_values_use_the_newest_key_and_any_key_decrypts(keys):
    keys(NEW, OLD)
    token = encrypt_credentials({"a": "1"})
    assert _readable_with(NEW, token) and not _readable_with(OLD, token)
    old_token = Fernet(OLD.encode()).encrypt(b'{"a": "2"}').decode()
    assert decrypt_credentials(old_token) == {"a": "2"}


def test_changing_secret_key_never_makes_credentials_unreadable(stored, settings):
    settings.SECRET_KEY = "a-completely-new-secret-key-after-a-leak"
    settings.SECRET_KEY_FALLBACKS = []
    assert channel_secrets(Channel.objects.get(pk=stored["bluesky"].pk)) == BLUESKY | SESSION
    assert decrypt_credentials(WebhookEndpoint.objects.get().secret) == {"secret": stored["plain"]}


def test_a_secret_key_derived_value_still_reads_and_rotate_keys_rewrites_it(brand, keys, settings, capsys):
    settings.SECRET_KEY = "the-secret-key-of-an-old-installation"
    legacy = crypto._derived(settings.SECRET_KEY).encrypt(b'{"token": "alt"}').decode()
    channel = Channel.objects.create(brand=brand, kind=ChannelKind.MASTODON, name="M", credentials=legacy)
    assert decrypt_credentials(channel.credentials) == {"token": "alt"}

    assert main(["rotate-keys"]) == 0
    out = capsys.readouterr().out
    assert "sources.Channel.credentials: 1 re-encrypted, 0 already current" in out
    channel.refresh_from_db()
    assert channel.credentials != legacy and _readable_with(OLD, channel.credentials)

    settings.SECRET_KEY = "rotated-afterwards"  # no longer needed for anything stored
    assert decrypt_credentials(channel.credentials) == {"token": "alt"}


def test_an_old_secret_key_in_the_fallbacks_and_the_old_single_key_still_read(keys, settings, monkeypatch):
    old_derived = crypto._derived("old-secret").encrypt(b'{"x": "1"}').decode()
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "new-secret", ["old-secret"]
    assert decrypt_credentials(old_derived) == {"x": "1"}

    single = Fernet.generate_key().decode()
    monkeypatch.setenv("RESONANZ_ENCRYPTION_KEY", single)
    assert decrypt_credentials(Fernet(single.encode()).encrypt(b'{"y": "2"}').decode()) == {"y": "2"}


def test_dry_run_counts_and_changes_nothing(stored, keys, capsys):
    keys(NEW, OLD)
    tokens = _tokens()
    assert main(["rotate-keys", "--dry-run"]) == 0
    assert "3 value(s) would be re-encrypted (dry run, nothing changed)" in capsys.readouterr().out
    assert _tokens() == tokens


def test_an_unreadable_value_fails_the_rotation_and_changes_nothing(stored, brand, keys, capsys):
    lost = Fernet(Fernet.generate_key()).encrypt(b'{"token": "?"}').decode()
    broken = Channel.objects.create(brand=brand, kind=ChannelKind.MASTODON, name="Lost", credentials=lost)
    keys(NEW, OLD)
    tokens = _tokens()
    with pytest.raises(CredentialError, match=f"sources.Channel#{broken.pk}.credentials"):
        rotate_keys()
    assert main(["rotate-keys"]) == 1
    err = capsys.readouterr().err
    assert "1 stored value(s) cannot be decrypted with any configured key" in err
    assert "Nothing was changed" in err
    assert _tokens() == tokens


def test_embedded_mode_generates_one_private_key_file(monkeypatch, tmp_path):
    monkeypatch.delenv("RESONANZ_ENCRYPTION_KEYS")
    monkeypatch.setenv("RESONANZ_DATA_DIR", str(tmp_path))
    token = encrypt_credentials({"a": "1"})
    key_file = tmp_path / "encryption_keys"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = key_file.read_text().strip()
    assert _readable_with(key, token)
    assert decrypt_credentials(token) == {"a": "1"}
    assert key_file.read_text().strip() == key  # generated once, then reused
    # Rotation in the embedded mode: a new key on the first line.
    key_file.write_text(f"{NEW}\n{key}\n")
    assert _readable_with(NEW, encrypt_credentials({"b": "2"}))
    assert decrypt_credentials(token) == {"a": "1"}


def test_production_without_a_key_refuses_to_start_with_a_clear_error(monkeypatch, tmp_path, settings):
    monkeypatch.delenv("RESONANZ_ENCRYPTION_KEYS")
    monkeypatch.setenv("RESONANZ_DATA_DIR", str(tmp_path))
    settings.RESONANZ = {**settings.RESONANZ, "REQUIRE_ENCRYPTION_KEYS": True}
    errors = check_encryption_keys()
    assert [error.id for error in errors] == ["resonanz.E010"]
    assert "RESONANZ_ENCRYPTION_KEYS is not set" in errors[0].msg
    assert "resonanz.E010" in [message.id for message in run_checks()]
    with pytest.raises(CredentialError, match="no encryption key for stored credentials"):
        encrypt_credentials({"a": "1"})
    assert not (tmp_path / "encryption_keys").exists()  # production never invents a key

    (tmp_path / "encryption_keys").write_text(NEW + "\n")
    assert check_encryption_keys() == []
    monkeypatch.setenv("RESONANZ_ENCRYPTION_KEYS", NEW)
    (tmp_path / "encryption_keys").unlink()
    assert check_encryption_keys() == []


def test_a_malformed_key_is_named(monkeypatch):
    monkeypatch.setenv("RESONANZ_ENCRYPTION_KEYS", f"{NEW},not-a-key")
    errors = check_encryption_keys()
    assert [error.id for error in errors] == ["resonanz.E011"]
    assert "RESONANZ_ENCRYPTION_KEYS: key 2 is not a Fernet key" in errors[0].msg


def test_every_secret_field_is_rotated():
    """A new model field holding a secret must be listed in ENCRYPTED_FIELDS, or rotate-keys misses it."""
    found = {
        (model._meta.label, field.name)
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if model._meta.app_label not in {"auth", "sessions", "admin", "contenttypes"}
        and any(word in field.name for word in ("secret", "credential"))
        and getattr(field, "concrete", False)
    }
    assert found <= set(ENCRYPTED_FIELDS)
    for label, name in ENCRYPTED_FIELDS:
        assert apps.get_model(label)._meta.get_field(name)
