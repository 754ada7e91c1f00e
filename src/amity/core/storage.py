"""File storage that never leaves a half-written upload behind.

Django's ``FileSystemStorage`` writes an upload straight into its final name; when the disk
fills up (or the process dies) in the middle, a truncated file stays there under a name that
looks valid. This storage writes into a hidden temporary file in the same directory and
links it to its final name only once every byte is on disk; a failure removes the temporary
file, so a name either holds the whole file or does not exist. Found by the disk-full
scenario of ``make reliability`` (docs/reliability.md).
"""

from __future__ import annotations

import contextlib
import os
import tempfile

from django.core.files.storage import FileSystemStorage


class AtomicFileSystemStorage(FileSystemStorage):
    def _save(self, name: str, content) -> str:
        full_path = self.path(name)
        directory = os.path.dirname(full_path)
        if not os.path.isdir(directory):
            if self.directory_permissions_mode is not None:
                old_umask = os.umask(0o777 & ~self.directory_permissions_mode)
                try:
                    os.makedirs(directory, self.directory_permissions_mode, exist_ok=True)
                finally:
                    os.umask(old_umask)
            else:
                os.makedirs(directory, exist_ok=True)
        fd, partial = tempfile.mkstemp(dir=directory, prefix=".partial-")
        try:
            with os.fdopen(fd, "wb") as out:
                if hasattr(content, "seek"):
                    with contextlib.suppress(Exception):
                        content.seek(0)
                for chunk in content.chunks():
                    out.write(chunk if isinstance(chunk, bytes) else chunk.encode())
                out.flush()
                os.fsync(out.fileno())
            while True:
                try:
                    os.link(partial, full_path)
                    break
                except FileExistsError:
                    name = self.get_available_name(name)
                    full_path = self.path(name)
            if self.file_permissions_mode is not None:
                os.chmod(full_path, self.file_permissions_mode)
            else:
                os.chmod(full_path, 0o666 & ~_umask())
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(partial)
        return str(name).replace("\\", "/")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
