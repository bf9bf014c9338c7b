"""The build backend of the root pyproject.toml: the package pre-commit and prek install.

A `language: python` hook makes pre-commit run `pip install .` (prek: `uv pip install .`) in a
clone of the hook repository. If the root of this repository were the relgate wheel itself, that
would compile five Rust binaries on the user's machine. So the root is this package instead,
`relgate-hooks`: it holds no code and requires the relgate wheel of exactly the version in
Cargo.toml, which pip then downloads from the index, prebuilt. Cargo.toml stays the one place
the version is written; the wheel (python/pyproject.toml, built by maturin) reads it too.

No build dependency (`requires = []`): installing the hooks needs nothing but the wheel index.
Standard library only, Python 3.8 and later (pre-commit's and uv's oldest interpreters).
"""

import base64
import hashlib
import io
import os
import re
import tarfile
import zipfile

NAME = "relgate-hooks"
DIST = "relgate_hooks"
SUMMARY = "relgate's git hooks for pre-commit and prek: installs the relgate wheel of this version"


class BackendError(Exception):
    """Raised with a message that names what is wrong and where."""


def cargo_version(text):
    """The `version` of Cargo.toml's `[package]` table.

    tomllib where it exists (3.11+); else a strict reader of the one form cargo itself writes:
    a `[package]` header, then `version = "..."` on its own line before the next table.
    """
    try:
        import tomllib
    except ImportError:
        tomllib = None
    if tomllib is not None:
        version = tomllib.loads(text).get("package", {}).get("version")
        if not isinstance(version, str):
            raise BackendError('Cargo.toml: [package] has no version = "..."')
        return version
    in_package = False
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("["):
            in_package = stripped == "[package]"
            continue
        match = re.match(r'^version\s*=\s*"([^"\\]+)"\s*(#.*)?$', stripped)
        if in_package and match:
            return match.group(1)
    raise BackendError('Cargo.toml: [package] has no version = "..."')


_PRE = {"a": "a", "alpha": "a", "b": "b", "beta": "b", "c": "rc", "rc": "rc", "pre": "rc", "preview": "rc"}


def pep440(version):
    """Cargo's SemVer version in PEP 440's normal form, as maturin names the wheel:
    `1.2.0-rc.1` -> `1.2.0rc1`. A version with no PEP 440 spelling is an error."""
    match = re.match(
        r"^(\d+(?:\.\d+)*)(?:[-_.]?(a|alpha|b|beta|c|rc|pre|preview)[-_.]?(\d+))?$",
        version,
        re.IGNORECASE,
    )
    if not match:
        raise BackendError(
            "Cargo.toml: version {!r} has no PEP 440 spelling; expected MAJOR.MINOR.PATCH "
            "with an optional -alpha|-beta|-rc|-a|-b pre-release number".format(version)
        )
    release, label, number = match.groups()
    release = ".".join(str(int(part)) for part in release.split("."))
    if label is None:
        return release
    return "{}{}{}".format(release, _PRE[label.lower()], int(number))


def _read_version():
    try:
        with open("Cargo.toml", encoding="utf-8") as f:
            return pep440(cargo_version(f.read()))
    except OSError as e:
        raise BackendError("cannot read Cargo.toml beside pyproject.toml: {}".format(e))


def metadata(version):
    return (
        "Metadata-Version: 2.1\n"
        "Name: {name}\n"
        "Version: {version}\n"
        "Summary: {summary}\n"
        "License: MIT OR Apache-2.0\n"
        "Requires-Python: >=3.8\n"
        "Requires-Dist: relgate=={version}\n"
    ).format(name=NAME, version=version, summary=SUMMARY)


def _dist_info(version):
    return {
        "METADATA": metadata(version),
        "WHEEL": "Wheel-Version: 1.0\nGenerator: relgate_hooks\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }


# PEP 517 hooks ------------------------------------------------------------------------------


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    version = _read_version()
    name = "{}-{}.dist-info".format(DIST, version)
    os.makedirs(os.path.join(metadata_directory, name), exist_ok=True)
    for file, text in _dist_info(version).items():
        with open(os.path.join(metadata_directory, name, file), "w", encoding="utf-8") as f:
            f.write(text)
    return name


def _record_line(path, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return "{},sha256={},{}\n".format(path, digest, len(data))


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    version = _read_version()
    info = "{}-{}.dist-info".format(DIST, version)
    filename = "{}-{}-py3-none-any.whl".format(DIST, version)
    record = ""
    with zipfile.ZipFile(os.path.join(wheel_directory, filename), "w", zipfile.ZIP_DEFLATED) as whl:
        for file, text in _dist_info(version).items():
            data = text.encode()
            whl.writestr(zipfile.ZipInfo("{}/{}".format(info, file), (1980, 1, 1, 0, 0, 0)), data)
            record += _record_line("{}/{}".format(info, file), data)
        record += "{}/RECORD,,\n".format(info)
        whl.writestr(zipfile.ZipInfo("{}/RECORD".format(info), (1980, 1, 1, 0, 0, 0)), record)
    return filename


def build_sdist(sdist_directory, config_settings=None):
    version = _read_version()
    base = "{}-{}".format(DIST, version)
    filename = base + ".tar.gz"
    with tarfile.open(os.path.join(sdist_directory, filename), "w:gz", format=tarfile.PAX_FORMAT) as tar:
        for path in ("pyproject.toml", "Cargo.toml", "python/relgate_hooks.py"):
            tar.add(path, arcname="{}/{}".format(base, path))
        data = metadata(version).encode()
        entry = tarfile.TarInfo("{}/PKG-INFO".format(base))
        entry.size = len(data)
        tar.addfile(entry, io.BytesIO(data))
    return filename
