"""The render's data key: the data files a notebook reads, not the derived-product store."""

from __future__ import annotations

from pathlib import Path

from tiptrends.report import render


def test_a_product_stored_on_first_use_leaves_the_data_key(scratch_root: Path) -> None:
    """A derived product is computed from data and code the key covers already: one stored
    while the other test worker runs (a rule set asked for the first time) must not make the
    next render execute every notebook again. A curated table is still part of the key."""
    curated = scratch_root / "data" / "curated"
    (curated / "derived").mkdir(parents=True)
    (curated / "glotip_2025.parquet").write_bytes(b"table")
    before = render.data_fingerprint()
    (curated / "derived" / "processed_x.table.parquet").write_bytes(b"product")
    (curated / "derived" / "processed_x.json").write_text("{}")
    assert render.data_fingerprint() == before
    assert not any(k.startswith("curated/derived/") for k in render.data_inputs())
    (curated / "glotip_2025.parquet").write_bytes(b"another table")
    assert render.data_fingerprint() != before


def test_a_product_stored_on_first_use_leaves_the_book_current(scratch_root: Path) -> None:
    """The same for the book: the staged site reads the curated tables, not the products, so
    a product stored after a full render must not make the next render stage the book again
    (the session's warm-site test failed so when the other worker stored one). Editing a
    curated table does restage it."""
    from tiptrends.report import book

    build = scratch_root / "_build"
    nb_dir = scratch_root / "notebooks"
    nb_dir.mkdir()
    curated = scratch_root / "data" / "curated"
    (curated / "derived").mkdir(parents=True)
    (curated / "glotip_2025.parquet").write_bytes(b"table")
    before = book.inputs_stamp(nb_dir, build, [], {})
    (curated / "derived" / "processed_x.table.parquet").write_bytes(b"product")
    (curated / "derived" / "processed_x.json").write_text("{}")
    assert book.inputs_stamp(nb_dir, build, [], {}) == before
    (curated / "glotip_2025.parquet").write_bytes(b"another table")
    assert book.inputs_stamp(nb_dir, build, [], {}) != before
