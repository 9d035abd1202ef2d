"""Bulk-load N background stories into a fresh SQLite archive for the dedup benchmark.

Row for row what `record_fetch` + `assign_story` would write for N distinct originals (page, fetch,
article, story, membership, LSH band rows with their first-seen flags), but computed on two processes and
inserted in primary-key order with the band table's secondary indexes built afterwards: a million stories
one transaction at a time would take hours. Story number k gets id k + 1 in every table.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from multiprocessing import Pool

import numpy as np
from sqlalchemy import Engine

from bench.dedup_corpus import original
from storage.fingerprint import body_hash
from storage.minhash import band_keys, features, signature

CHUNK = 2000
STAMP = "2026-11-01 00:00:00.000000"  # how SQLAlchemy's DateTime stores a UTC time in SQLite
BAND_INDEXES = ("ix_dedup_bands_article_id", "uq_dedup_bands_first")

Computed = tuple[int, str, str, str, list[int]]


def _compute(task: tuple[int, int, int]) -> list[Computed]:
    seed, start, stop = task
    out = []
    for number in range(start, stop):
        doc = original(seed, number)
        keys = band_keys(signature(features(doc.title, doc.body).shingles))
        out.append((number, doc.title, doc.body, body_hash(doc.body), [key for _, key in keys]))
    return out


def _chunks(seed: int, size: int) -> Iterator[list[Computed]]:
    tasks = [(seed, start, min(start + CHUNK, size)) for start in range(0, size, CHUNK)]
    with Pool(2) as pool:
        yield from pool.imap(_compute, tasks)


def grow_archive(engine: Engine, seed: int, size: int, site_key: str) -> None:
    database = engine.url.database
    assert database, "SQLite only"
    connection = sqlite3.connect(database, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=OFF")
    connection.execute("PRAGMA cache_size=-1000000")
    index_sql = [
        row[0]
        for row in connection.execute(
            f"SELECT sql FROM sqlite_master WHERE name IN {BAND_INDEXES}"  # constants, not input
        )
    ]
    for name in BAND_INDEXES:
        connection.execute(f"DROP INDEX {name}")
    keys = np.empty((size, 32), dtype=np.int64)
    connection.execute("BEGIN")
    for chunk in _chunks(seed, size):
        _insert_chunk(connection, chunk, site_key)
        for number, *_, band_values in chunk:
            keys[number] = band_values
    _insert_bands(connection, keys)
    connection.execute("COMMIT")
    for sql in index_sql:
        connection.execute(sql)
    connection.execute("ANALYZE")
    connection.close()


def _insert_chunk(connection: sqlite3.Connection, chunk: list[Computed], site: str) -> None:
    ids = [number + 1 for number, *_ in chunk]
    urls = [f"http://bench.test/bg/{i}.html" for i in ids]
    connection.executemany(
        "INSERT INTO pages (id, site_key, url_key, url, first_seen_at, last_fetched_at, fetch_count)"
        " VALUES (?, ?, ?, ?, ?, ?, 1)",
        [(i, site, url[5:], url, STAMP, STAMP) for i, url in zip(ids, urls, strict=True)],
    )
    connection.executemany(
        "INSERT INTO fetches (id, page_id, requested_url, final_url, status, headers, fetched_at, outcome,"
        " detail) VALUES (?, ?, ?, ?, 200, '{}', ?, 'new', '')",
        [(i, i, url, url, STAMP) for i, url in zip(ids, urls, strict=True)],
    )
    connection.executemany(
        "INSERT INTO stories (id, canonical_article_id, created_at, updated_at) VALUES (?, ?, ?, ?)",
        [(i, i, STAMP, STAMP) for i in ids],
    )
    connection.executemany(
        "INSERT INTO articles (id, page_id, story_id, site_key, url, title, body, body_hash, published_at,"
        " authors, editors, correspondents, tags, images, attachments, language, extractor_version,"
        " relevance_score, relevance_terms, regions, fetch_id, first_archived_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '[]', '[]', '[]', '[]', '[]', '[]', 'zh', 'bench', 1.0,"
        " '[]', '[]', ?, ?, ?)",
        [
            (i, i, i, site, url, title, body, digest, STAMP, i, STAMP, STAMP)
            for i, url, (_, title, body, digest, _) in zip(ids, urls, chunk, strict=True)
        ],
    )
    connection.executemany(
        "INSERT INTO dedup_memberships (article_id, story_id, method, jaccard, containment)"
        " VALUES (?, ?, 'first', 1.0, 1.0)",
        [(i, i) for i in ids],
    )


def _insert_bands(connection: sqlite3.Connection, keys: np.ndarray) -> None:
    size, bands = keys.shape
    flat_keys = keys.ravel()
    flat_bands = np.tile(np.arange(bands, dtype=np.int64), size)
    articles = np.repeat(np.arange(1, size + 1, dtype=np.int64), bands)
    order = np.lexsort((articles, flat_bands, flat_keys))  # primary key order: (key, band, article_id)
    flat_keys, flat_bands, articles = flat_keys[order], flat_bands[order], articles[order]
    # The lowest article id of each band value is the one that saw it first.
    first = np.ones(len(order), dtype=bool)
    first[1:] = (flat_keys[1:] != flat_keys[:-1]) | (flat_bands[1:] != flat_bands[:-1])
    step = 500_000
    for start in range(0, len(order), step):
        stop = start + step
        connection.executemany(
            "INSERT INTO dedup_bands (key, band, article_id, is_first) VALUES (?, ?, ?, ?)",
            zip(
                flat_keys[start:stop].tolist(),
                flat_bands[start:stop].tolist(),
                articles[start:stop].tolist(),
                first[start:stop].astype(int).tolist(),
                strict=True,
            ),
        )
