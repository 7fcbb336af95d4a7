"""A persistent SQLite cache of registry verdicts.

Only definite answers are kept: ``found`` and ``not-found``.  Tag lookups
expire after a TTL (a tag can be pushed or moved); a *found* digest reference
never expires (content addressed: the same digest always names the same
manifest).  Failures (unauthorized, unreachable, error) are never cached, so a
fixed network or a fresh login takes effect on the next run.

Any SQLite trouble (locked, corrupt, read-only directory) makes the cache a
no-op rather than an error: the check then simply goes to the network.
"""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

from .verdict import ImageVerdict

_SCHEMA = """
CREATE TABLE IF NOT EXISTS image_verdicts_v1 (
    key         TEXT PRIMARY KEY,
    status      TEXT NOT NULL,
    detail      TEXT NOT NULL,
    digest      TEXT,
    suggestions TEXT NOT NULL,
    tags        TEXT NOT NULL,
    stored_at   REAL NOT NULL,
    forever     INTEGER NOT NULL
)
"""
CACHEABLE = ("found", "not-found")


class ImageCache:
    """``get(key)`` / ``put(key, verdict, forever=)`` over one SQLite file."""

    def __init__(self, path: Path, ttl_seconds: int = 86400, clock=time.time) -> None:
        self.path = Path(path)
        self.ttl = ttl_seconds
        self.clock = clock
        self._db: sqlite3.Connection | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(str(self.path), timeout=5)
            db.execute(_SCHEMA)
            db.commit()
            self._db = db
        except (sqlite3.Error, OSError):
            self._db = None

    @property
    def usable(self) -> bool:
        return self._db is not None

    def get(self, key: str) -> ImageVerdict | None:
        if self._db is None:
            return None
        try:
            row = self._db.execute(
                "SELECT status, detail, digest, suggestions, tags, stored_at, forever "
                "FROM image_verdicts_v1 WHERE key = ?",
                (key,),
            ).fetchone()
        except sqlite3.Error:
            return None
        if row is None:
            return None
        status, detail, digest, suggestions, tags, stored_at, forever = row
        if not forever and self.clock() - stored_at >= self.ttl:
            return None
        try:
            return ImageVerdict(status, detail, digest, list(json.loads(suggestions)), 0, list(json.loads(tags)))
        except (ValueError, TypeError):
            return None

    def put(self, key: str, verdict: ImageVerdict, *, forever: bool = False) -> None:
        if self._db is None or verdict.status not in CACHEABLE:
            return
        try:
            self._db.execute(
                "INSERT OR REPLACE INTO image_verdicts_v1 VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    key,
                    verdict.status,
                    verdict.detail,
                    verdict.digest,
                    json.dumps(list(verdict.suggestions)),
                    json.dumps(list(verdict.tags)),
                    self.clock(),
                    1 if forever else 0,
                ),
            )
            self._db.commit()
        except sqlite3.Error:
            pass

    def close(self) -> None:
        if self._db is not None:
            try:
                self._db.close()
            except sqlite3.Error:
                pass
            self._db = None
