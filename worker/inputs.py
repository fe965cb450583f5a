"""Turn CLI arguments (files, directories, URLs) into intake records, with clear errors."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from worker.repo import Intake

SUPPORTED = {".html": "html", ".htm": "html", ".txt": "text"}
MAX_FILE_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class InputItem:
    label: str  # path or URL, as shown to the user
    intake: Intake | None
    error: str | None = None


def is_url(arg: str) -> bool:
    return arg.lower().startswith(("http://", "https://"))


def iter_inputs(args: list[str], *, source: str | None = None) -> Iterator[InputItem]:
    """Yield one item per input; directories are walked recursively (sorted, deterministic)."""
    for arg in args:
        if is_url(arg):
            yield InputItem(arg, Intake(kind="url", url=arg, source=source))
            continue
        if "://" in arg:
            yield InputItem(arg, None, f"unsupported URL scheme (only http/https): {arg}")
            continue
        path = Path(arg)
        if path.is_dir():
            files = sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED
            )
            if not files:
                yield InputItem(arg, None, f"no .html/.htm/.txt files under {arg}")
            for f in files:
                yield read_file(f, source)
        elif path.exists():
            yield read_file(path, source)
        else:
            yield InputItem(arg, None, f"no such file or directory: {arg}")


def read_file(path: Path, source: str | None) -> InputItem:
    kind = SUPPORTED.get(path.suffix.lower())
    if kind is None:
        return InputItem(
            str(path), None, f"unsupported file type {path.suffix or '(none)'}: {path}"
        )
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return InputItem(
                str(path), None, f"file too large ({size} bytes > {MAX_FILE_BYTES}): {path}"
            )
        data = path.read_bytes()
    except OSError as exc:
        return InputItem(str(path), None, f"cannot read {path}: {exc.strerror or exc}")
    # Bytes are kept as they are: charset detection happens in extraction.
    return InputItem(str(path), Intake(kind=kind, content=data, source=source))
