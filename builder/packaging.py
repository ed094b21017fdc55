"""Write build output reproducibly and atomically: nothing half-written is ever left behind."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import tempfile
import time
import zipfile
from pathlib import Path
from typing import BinaryIO, Iterator, Mapping

ZIP_EPOCH_MIN = 315532800  # 1980-01-01T00:00:00Z, the earliest time a zip entry can hold
FILE_MODE = 0o644
FOLDER_MODE = 0o755


def source_date_epoch() -> int:
    """The timestamp for every zip entry: $SOURCE_DATE_EPOCH if set, else 1980-01-01."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return max(int(value), ZIP_EPOCH_MIN) if value.isdigit() else ZIP_EPOCH_MIN


def zip_bytes(files: Mapping[str, bytes], epoch: int) -> bytes:
    """A zip of `files` with sorted entries, fixed timestamps and fixed permissions."""
    stamp = time.gmtime(epoch)[:6]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (0o100000 | FILE_MODE) << 16
            info.create_system = 3  # Unix, so the permissions above are read as such
            archive.writestr(info, files[name], compresslevel=9)
    return buffer.getvalue()


def write_file(data: bytes, destination: Path) -> None:
    """Write to a temporary file beside `destination`, then rename it into place."""
    with replacing(destination) as stream:
        stream.write(data)


@contextlib.contextmanager
def replacing(destination: Path) -> Iterator[BinaryIO]:
    """A stream to a temporary file beside `destination`, renamed into place if the block succeeds."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=destination.parent, prefix=f".{destination.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as stream:
            yield stream
        os.chmod(temporary, FILE_MODE)
        os.replace(temporary, destination)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_folder(files: Mapping[str, bytes], destination: Path) -> None:
    """Write `files` into a temporary folder beside `destination`, then swap it into place."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    temporary = Path(tempfile.mkdtemp(dir=destination.parent, prefix=f".{destination.name}.", suffix=".part"))
    try:
        os.chmod(temporary, FOLDER_MODE)
        for name in sorted(files):
            path = temporary / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(files[name])
        old = None
        if destination.exists():
            old = destination.with_name(f".{destination.name}.old-{os.getpid()}")
            os.replace(destination, old)
        os.replace(temporary, destination)
        if old is not None:
            shutil.rmtree(old)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
