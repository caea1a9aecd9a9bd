"""``resonanz data fetch``: download the public training datasets from their original repositories and
convert them into the TSV layout ``resonanz train`` reads (``classify/ml/datasets.py``).

For a fresh clone, which has no ``../shared/data``. Each download is pinned to a commit of its source
repository; the licence is printed before it and must be accepted (``--yes`` for scripts; without a
terminal and without ``--yes`` nothing is downloaded). Downloads resume with an HTTP Range request into a
``.part`` file. A file whose sha256 is pinned here is verified; for a file we could not verify (no hash
in the manifest) the command refuses unless ``--allow-unpinned`` is given, and then records the hash it
saw in ``SHA256SUMS`` so that every later fetch must match it (trust on first use, said out loud).

No Django: this runs before anything is set up.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import os
import sys
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

TRAIN_DATA = "train-data"
DOWNLOADS = ".downloads"
SUMS = "SHA256SUMS"
CHUNK = 1 << 16
TIMEOUT = 30
USER_AGENT = "resonanz-data-fetch"


class FetchError(RuntimeError):
    """A download or conversion failed; the message says what and what to do."""


@dataclass(frozen=True)
class Source:
    url: str
    # None: not verified by us (the stored copy we could read could not be byte-checked); see module doc.
    sha256: str | None = None


Converter = Callable[[Mapping[str, Path], Path], dict[str, int]]


@dataclass(frozen=True)
class Dataset:
    name: str
    licence: str
    citation: str
    sources: dict[str, Source]  # download file name -> where it comes from
    convert: Converter  # (downloaded files, output dir) -> rows written per output file
    notes: str = ""
    commercial_ok: bool = False


def _clean(text: str) -> str:
    """As in ../shared/data: tabs, CR and LF inside a text become one space (the TSV has no quoting)."""
    return text.replace("\r\n", " ").replace("\t", " ").replace("\r", " ").replace("\n", " ")


def _write_tsv(path: Path, header: Sequence[str], rows: Sequence[Sequence[str]]) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    with tmp.open("w", encoding="utf-8", newline="") as out:
        out.write("\t".join(header) + "\n")
        for row in rows:
            out.write("\t".join(_clean(str(v)) for v in row) + "\n")
    tmp.replace(path)
    return len(rows)


def _read_text(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FetchError(f"{path.name}: not UTF-8 ({exc}); the download is not the expected file") from exc


def convert_germeval2018(files: Mapping[str, Path], out: Path) -> dict[str, int]:
    """``text<TAB>OFFENSE|OTHER<TAB>ABUSE|INSULT|PROFANITY|OTHER`` lines → train.tsv (ids by line number)."""
    rows = []
    for number, line in enumerate(_read_text(files["germeval2018.training.txt"]).splitlines(), start=1):
        if not line.strip():
            continue
        parts = line.split("\t")
        if len(parts) != 3 or parts[1] not in ("OFFENSE", "OTHER"):
            raise FetchError(f"germeval2018.training.txt:{number}: expected text, coarse and fine label")
        rows.append((f"ge18-train-{number:05d}", parts[0], parts[1], parts[2]))
    return {"train.tsv": _write_tsv(out / "train.tsv", ("id", "text", "offense", "fine"), rows)}


def _germeval2021_rows(path: Path) -> list[tuple[str, ...]]:
    reader = csv.DictReader(io.StringIO(_read_text(path), newline=""))
    wanted = ("comment_id", "comment_text", "Sub1_Toxic", "Sub2_Engaging", "Sub3_FactClaiming")
    missing = [c for c in wanted if c not in (reader.fieldnames or [])]
    if missing:
        raise FetchError(f"{path.name}: missing column(s) {', '.join(missing)}")
    return [tuple(row[c] for c in wanted) for row in reader]


def convert_germeval2021(files: Mapping[str, Path], out: Path) -> dict[str, int]:
    """SuperGLEBer's CSV (quoted, multi-line texts) → train.tsv and dev.tsv."""
    header = ("id", "text", "toxic", "engaging", "fact_claiming")
    return {
        f"{split}.tsv": _write_tsv(out / f"{split}.tsv", header, _germeval2021_rows(files[f"{split}.csv"]))
        for split in ("train", "dev")
    }


def sb10k_split(tweet_id: str) -> str:
    """The split of ../shared/data: SHA-1 of the tweet id mod 10 → 0 test (held out), 1 dev, else train."""
    bucket = int(hashlib.sha1(tweet_id.encode("utf-8"), usedforsecurity=False).hexdigest(), 16) % 10
    return "test" if bucket == 0 else "dev" if bucket == 1 else "train"


def convert_sb10k(files: Mapping[str, Path], out: Path) -> dict[str, int]:
    """``id, label, md5, [ids], text`` → train.tsv and dev.tsv; tweets without text and the test split
    (kept back for evaluation, as in ../shared/data) are left out."""
    splits: dict[str, list[tuple[str, str, str]]] = {"train": [], "dev": []}
    for number, line in enumerate(_read_text(files["sb10k_corpus.tsv"]).splitlines(), start=1):
        if not line.strip():
            continue
        parts = line.split("\t")
        if len(parts) < 5 or parts[1] not in ("positive", "negative", "neutral"):
            raise FetchError(f"sb10k_corpus.tsv:{number}: expected id, label, hash, ids and text")
        text = "\t".join(parts[4:])
        split = sb10k_split(parts[0])
        if text == "Not Available" or split not in splits:
            continue
        splits[split].append((parts[0], text, parts[1]))
    header = ("id", "text", "sentiment")
    return {f"{name}.tsv": _write_tsv(out / f"{name}.tsv", header, rows) for name, rows in splits.items()}


_SUPERGLEBER = (
    "https://raw.githubusercontent.com/LSX-UniWue/SuperGLEBer/40ab7ff7a6cd03facb9e40c4aa9b8ca7bab8770f"
)
MANIFEST: dict[str, Dataset] = {
    "germeval2018": Dataset(
        name="germeval2018",
        licence="CC BY 4.0 (LICENSE.md of uds-lsv/GermEval-2018-Data)",
        citation="Wiegand, Siegel, Ruppenhofer (2018): Overview of the GermEval 2018 Shared Task on the "
        "Identification of Offensive Language. Proc. GermEval 2018 (KONVENS), Vienna.",
        sources={
            "germeval2018.training.txt": Source(
                "https://raw.githubusercontent.com/uds-lsv/GermEval-2018-Data/"
                "ac488de02eaf166ecb2671cca76584eeae8652cf/germeval2018.training.txt"
            )
        },
        convert=convert_germeval2018,
        commercial_ok=True,
    ),
    "germeval2021": Dataset(
        name="germeval2021",
        licence="not stated by the task or by SuperGLEBer: research use; check before commercial use",
        citation="Risch, Stoll, Wilms, Wiegand (2021): Overview of the GermEval 2021 Shared Task on the "
        "Identification of Toxic, Engaging, and Fact-Claiming Comments. Proc. GermEval 2021, pp. 1-12.",
        sources={
            "train.csv": Source(f"{_SUPERGLEBER}/data/Germeval/2021/train.csv"),
            "dev.csv": Source(f"{_SUPERGLEBER}/data/Germeval/2021/dev.csv"),
        },
        convert=convert_germeval2021,
        notes="train/dev is SuperGLEBer's division of the official training set",
    ),
    "sb10k": Dataset(
        name="sb10k",
        licence="annotations CC BY 4.0; the tweet texts come from a third-party repository and their "
        "redistribution status is doubtful: internal training and evaluation only, never ship them",
        citation="Cieliebak, Deriu, Egger, Uzdilli (2017): A Twitter Corpus and Benchmark Resources for "
        "German Sentiment Analysis. SocialNLP 2017.",
        sources={
            "sb10k_corpus.tsv": Source(
                "https://raw.githubusercontent.com/florianfricke/Bachelor_Thesis_Sentiment_Analyse/"
                "d1a62f331b6aa7486621927f2dd51a9d4d90ac73/data/labeled_sentiment_data/sb10k_corpus.tsv"
            )
        },
        convert=convert_sb10k,
        notes="the test split (SHA-1 of the id mod 10 = 0) is left out, as in ../shared/data",
    ),
}
# Not fetched (yet): GermEval 2017 (XML with aspect tags; the official train split is in no public
# snapshot), GermEval 2025 Flausch and harmful content (SuperGLEBer's re-split history needs care), and
# GAHD (its train/dev were de-duplicated against the other sets). docs/classify.md lists them.


def default_dir() -> Path:
    """``<RESONANZ_DATA_DIR or ./var>/train-data`` (not created here)."""
    return Path(os.environ.get("RESONANZ_DATA_DIR", "./var")).resolve() / TRAIN_DATA


def has_fetched(directory: Path | None = None) -> bool:
    directory = directory or default_dir()
    return any((directory / name).is_dir() for name in MANIFEST)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def _read_sums(directory: Path) -> dict[str, str]:
    path = directory / SUMS
    if not path.exists():
        return {}
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        digest, _sep, name = line.partition("  ")
        if digest and name:
            found[name] = digest
    return found


def _write_sums(directory: Path, sums: Mapping[str, str]) -> None:
    lines = [f"{digest}  {name}" for name, digest in sorted(sums.items())]
    (directory / SUMS).write_text("\n".join(lines) + "\n", encoding="utf-8")


def download(url: str, dest: Path, *, report: Callable[[str], None] = print) -> None:
    """Download ``url`` to ``dest``, resuming a ``dest.part`` left by an interrupted run (HTTP Range)."""
    part = dest.with_name(dest.name + ".part")
    have = part.stat().st_size if part.exists() else 0
    if not url.startswith(("https://", "http://")):
        raise FetchError(f"{url}: only http(s) sources are fetched")
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})  # noqa: S310  # http(s) only, checked above
    if have:
        request.add_header("Range", f"bytes={have}-")
    try:
        response = urllib.request.urlopen(request, timeout=TIMEOUT)  # noqa: S310  # https URLs of the manifest (tests: a local server)
    except urllib.error.HTTPError as exc:
        if exc.code == 416 and have:  # the .part is already complete
            part.replace(dest)
            return
        raise FetchError(f"{url}: the server answered {exc.code} {exc.reason}") from exc
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise FetchError(
            f"cannot reach {url} ({reason}). Are you offline? Run `resonanz data fetch` again when online "
            "(it resumes), or point RESONANZ_TRAIN_DATA at a directory that has the datasets."
        ) from exc
    with response:
        resumed = have and response.status == 206
        if have and not resumed:
            report(f"  the server does not resume; downloading {dest.name} from the start")
        mode = "ab" if resumed else "wb"
        with part.open(mode) as out:
            try:
                for block in iter(lambda: response.read(CHUNK), b""):
                    out.write(block)
            except OSError as exc:
                raise FetchError(
                    f"{url}: the download broke off ({exc}); run the command again to resume it"
                ) from exc
    part.replace(dest)


def _confirm(dataset: Dataset, *, yes: bool, ask: Callable[[str], str] | None) -> bool:
    if yes:
        return True
    if ask is None:
        return False
    answer = ask(f"Download {dataset.name} under these terms? [y/N] ")
    return answer.strip().lower() in ("y", "yes", "j", "ja")


def _fetch_one(
    dataset: Dataset,
    directory: Path,
    sums: dict[str, str],
    *,
    allow_unpinned: bool,
    report: Callable[[str], None],
) -> dict[str, int]:
    store = directory / DOWNLOADS / dataset.name
    store.mkdir(parents=True, exist_ok=True)
    files: dict[str, Path] = {}
    for name, source in dataset.sources.items():
        key = f"{dataset.name}/{name}"
        expected = source.sha256 or sums.get(key)
        if expected is None and not allow_unpinned:
            raise FetchError(
                f"{key}: no sha256 is pinned for this file (we could not verify it); rerun with "
                "--allow-unpinned to download it anyway and record its hash for later runs"
            )
        dest = store / name
        if not (dest.exists() and expected and _sha256(dest) == expected):
            report(f"  downloading {source.url}")
            download(source.url, dest, report=report)
        digest = _sha256(dest)
        if expected and digest != expected:
            dest.unlink()
            raise FetchError(
                f"{key}: sha256 {digest} does not match the pinned {expected}; the file was deleted. "
                "The source may have changed: do not train on it before checking."
            )
        if expected is None:
            report(f"  {key}: not pinned, recorded sha256 {digest} (trust on first use)")
            sums[key] = digest
        files[name] = dest
    return dataset.convert(files, directory / dataset.name)


def fetch(
    names: Sequence[str] = (),
    *,
    directory: Path | None = None,
    yes: bool = False,
    allow_unpinned: bool = False,
    ask: Callable[[str], str] | None = None,
    report: Callable[[str], None] = print,
    manifest: Mapping[str, Dataset] | None = None,
) -> dict[str, dict[str, int]]:
    """Fetch and convert the named datasets (all when none are named); returns rows per written file.

    ``ask`` prompts for each licence (None: non-interactive, so only ``yes`` downloads anything).
    """
    manifest = MANIFEST if manifest is None else manifest
    unknown = [n for n in names if n not in manifest]
    if unknown:
        raise FetchError(f"unknown dataset(s) {', '.join(unknown)}; known: {', '.join(manifest)}")
    directory = directory or default_dir()
    directory.mkdir(parents=True, exist_ok=True)
    sums = _read_sums(directory)
    written: dict[str, dict[str, int]] = {}
    try:
        for name in names or list(manifest):
            dataset = manifest[name]
            report(f"{dataset.name}: licence: {dataset.licence}")
            report(f"  cite: {dataset.citation}")
            if dataset.notes:
                report(f"  note: {dataset.notes}")
            if not _confirm(dataset, yes=yes, ask=ask):
                report(f"  skipped {dataset.name} (licence not accepted; use --yes to accept in scripts)")
                continue
            written[name] = _fetch_one(dataset, directory, sums, allow_unpinned=allow_unpinned, report=report)
            for file_name, rows in written[name].items():
                report(f"  wrote {directory / name / file_name} ({rows} rows)")
    finally:
        _write_sums(directory, sums)
    return written


def with_base_url(
    manifest: Mapping[str, Dataset], base: str, hashes: Mapping[str, str]
) -> dict[str, Dataset]:
    """The manifest with every source served from ``base/<dataset>/<file>`` and the given hashes (tests,
    and mirrors inside a company network)."""
    return {
        name: replace(
            dataset,
            sources={
                file: Source(f"{base.rstrip('/')}/{name}/{file}", hashes.get(f"{name}/{file}"))
                for file in dataset.sources
            },
        )
        for name, dataset in manifest.items()
    }


def cmd_data_fetch(args: argparse.Namespace) -> int:
    if args.list:
        for dataset in MANIFEST.values():
            pinned = all(s.sha256 for s in dataset.sources.values())
            print(f"{dataset.name}: {dataset.licence}{'' if pinned else ' [sha256 not pinned]'}")
        return 0
    interactive = sys.stdin.isatty() and not args.yes
    if not interactive and not args.yes:
        print(
            "error: not a terminal, so the licences cannot be accepted interactively: read them with "
            "`resonanz data fetch --list` and accept them with --yes",
            file=sys.stderr,
        )
        return 2
    try:
        written = fetch(
            args.datasets,
            directory=Path(args.dir) if args.dir else None,
            yes=args.yes,
            allow_unpinned=args.allow_unpinned,
            ask=input if interactive else None,
        )
    except FetchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3
    if not written:
        print("nothing fetched", file=sys.stderr)
        return 1
    print(f"done: {', '.join(written)} in {Path(args.dir) if args.dir else default_dir()}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    data = subparsers.add_parser("data", help="training data: fetch the public datasets")
    actions = data.add_subparsers(dest="data_command", required=True)
    fetch_cmd = actions.add_parser(
        "fetch", help="download and convert the public training datasets (licences are shown first)"
    )
    fetch_cmd.add_argument("datasets", nargs="*", help=f"default: all ({', '.join(MANIFEST)})")
    fetch_cmd.add_argument(
        "--yes", action="store_true", help="accept the licences (needed without a terminal)"
    )
    fetch_cmd.add_argument(
        "--allow-unpinned", action="store_true", help="download files whose sha256 is not pinned in the code"
    )
    fetch_cmd.add_argument("--list", action="store_true", help="list the datasets and their licences")
    fetch_cmd.add_argument("--dir", help="target directory (default: RESONANZ_DATA_DIR/train-data)")
    fetch_cmd.set_defaults(func=cmd_data_fetch)
