"""Reading the labelled TSV datasets, their licenses, and honest splits.

The files follow the layout of ``../shared/data`` (UTF-8, header row, no quoting, one record per
line). Every reader validates as it goes and raises :class:`DataFormatError` naming the file and
line, because the evaluate command must reject malformed files with a clear message.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path


class DataFormatError(ValueError):
    """A dataset file is malformed (encoding, header, column or label)."""


@dataclass(frozen=True)
class DatasetLicense:
    name: str
    license: str
    permissive: bool
    source: str


# Why these verdicts: see ../shared/data/README.md. Only GermEval 2018 states a permissive license.
LICENSES: dict[str, DatasetLicense] = {
    "germeval2017": DatasetLicense(
        "germeval2017",
        "not stated; treated as CC BY-NC 4.0 (non-commercial)",
        False,
        "Wojatzki et al. 2017, GermEval 2017 (Deutsche Bahn customer feedback)",
    ),
    "germeval2018": DatasetLicense(
        "germeval2018",
        "CC BY 4.0",
        True,
        "Wiegand, Siegel, Ruppenhofer 2018, GermEval 2018 (uds-lsv/GermEval-2018-Data)",
    ),
    "germeval2021": DatasetLicense(
        "germeval2021", "not stated", False, "Risch et al. 2021, GermEval 2021 toxic/engaging/fact-claiming"
    ),
    "germeval2025_flausch": DatasetLicense(
        "germeval2025_flausch", "not stated", False, "GermEval 2025 candy speech (Flausch-Erkennung)"
    ),
    "germeval2025_harmful": DatasetLicense(
        "germeval2025_harmful",
        "GPL-3.0 (software license on the repository; data license unclear)",
        False,
        "GermEval 2025 harmful content detection",
    ),
    "sb10k": DatasetLicense(
        "sb10k",
        "annotations CC BY 4.0; tweet texts of doubtful redistribution status",
        False,
        "Cieliebak et al. 2017, SB-10k",
    ),
    "gahd": DatasetLicense(
        "gahd",
        "CC BY 4.0",
        True,
        "Goldzycher, Röttger, Schneider 2024, GAHD adversarial German hate speech (jagol/gahd)",
    ),
    "brand_corrections": DatasetLicense(
        "brand_corrections", "the brand's own data", True, "label corrections made by the brand's agents"
    ),
    "germeval2018_sample": DatasetLicense(
        "germeval2018_sample", "CC BY 4.0", True, "sample of GermEval 2018 shipped in data/samples"
    ),
}


def read_tsv(path: Path, required: Sequence[str] = ("text",)) -> list[dict[str, str]]:
    """Read one TSV file into dicts, checking encoding, header and field counts."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise DataFormatError(f"{path}: cannot read file ({exc.strerror})") from exc
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line_no = raw[: exc.start].count(b"\n") + 1
        raise DataFormatError(f"{path}:{line_no}: not valid UTF-8 (byte {exc.start})") from exc
    lines = content.replace("\r\n", "\n").split("\n")
    header = lines[0].split("\t") if lines else []
    missing = [col for col in required if col not in header]
    if missing:
        raise DataFormatError(f"{path}:1: missing column(s) {', '.join(missing)} in header {header}")
    rows: list[dict[str, str]] = []
    for line_no, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        fields = line.split("\t")
        if len(fields) != len(header):
            raise DataFormatError(
                f"{path}:{line_no}: expected {len(header)} tab-separated fields, got {len(fields)}"
            )
        row = dict(zip(header, fields, strict=True))
        row["_line"] = str(line_no)
        rows.append(row)
    return rows


def check_labels(
    rows: Iterable[dict[str, str]], column: str, allowed: Iterable[str], path: Path | str
) -> None:
    """Raise DataFormatError on the first row whose label is not one of ``allowed``."""
    allowed_set = set(allowed)
    for row in rows:
        if row[column] not in allowed_set:
            raise DataFormatError(
                f"{path}:{row['_line']}: unknown label {row[column]!r} in column {column!r} "
                f"(expected one of {sorted(allowed_set)})"
            )


def _read_many(
    data_dir: Path, dataset: str, files: Sequence[str], required: Sequence[str]
) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for name in files:
        path = data_dir / dataset / name
        if path.exists():
            for row in read_tsv(path, required):
                row["_file"] = name
                rows.append(row)
    return rows


def load_germeval2017(data_dir: Path) -> list[dict[str, str]]:
    """GermEval 2017 dev + diachronic test (the splits that are ours to train on)."""
    return _read_many(
        data_dir, "germeval2017", ["dev.tsv", "test_dia.tsv"], ["text", "relevant", "sentiment"]
    )


def load_germeval2018(data_dir: Path) -> list[dict[str, str]]:
    """GermEval 2018 train, or the shipped CC BY 4.0 sample (``germeval2018_sample.tsv``)."""
    rows = _read_many(data_dir, "germeval2018", ["train.tsv"], ["text", "offense"])
    sample = data_dir / "germeval2018_sample.tsv"
    if not rows and sample.exists():
        rows = read_tsv(sample, ["text", "offense"])
    return rows


def load_germeval2021(data_dir: Path) -> list[dict[str, str]]:
    return _read_many(
        data_dir, "germeval2021", ["train.tsv", "dev.tsv"], ["text", "toxic", "engaging", "fact_claiming"]
    )


def load_flausch(data_dir: Path) -> list[dict[str, str]]:
    return _read_many(data_dir, "germeval2025_flausch", ["train.tsv", "dev.tsv"], ["id", "text", "flausch"])


def load_sb10k(data_dir: Path) -> list[dict[str, str]]:
    return _read_many(data_dir, "sb10k", ["train.tsv", "dev.tsv"], ["text", "sentiment"])


def load_gahd(data_dir: Path) -> list[dict[str, str]]:
    """GAHD train + dev (``_file`` tells them apart: dev is GAHD's test in leave-one-dataset-out)."""
    return _read_many(data_dir, "gahd", ["train.tsv", "dev.tsv"], ["text", "offense"])


def load_harmful(data_dir: Path) -> list[dict[str, str]]:
    """Merge the three harmful-content subtasks into one row per post id.

    The official subtasks were split independently, so the same tweet occurs in one subtask's
    train and another's dev; merging by id and re-splitting (``group_of``) avoids that leak.
    """
    merged: dict[str, dict[str, str]] = {}
    for task in ("c2a", "dbo", "vio"):
        for name in (f"{task}_train.tsv", f"{task}_dev.tsv"):
            path = data_dir / "germeval2025_harmful" / name
            if not path.exists():
                continue
            for row in read_tsv(path, ["id", "text", task]):
                merged.setdefault(row["id"], {"id": row["id"], "text": row["text"]})[task] = row[task]
    return list(merged.values())


def group_of(row: dict[str, str], dataset: str) -> str:
    """The unit that must not be split across CV folds.

    Flausch: the video/thread prefix of the id (comments of one video share vocabulary and even
    verbatim texts). Everything else: the normalised text, so duplicated posts stay in one fold.
    """
    if dataset == "germeval2025_flausch":
        return row["id"].split("/", 1)[0]
    return " ".join(row["text"].lower().split())


def stable_fold(key: str, folds: int) -> int:
    """Deterministic fold for a key (SHA-1 based, independent of Python's hash seed)."""
    return int(hashlib.sha1(key.encode("utf-8"), usedforsecurity=False).hexdigest()[:8], 16) % folds


def aspect_categories(value: str) -> list[str]:
    """``Zugfahrt#Haupt:negative;Allgemein#Haupt:neutral`` -> ``['Zugfahrt', 'Allgemein']``."""
    cats: list[str] = []
    for item in value.split(";"):
        item = item.strip()
        if not item:
            continue
        cat = item.split(":", 1)[0].split("#", 1)[0]
        if cat not in cats:
            cats.append(cat)
    return cats
