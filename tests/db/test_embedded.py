"""The embedded Postgres is sized for the corpus: its shared_buffers come from the settings."""
import psycopg

from app.db.embedded import _SERVERS, embedded_url, shared_buffers_mb


def test_a_fresh_embedded_database_starts_with_the_shared_buffers_asked_for(tmp_path):
    folder = tmp_path / "pg"
    url = embedded_url(folder, 160).replace("postgresql+psycopg", "postgresql")
    try:
        with psycopg.connect(url) as conn:
            assert conn.execute("SHOW shared_buffers").fetchone()[0] == "160MB"
    finally:
        _SERVERS.pop(str(folder)).cleanup()


def test_by_default_a_quarter_of_memory_between_128_mb_and_2_gb():
    assert 128 <= shared_buffers_mb() <= 8192
    assert shared_buffers_mb(512) == 512
