from app.config import Settings
from tests.conftest import ROOT


def user_settings() -> list[str]:
    """Environment names of the settings a user sets (project paths excluded)."""
    names = []
    for name in Settings.model_fields:
        if name.endswith("_dir") and name != "data_dir":
            continue
        names.append("DATABASE_URL" if name == "database_url" else f"PARALLAX_{name.upper()}")
    return names


def test_every_setting_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    assert [env for env in user_settings() if env not in readme] == []


def test_every_setting_is_in_env_example():
    example = (ROOT / ".env.example").read_text()
    assert [env for env in user_settings() if env not in example] == []
