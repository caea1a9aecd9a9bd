"""Saving and loading the trained artefact: ``manifest.json`` + ``weights.npz`` (no pickles).

The npz holds only numeric arrays (the vocabulary as UTF-8 bytes, idf, per-head weights in
float16, intercepts and offsets), loaded with ``allow_pickle=False``; the manifest records the
version, seeds, datasets and licenses per head, CV metrics and library versions. Any numpy
version can read it back, so the artefact does not break when scikit-learn is upgraded.
"""

from __future__ import annotations

import hashlib
import json
import platform
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from .features import CHAR_NGRAMS, MAX_CHARS, FeatureSpace
from .linear import LinearHead

FORMAT = 1
DEFAULT_DIR = Path(__file__).resolve().parent.parent / "artefacts" / "default"


class ArtefactError(RuntimeError):
    """The artefact directory is missing, incomplete or of an unknown format."""


@dataclass
class Artefact:
    space: FeatureSpace
    heads: dict[str, LinearHead]
    manifest: dict[str, Any]

    @property
    def version(self) -> str:
        return str(self.manifest["version"])


def library_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for dist in ("numpy", "scipy", "scikit-learn", "lingua-language-detector", "vaderSentiment"):
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[dist] = "absent"
    return versions


def save(space: FeatureSpace, heads: dict[str, LinearHead], info: dict[str, Any], out_dir: Path) -> Artefact:
    """Write the artefact; the version is the training date plus a hash of weights and manifest."""
    out_dir.mkdir(parents=True, exist_ok=True)
    arrays: dict[str, np.ndarray] = {
        "terms": np.frombuffer("\n".join(space.terms).encode("utf-8"), dtype=np.uint8),
        "idf": space.idf.astype(np.float32),
    }
    head_info: dict[str, Any] = {}
    for name, head in heads.items():
        arrays[f"{name}.coef"] = head.coef.astype(np.float16)
        arrays[f"{name}.intercept"] = head.intercept.astype(np.float64)
        arrays[f"{name}.offsets"] = head.offsets.astype(np.float64)
        head_info[name] = {"kind": head.kind, "outputs": head.outputs} | info.get("heads", {}).get(name, {})
    weights_path = out_dir / "weights.npz"
    np.savez_compressed(weights_path, **arrays)  # type: ignore[arg-type]
    created = info.get("created_at") or datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "created_at": created,
        "features": {
            "char_ngrams": list(CHAR_NGRAMS),
            "word_ngrams": [1, 2],
            "max_chars": MAX_CHARS,
            "n_features": space.size,
            "weighting": "sublinear tf * smooth idf, l2",
        },
        "libraries": library_versions(),
    } | {key: value for key, value in info.items() if key not in ("heads", "created_at")}
    manifest["heads"] = head_info
    digest = hashlib.sha256(weights_path.read_bytes())
    digest.update(json.dumps(manifest, sort_keys=True).encode("utf-8"))
    manifest["version"] = f"{created[:10].replace('-', '.')}-{digest.hexdigest()[:8]}"
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", "utf-8")
    return Artefact(space, {name: head for name, head in heads.items()}, manifest)


def load(directory: Path = DEFAULT_DIR) -> Artefact:
    manifest_path, weights_path = directory / "manifest.json", directory / "weights.npz"
    if not manifest_path.exists() or not weights_path.exists():
        raise ArtefactError(f"no trained artefact in {directory} (run `resonanz train`)")
    manifest = json.loads(manifest_path.read_text("utf-8"))
    if manifest.get("format") != FORMAT:
        raise ArtefactError(f"{directory}: unknown artefact format {manifest.get('format')!r}")
    with np.load(weights_path, allow_pickle=False) as arrays:
        terms = arrays["terms"].tobytes().decode("utf-8").split("\n") if arrays["terms"].size else []
        space = FeatureSpace(terms, arrays["idf"].astype(np.float64))
        heads = {
            name: LinearHead(
                name,
                info["kind"],
                list(info["outputs"]),
                arrays[f"{name}.coef"].astype(np.float64),
                arrays[f"{name}.intercept"],
                arrays[f"{name}.offsets"],
            )
            for name, info in manifest["heads"].items()
        }
    return Artefact(space, heads, manifest)
