"""The backup archive: a tar of the database dump, every uploaded file under media/, and last a
manifest.json with the SHA-256 of each, so an archive is checked whole before anything is
restored. Encrypted, it is a tar of two age files that the `age` tool opens too: key.age, a key
encrypted with the passphrase (scrypt), and backup.tar.age, the archive encrypted to that key
(which, unlike the passphrase, age can stream: a large archive never has to fit in memory)."""

import hashlib
import io
import json
import tarfile
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO

import pyrage

# Bump when the layout changes; a reader refuses a format newer than its own.
FORMAT = 1
MANIFEST = "manifest.json"
DATABASE = "database.dump"
MEDIA = "media"
KEY = "key.age"
SEALED = "backup.tar.age"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, for whoever runs it."""


@dataclass
class Manifest:
    version: str
    created_at: str
    migrations: list[str]
    rows: dict[str, int]
    postgres: str
    files: dict[str, str] = field(default_factory=dict)  # member name -> SHA-256
    format: int = FORMAT


class _Hashing:
    """Reads a file through, hashing what passes."""

    def __init__(self, file: IO[bytes]) -> None:
        self.file, self.sha256 = file, hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.file.read(size)
        self.sha256.update(data)
        return data


def _add(tar: tarfile.TarFile, name: str, path: Path) -> str:
    info = tar.gettarinfo(str(path), arcname=name)
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    with path.open("rb") as file:
        hashing = _Hashing(file)
        tar.addfile(info, hashing)
    return hashing.sha256.hexdigest()


def media_files(root: Path) -> Iterator[tuple[str, Path]]:
    """Every file under the media folder, as its member name and path."""
    for path in sorted(root.rglob("*")) if root.is_dir() else []:
        if path.is_file() and not path.is_symlink():
            yield f"{MEDIA}/{path.relative_to(root).as_posix()}", path


def archive_write(*, to: Path, dump: Path, media_root: Path, manifest: Manifest) -> None:
    """Write the archive: the dump, then the media files, then the manifest with their hashes."""
    with tarfile.open(to, "w", format=tarfile.PAX_FORMAT) as tar:
        manifest.files[DATABASE] = _add(tar, DATABASE, dump)
        for name, path in media_files(media_root):
            manifest.files[name] = _add(tar, name, path)
        data = json.dumps(asdict(manifest), indent=2, sort_keys=True).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size, info.mtime = len(data), int(time.time())
        tar.addfile(info, _Bytes(data))


class _Bytes:
    def __init__(self, data: bytes) -> None:
        self.data, self.at = data, 0

    def read(self, size: int = -1) -> bytes:
        end = len(self.data) if size < 0 else self.at + size
        chunk, self.at = self.data[self.at : end], min(end, len(self.data))
        return chunk


def _safe(name: str) -> bool:
    path = PurePosixPath(name)
    return (
        not path.is_absolute()
        and ".." not in path.parts
        and (name in (DATABASE, MANIFEST) or path.parts[0] == MEDIA)
    )


def archive_verify(*, path: Path) -> Manifest:
    """Read the whole archive and check every member against the manifest's hashes. Anything
    cut off, changed, missing, added or oddly named is refused before a byte is restored."""
    hashes: dict[str, str] = {}
    manifest_data = b""
    try:
        with tarfile.open(path, "r:") as tar:
            for member in tar:
                if not member.isfile() or not _safe(member.name) or member.name in hashes:
                    raise BackupError(f"The archive holds an unexpected entry: {member.name}")
                file = tar.extractfile(member)
                assert file is not None  # noqa: S101 -- a regular file always has content
                sha256 = hashlib.sha256()
                while chunk := file.read(CHUNK):
                    sha256.update(chunk)
                    if member.name == MANIFEST:
                        manifest_data += chunk
                hashes[member.name] = sha256.hexdigest()
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise BackupError(f"The archive is damaged or cut off: {exc}") from exc
    try:
        manifest = Manifest(**json.loads(manifest_data))
    except (ValueError, TypeError) as exc:
        raise BackupError(
            "The archive has no readable manifest: it is damaged or cut off."
        ) from exc
    hashes.pop(MANIFEST)
    if manifest.format > FORMAT:
        raise BackupError("The archive was made by a newer Knotwork: upgrade Knotwork first.")
    if hashes != manifest.files:
        wrong = sorted(set(hashes.items()) ^ set(manifest.files.items()))
        raise BackupError(f"The archive is damaged: {wrong[0][0]} does not match its checksum.")
    return manifest


def archive_extract(*, path: Path, member: str, to: Path) -> None:
    with tarfile.open(path, "r:") as tar:
        tar.extract(member, to, filter="data")


def archive_extract_media(*, path: Path, media_root: Path) -> None:
    """Put every media file back in place, as private as the app writes them (settings.STORAGES)."""
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(path, "r:") as tar:
        for member in tar:
            if member.name.startswith(f"{MEDIA}/"):
                member.name = member.name.removeprefix(f"{MEDIA}/")
                member.mode = 0o600
                tar.extract(member, media_root, filter="data")
    for folder in [media_root, *(p for p in media_root.rglob("*") if p.is_dir())]:
        folder.chmod(0o700)


def is_sealed(path: Path) -> bool:
    try:
        with tarfile.open(path, "r:") as tar:
            first = tar.next()
            return first is not None and first.name == KEY
    except (tarfile.TarError, OSError):
        return False


def archive_seal(*, plain: Path, to: Path, passphrase: str) -> None:
    """Encrypt an archive with a passphrase, with age (see the module's docstring)."""
    identity = pyrage.x25519.Identity.generate()
    key = pyrage.passphrase.encrypt(str(identity).encode(), passphrase)
    sealed = plain.with_suffix(".age")
    with plain.open("rb") as source, sealed.open("wb") as target:
        pyrage.encrypt_io(source, target, [identity.to_public()])
    with tarfile.open(to, "w", format=tarfile.PAX_FORMAT) as tar:
        info = tarfile.TarInfo(KEY)
        info.size = len(key)
        tar.addfile(info, _Bytes(key))
        tar.add(sealed, arcname=SEALED)
    sealed.unlink()


def archive_unseal(*, path: Path, to: Path, passphrase: str) -> None:
    """Decrypt an encrypted archive into `to`; a wrong passphrase or a cut-off file is refused."""
    try:
        with tarfile.open(path, "r:") as tar:
            key_file, sealed = tar.extractfile(KEY), tar.extractfile(SEALED)
            if not isinstance(sealed, io.BufferedReader) or key_file is None:
                raise BackupError("The encrypted archive is damaged.")
            try:
                key = pyrage.passphrase.decrypt(key_file.read(), passphrase)
            except pyrage.DecryptError:
                raise BackupError("Wrong passphrase: the archive could not be opened.") from None
            identity = pyrage.x25519.Identity.from_str(key.decode())
            with to.open("wb") as target:
                pyrage.decrypt_io(sealed, target, [identity])
    except (tarfile.TarError, KeyError, EOFError, OSError, pyrage.DecryptError) as exc:
        raise BackupError(f"The encrypted archive is damaged or cut off: {exc}") from exc
