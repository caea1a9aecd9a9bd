"""The ``resonanz`` command: help, admin creation, worker."""

from __future__ import annotations

import subprocess
import sys

import pytest

from resonanz.accounts.models import User
from resonanz.cli import main


def test_help_lists_the_subcommands():
    out = subprocess.run(
        [sys.executable, "-m", "resonanz", "--help"], capture_output=True, text=True, check=True
    )
    for command in ("run", "migrate", "demo", "worker", "createadmin", "train", "classify", "evaluate"):
        assert command in out.stdout


@pytest.mark.django_db
def test_createadmin_non_interactive(capsys, monkeypatch):
    monkeypatch.setattr("resonanz.cli.setup_django", lambda: None)
    assert main(["createadmin", "--username", "chefin", "--password", "ein-langes-passwort"]) == 0
    user = User.objects.get(username="chefin")
    assert user.is_superuser and user.check_password("ein-langes-passwort")
    assert main(["createadmin", "--username", "chefin", "--password", "ein-langes-passwort"]) == 1
    assert "exists already" in capsys.readouterr().err


@pytest.mark.django_db
def test_createadmin_refuses_short_password(monkeypatch):
    monkeypatch.setattr("resonanz.cli.setup_django", lambda: None)
    assert main(["createadmin", "--username", "x1", "--password", "kurz"]) == 2
    assert not User.objects.filter(username="x1").exists()
