"""``resonanz data fetch`` against a local HTTP server serving small fixture files in the sources'
formats: licences first, pinned hashes, resuming, a clear error offline, and the TSV layout that
``resonanz train`` reads."""

from __future__ import annotations

import hashlib
import socket
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from resonanz.classify import commands, datafetch
from resonanz.classify.ml import datasets

# Small stand-ins written here in each source's format (no third-party rows are copied).
GERMEVAL2018 = (
    "@user Danke für die schnelle Antwort!\tOTHER\tOTHER\n"
    "@user Ihr seid alle Versager |LBR| echt jetzt\tOFFENSE\tINSULT\n"
    "Morgen wird es regnen.\tOTHER\tOTHER\n"
).encode()
GERMEVAL2021_TRAIN = (
    b"comment_id,comment_text,Sub1_Toxic,Sub2_Engaging,Sub3_FactClaiming\n"
    b'2,"Ein Kommentar, mit Komma\nund zweiter Zeile",0,1,1\n'
    b'3,"Er sagte ""nie wieder"".\tEnde",1,0,0\n'
)
GERMEVAL2021_DEV = b"comment_id,comment_text,Sub1_Toxic,Sub2_Engaging,Sub3_FactClaiming\n7,Kurz,0,0,0\n"
# ids chosen for their split (SHA-1 of the id mod 10): 1 → dev, 0 → test (left out), else train
SB10K_IDS = {"train": "385497381925847040", "dev": "19", "test": "367189542857482240"}
SB10K = (
    f"{SB10K_IDS['train']}\tpositive\tabc\t[]\tSo ein schöner Tag *hust*\n"
    f"{SB10K_IDS['dev']}\tnegative\tdef\t[]\tNervt mich voll\n"
    f"{SB10K_IDS['test']}\tneutral\tghi\t[]\tBleibt für die Auswertung zurück\n"
    "368327046574776321\tneutral\tjkl\t[]\tNot Available\n"
).encode()
FILES = {
    "germeval2018/germeval2018.training.txt": GERMEVAL2018,
    "germeval2021/train.csv": GERMEVAL2021_TRAIN,
    "germeval2021/dev.csv": GERMEVAL2021_DEV,
    "sb10k/sb10k_corpus.tsv": SB10K,
}
HASHES = {name: hashlib.sha256(data).hexdigest() for name, data in FILES.items()}


def _serve(httpserver: HTTPServer) -> dict[str, datafetch.Dataset]:
    for name, data in FILES.items():
        httpserver.expect_request(f"/{name}").respond_with_data(data)
    return datafetch.with_base_url(datafetch.MANIFEST, httpserver.url_for("/"), HASHES)


def test_ids_of_the_sb10k_fixture_fall_into_the_intended_splits() -> None:
    assert {split: datafetch.sb10k_split(i) for split, i in SB10K_IDS.items()} == {
        "train": "train", "dev": "dev", "test": "test",
    }  # fmt: skip


def test_fetch_converts_into_the_layout_train_reads(tmp_path: Path, httpserver: HTTPServer) -> None:
    lines: list[str] = []
    written = datafetch.fetch(directory=tmp_path, yes=True, manifest=_serve(httpserver), report=lines.append)
    assert written == {
        "germeval2018": {"train.tsv": 3},
        "germeval2021": {"train.tsv": 2, "dev.tsv": 1},
        "sb10k": {"train.tsv": 1, "dev.tsv": 1},
    }
    # the licence and citation are printed before each download
    first_download = next(i for i, line in enumerate(lines) if "downloading" in line)
    assert lines[0].startswith("germeval2018: licence: CC BY 4.0") and first_download > 0
    ge18 = datasets.load_germeval2018(tmp_path)
    assert [(r["id"], r["offense"], r["fine"]) for r in ge18][:2] == [
        ("ge18-train-00001", "OTHER", "OTHER"), ("ge18-train-00002", "OFFENSE", "INSULT"),
    ]  # fmt: skip
    assert ge18[1]["text"] == "@user Ihr seid alle Versager |LBR| echt jetzt"
    ge21 = datasets.load_germeval2021(tmp_path)
    assert ge21[0]["text"] == "Ein Kommentar, mit Komma und zweiter Zeile"  # CSV quoting undone, LF flattened
    assert ge21[1]["text"] == 'Er sagte "nie wieder". Ende' and ge21[1]["toxic"] == "1"
    sb = datasets.load_sb10k(tmp_path)
    assert [(r["id"], r["_file"]) for r in sb] == [(SB10K_IDS["train"], "train.tsv"), ("19", "dev.tsv")]


def test_train_uses_fetched_data_when_nothing_else_is_configured(
    tmp_path: Path, httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("RESONANZ_TRAIN_DATA", raising=False)
    monkeypatch.setenv("RESONANZ_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(commands, "REPO_ROOT", tmp_path / "clone")  # a fresh clone: no ../shared/data
    assert commands.default_data_dir() == commands.SAMPLE_DIR
    datafetch.fetch(["germeval2018"], yes=True, manifest=_serve(httpserver), report=lambda _l: None)
    assert commands.default_data_dir() == tmp_path / "train-data"
    monkeypatch.setenv("RESONANZ_TRAIN_DATA", str(tmp_path / "mine"))
    assert commands.default_data_dir() == tmp_path / "mine"  # the explicit setting still wins


def test_without_accepting_the_licence_nothing_is_downloaded(tmp_path: Path, httpserver: HTTPServer) -> None:
    manifest = _serve(httpserver)
    assert datafetch.fetch(directory=tmp_path, manifest=manifest, report=lambda _l: None) == {}
    answers = iter(["n", "ja", "no"])
    written = datafetch.fetch(
        directory=tmp_path, manifest=manifest, ask=lambda _q: next(answers), report=lambda _l: None
    )
    assert list(written) == ["germeval2021"]
    assert [r.path for r, _resp in httpserver.log] == ["/germeval2021/train.csv", "/germeval2021/dev.csv"]


def test_an_interrupted_download_resumes_with_a_range_request(tmp_path: Path, httpserver: HTTPServer) -> None:
    data = GERMEVAL2018
    seen: list[str | None] = []

    def ranged(request: Request) -> Response:
        seen.append(request.headers.get("Range"))
        start = (
            int(request.headers["Range"].removeprefix("bytes=").rstrip("-"))
            if "Range" in request.headers
            else 0
        )
        return Response(data[start:], status=206 if start else 200)

    httpserver.expect_request("/germeval2018/germeval2018.training.txt").respond_with_handler(ranged)
    manifest = datafetch.with_base_url(
        {"germeval2018": datafetch.MANIFEST["germeval2018"]}, httpserver.url_for("/"), HASHES
    )
    store = tmp_path / datafetch.DOWNLOADS / "germeval2018"
    store.mkdir(parents=True)
    (store / "germeval2018.training.txt.part").write_bytes(data[:40])  # what a broken run left behind
    datafetch.fetch(directory=tmp_path, yes=True, manifest=manifest, report=lambda _l: None)
    assert seen == ["bytes=40-"]
    assert (store / "germeval2018.training.txt").read_bytes() == data
    assert not (store / "germeval2018.training.txt.part").exists()


def test_a_file_that_does_not_match_its_pinned_hash_is_refused_and_deleted(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/germeval2018/germeval2018.training.txt").respond_with_data(
        b"x\tOTHER\tOTHER\n"
    )
    manifest = datafetch.with_base_url(
        {"germeval2018": datafetch.MANIFEST["germeval2018"]}, httpserver.url_for("/"), HASHES
    )
    with pytest.raises(datafetch.FetchError, match="does not match the pinned"):
        datafetch.fetch(directory=tmp_path, yes=True, manifest=manifest, report=lambda _l: None)
    assert not (tmp_path / "germeval2018").exists()
    assert not list((tmp_path / datafetch.DOWNLOADS / "germeval2018").iterdir())


def test_unpinned_files_need_consent_and_are_then_held_to_their_first_hash(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    unpinned = datafetch.with_base_url(
        {"germeval2018": datafetch.MANIFEST["germeval2018"]}, httpserver.url_for("/"), {}
    )
    httpserver.expect_request("/germeval2018/germeval2018.training.txt").respond_with_data(GERMEVAL2018)
    with pytest.raises(datafetch.FetchError, match="--allow-unpinned"):
        datafetch.fetch(directory=tmp_path, yes=True, manifest=unpinned, report=lambda _l: None)
    datafetch.fetch(
        directory=tmp_path, yes=True, allow_unpinned=True, manifest=unpinned, report=lambda _l: None
    )
    sums = (tmp_path / datafetch.SUMS).read_text()
    assert (
        f"{HASHES['germeval2018/germeval2018.training.txt']}  germeval2018/germeval2018.training.txt" in sums
    )
    # the source changes: the recorded hash now protects the next run
    (tmp_path / datafetch.DOWNLOADS / "germeval2018" / "germeval2018.training.txt").unlink()
    httpserver.clear()
    httpserver.expect_request("/germeval2018/germeval2018.training.txt").respond_with_data(
        b"y\tOTHER\tOTHER\n"
    )
    with pytest.raises(datafetch.FetchError, match="does not match"):
        datafetch.fetch(
            directory=tmp_path, yes=True, allow_unpinned=True, manifest=unpinned, report=lambda _l: None
        )


def test_offline_gives_a_clear_error(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    manifest = datafetch.with_base_url(
        {"sb10k": datafetch.MANIFEST["sb10k"]}, f"http://127.0.0.1:{port}", HASHES
    )
    with pytest.raises(datafetch.FetchError, match="Are you offline"):
        datafetch.fetch(directory=tmp_path, yes=True, manifest=manifest, report=lambda _l: None)


def test_cli_needs_yes_without_a_terminal_and_lists_licences(
    tmp_path: Path,
    httpserver: HTTPServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    assert commands.main(["data", "fetch", "--dir", str(tmp_path)]) == 2
    assert "--yes" in capsys.readouterr().err
    assert commands.main(["data", "fetch", "--list"]) == 0
    listed = capsys.readouterr().out
    assert "germeval2018: CC BY 4.0" in listed and "sha256 not pinned" in listed
    monkeypatch.setattr(datafetch, "MANIFEST", _serve(httpserver))
    assert commands.main(["data", "fetch", "--yes", "--dir", str(tmp_path), "sb10k"]) == 0
    assert (tmp_path / "sb10k" / "train.tsv").exists()
    assert commands.main(["data", "fetch", "--yes", "--dir", str(tmp_path), "nope"]) == 3
    assert "unknown dataset" in capsys.readouterr().err


def test_the_sb10k_split_rule_reproduces_the_shared_split() -> None:
    """Every tweet of ../shared/data/sb10k (or $RESONANZ_TRAIN_DATA) lands where the converter puts it."""
    import os

    from resonanz.classify.tests.conftest import SHARED_DATA

    shared = Path(os.environ.get("RESONANZ_TRAIN_DATA") or SHARED_DATA)
    if not (shared / "sb10k").is_dir():
        pytest.skip("no datasets directory with sb10k (../shared/data or RESONANZ_TRAIN_DATA)")
    for split in ("train", "dev"):
        rows = datasets.read_tsv(shared / "sb10k" / f"{split}.tsv", ["id"])
        assert rows and {datafetch.sb10k_split(r["id"]) for r in rows} == {split}
