"""One Settings object for the whole app, read from the environment (prefix PARALLAX_)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PARALLAX_", env_file=".env", extra="ignore")

    # Storage
    database_url: str | None = Field(
        default=None, validation_alias=AliasChoices("DATABASE_URL", "PARALLAX_DATABASE_URL")
    )
    data_dir: Path = Path("var")

    # Web server
    host: str = "127.0.0.1"
    port: int = 8000

    # Embedding model: a packaged model name (all-MiniLM-L6-v2, all-mpnet-base-v2) or a model folder
    model: str = "all-MiniLM-L6-v2"
    embed_batch_size: int = 32
    embed_device: str = "cpu"
    torch_threads: int = 0  # 0 = torch's default

    # Ingest limits
    max_article_bytes: int = 2_000_000
    min_article_chars: int = 200
    passage_max_chars: int = 480
    passage_min_chars: int = 120

    # Paths
    seeds_dir: Path = PROJECT_ROOT / "seeds"
    templates_dir: Path = PROJECT_ROOT / "templates"
    static_dir: Path = PROJECT_ROOT / "static"

    @property
    def embedded_pg_dir(self) -> Path:
        return self.data_dir.resolve() / "pg"


@lru_cache
def get_settings() -> Settings:
    return Settings()
