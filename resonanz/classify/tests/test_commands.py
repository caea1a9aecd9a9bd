"""The CLI: the evaluate contract (including malformed files), classify output, train options."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from resonanz.classify.commands import main, read_texts

ABUSE_TSV = (
    "id\ttext\toffense\tfine\n"
    "1\tDu bist ein widerlicher Idiot und Verbrecher\tOFFENSE\tINSULT\n"
    "2\tDanke für die schnelle Antwort, schönen Tag!\tOTHER\tOTHER\n"
    "3\tHalt endlich die Fresse, du dummes Stück Dreck\tOFFENSE\tINSULT\n"
    "4\tMorgen fahre ich mit dem Zug nach Hamburg.\tOTHER\tOTHER\n"
)


def write(tmp_path: Path, content: str | bytes, name: str = "f.tsv") -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def last_json(output: str) -> dict[str, object]:
    return json.loads(output.strip().splitlines()[-1])


def test_evaluate_prints_the_contract_json_last(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", "abuse", str(write(tmp_path, ABUSE_TSV))]) == 0
    result = last_json(capsys.readouterr().out)
    assert list(result) == ["task", "n", "micro_f1", "macro_f1", "per_class", "official_f1"]
    assert result["task"] == "abuse" and result["n"] == 4
    assert set(result["per_class"]) == {"OFFENSE", "OTHER"}  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("task", "content"),
    [
        ("sentiment", "text\tsentiment\nDie Bahn ist schon wieder zu spät!\tnegative\nZug fährt\tneutral\n"),
        ("relevance", "text\trelevant\nDie Bahn ist zu spät\ttrue\nMein Hund schläft\tfalse\n"),
        ("toxic", "text\ttoxic\nDu Idiot\t1\nSchönes Wetter heute\t0\n"),
        ("engaging", "text\tengaging\nWas meint ihr dazu?\t1\nOk\t0\n"),
        ("fact_claiming", "text\tfact_claiming\nLaut Studie sterben 5000 Menschen\t1\nToll\t0\n"),
        ("aspects", "text\taspects\nDas WLAN im Zug geht nicht\tConnectivity#WLAN:negative\nHallo\t\n"),
    ],
)
def test_evaluate_every_task(
    task: str, content: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["evaluate", task, str(write(tmp_path, content))]) == 0
    result = last_json(capsys.readouterr().out)
    assert result["task"] == task and result["n"] == 2
    assert 0.0 <= float(result["micro_f1"]) <= 1.0  # type: ignore[arg-type]
    assert ("official_f1" in result) == (task in {"toxic", "engaging", "fact_claiming"})


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("id\ttext\tfine\n1\tHallo\tOTHER\n", "f.tsv:1: missing column(s) offense"),
        ("text\toffense\nHallo\tOTHER\nDu Idiot\tINSULT\n", "f.tsv:3: unknown label 'INSULT'"),
        ("text\toffense\nHallo\tOTHER\tzu viel\n", "f.tsv:2: expected 2 tab-separated fields"),
        (b"text\toffense\nHallo\tOTHER\nK\xe4se\tOTHER\n", "f.tsv:3: not valid UTF-8"),
        ("text\toffense\n", "no data rows"),
    ],
)
def test_evaluate_rejects_malformed_files(
    content: str | bytes, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["evaluate", "abuse", str(write(tmp_path, content))]) == 2
    assert message in capsys.readouterr().err


def test_evaluate_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", "abuse", str(tmp_path / "nope.tsv")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_evaluate_as_a_process_exits_non_zero_on_bad_label(tmp_path: Path) -> None:
    path = write(tmp_path, "text\tsentiment\nHallo\tgreat\n")
    done = subprocess.run(
        [sys.executable, "-m", "resonanz.classify.commands", "evaluate", "sentiment", str(path)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2 and ":2: unknown label 'great'" in done.stderr


def test_classify_prints_one_json_object_per_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "Die Bahn ist zu spät!\nDanke, super Service!\n", "posts.txt")
    assert main(["classify", str(path)]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["text"] for line in lines] == ["Die Bahn ist zu spät!", "Danke, super Service!"]
    for line in lines:
        assert {
            "language",
            "sentiment",
            "abuse",
            "criticism",
            "praise",
            "type",
            "explanations",
            "model_version",
            "aspects",
            "topics",
            "relevant",
            "engaging",
            "fact_claiming",
        } <= set(line)


def test_classify_reads_the_text_column_of_csv_and_tsv(tmp_path: Path) -> None:
    csv_path = write(tmp_path, 'id,text\n1,"Hallo, Welt"\n2,Zug fällt aus\n', "posts.csv")
    with csv_path.open(encoding="utf-8", newline="") as stream:
        assert list(read_texts(stream, str(csv_path))) == ["Hallo, Welt", "Zug fällt aus"]
    tsv_path = write(tmp_path, "id\ttext\n1\tHallo Welt\n", "posts.tsv")
    with tsv_path.open(encoding="utf-8") as stream:
        assert list(read_texts(stream, str(tsv_path))) == ["Hallo Welt"]
    with (tmp_path / "plain.txt").open("w", encoding="utf-8") as stream:
        stream.write("erste Zeile\nzweite, mit Komma\n")
    with (tmp_path / "plain.txt").open(encoding="utf-8") as stream:
        assert list(read_texts(stream, "plain.txt")) == ["erste Zeile", "zweite, mit Komma"]


def test_train_no_cv_on_the_sample(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sample = Path(__file__).resolve().parents[3] / "data" / "samples"
    assert main(["train", "--data", str(sample), "--out", str(tmp_path), "--no-cv", "--permissive-only"]) == 0
    assert "trained artefact" in capsys.readouterr().out
    manifest = json.loads((tmp_path / "manifest.json").read_text("utf-8"))
    assert manifest["permissive_only"] is True and manifest["folds"] == 0


def test_train_rejects_missing_data_dir(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["train", "--data", str(tmp_path / "none"), "--out", str(tmp_path)]) == 2


def test_classify_names_the_line_of_a_malformed_tsv(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "id\tlang\ttext\n1\tde\tHallo\n\n2\tde\n", "posts.tsv")
    assert main(["classify", "--no-explain", str(path)]) == 2
    captured = capsys.readouterr()
    assert "posts.tsv:4: no 'text' field" in captured.err
    assert main(["classify", str(tmp_path / "missing.txt")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_classify_reads_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import io

    monkeypatch.setattr(sys, "stdin", io.StringIO("Danke!\nDer Zug fällt aus\n"))
    assert main(["classify", "--no-explain"]) == 0
    assert [json.loads(line)["text"] for line in capsys.readouterr().out.splitlines()] == [
        "Danke!",
        "Der Zug fällt aus",
    ]
