"""Committed Alembic revisions are never edited: a database upgraded with the old text would
differ from a fresh one built with the new, and nothing would say so. Each revision file must
have the SHA-256 listed in migration_hashes.txt; a new revision adds its line there."""
from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

VERSIONS = Path(__file__).resolve().parents[2] / "migrations" / "versions"
HASHES = Path(__file__).with_name("migration_hashes.txt")


def listed_hashes() -> dict[str, str]:
    listed = {}
    for line in HASHES.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            digest, name = line.split(maxsplit=1)
            listed[name.lstrip("*")] = digest
    return listed


def revision_drift(versions: Path, listed: dict[str, str]) -> list[str]:
    """What differs between the revision files and the list, in words that say what to do."""
    revisions = {path.name: hashlib.sha256(path.read_bytes()).hexdigest()
                 for path in sorted(versions.glob("*.py"))}
    problems = [
        f"{name} was edited after it was committed. A committed revision may already have run "
        "on a database, where editing it changes nothing: put it back as it was (git checkout "
        "-- migrations/versions/…) and make the change in a new revision (flask --app exhibit "
        "db migrate -m \"…\")."
        for name, digest in revisions.items() if name in listed and listed[name] != digest]
    problems += [f"{name} was deleted or renamed; databases already carry its revision id: "
                 "restore it." for name in sorted(set(listed) - set(revisions))]
    problems += [f"{name} is a new revision not listed in tests/core/migration_hashes.txt; once it "
                 f"is final, add the line: {revisions[name]}  {name}"
                 for name in sorted(set(revisions) - set(listed))]
    return problems


def test_every_committed_revision_is_unchanged():
    assert revision_drift(VERSIONS, listed_hashes()) == []


def test_an_edited_deleted_or_unlisted_revision_fails_and_says_what_to_do(tmp_path):
    listed = listed_hashes()
    copy = tmp_path / "versions"
    copy.mkdir()
    for name in listed:
        shutil.copy(VERSIONS / name, copy / name)
    first, second = (copy / name for name in sorted(listed)[:2])
    with open(first, "a", encoding="utf-8") as f:
        f.write("# a late fix\n")
    second.unlink()
    (copy / "0123456789ab_new_table.py").write_text('revision = "0123456789ab"\n')
    problems = revision_drift(copy, listed)
    assert len(problems) == 3, problems
    assert problems[0].startswith(f"{first.name} was edited") and "new revision" in problems[0]
    assert problems[1].startswith(f"{second.name} was deleted")
    assert "0123456789ab_new_table.py" in problems[2] and "add the line" in problems[2]
