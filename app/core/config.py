"""One settings object for the whole app, read from ``HOMEWARD_*`` environment variables."""

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[2]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HOMEWARD_", env_file=".env", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    host: str = "127.0.0.1"
    port: int = 8000
    database_url: str = f"sqlite:///{PROJECT_ROOT / 'data' / 'homeward.db'}"
    # Where the seed content and the PWA files live; tests point these at copies.
    content_dir: Path = PROJECT_ROOT / "app" / "content"
    frontend_dir: Path = PROJECT_ROOT / "frontend"
    source_locale: str = "en"
    # Seconds a client may reuse the content bundle before revalidating with its ETag.
    bundle_max_age: int = 300
    log_level: str = "info"


@lru_cache
def get_settings() -> Settings:
    return Settings()
