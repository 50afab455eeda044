"""One Settings object for the whole app, read from the environment (prefix PARALLAX_)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

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
    embedded_shared_buffers_mb: int = 0  # embedded Postgres only; 0: a quarter of memory, 128 MB to 8 GB

    # Web server
    host: str = "127.0.0.1"
    port: int = 8000
    page_cache_mb: int = 64  # rendered pages kept per process until the corpus changes; 0 turns it off

    # Embedding model: a packaged model name (all-MiniLM-L6-v2, all-mpnet-base-v2) or a model folder
    model: str = "all-MiniLM-L6-v2"
    embed_batch_size: int = 32
    embed_device: str = "cpu"
    torch_threads: int = 0  # 0 = torch's default
    # Similar-meaning search shows passages at least this close (cosine); measured for all-MiniLM-L6-v2
    # by bench/similarity_floor.py (docs/design-notes.md): another model needs its own
    similar_floor: float = Field(0.3, ge=-1.0, le=1.0)

    # Ingest limits
    max_article_bytes: int = 2_000_000
    min_article_chars: int = 200
    passage_max_chars: int = 480
    passage_min_chars: int = 120

    # Background jobs (the `jobs` table; `parallax worker`)
    inline_worker: Literal["auto", "on", "off"] = "auto"  # auto: a worker thread in `serve` when DATABASE_URL is unset
    job_max_attempts: int = 5
    job_backoff_s: float = 2.0  # retry n waits backoff * 2**(n-1) seconds
    job_heartbeat_s: float = 5.0
    job_stale_after_s: float = 60.0  # a running job whose heartbeat is older is taken up again
    job_poll_s: float = 0.5
    frame_on_ingest: bool = True  # uploads, imports and feed polls keep the framing of the stories they change

    # Security
    admin_token: str | None = None  # set: writes need it (Bearer for /api, /login for the forms)
    # Serving beyond loopback without an admin token is refused unless this opens writes on purpose.
    allow_anonymous_writes: bool = False
    secret_key: str | None = None  # signs cookies; unset: a random key kept in PARALLAX_DATA_DIR/secret_key
    max_request_bytes: int = 0  # 0: max_article_bytes + 1 MiB
    rate_limit_per_minute: float = 60.0  # writes per client IP (token bucket in Postgres, shared by all servers); 0: off
    rate_limit_burst: int = 20

    # Fetching articles by URL
    fetch_allow_private: bool = False
    fetch_timeout_s: float = 10.0
    source_interval_s: int = 900  # how often a new source is polled (each source keeps its own)
    source_host_delay_s: float = 2.0  # between two requests to one host, when polling sources
    poll_sources: bool = True  # workers poll due sources when they have no job
    source_lease_s: int = 600  # a claimed source is not due again for this long (its worker may have died)

    # Logs
    log_format: Literal["text", "json"] = "text"
    log_level: str = "INFO"

    # Paths
    seeds_dir: Path = PROJECT_ROOT / "seeds"
    templates_dir: Path = PROJECT_ROOT / "templates"
    static_dir: Path = PROJECT_ROOT / "static"

    @property
    def request_limit(self) -> int:
        return self.max_request_bytes or self.max_article_bytes + 1024 * 1024

    @property
    def runs_inline_worker(self) -> bool:
        if self.inline_worker == "auto":
            return not self.database_url
        return self.inline_worker == "on"

    @property
    def embedded_pg_dir(self) -> Path:
        return self.data_dir.resolve() / "pg"


@lru_cache
def get_settings() -> Settings:
    return Settings()
