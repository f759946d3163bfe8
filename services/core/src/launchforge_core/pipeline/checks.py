"""Static checks every file must pass (backbone and model-added alike)."""

from __future__ import annotations

import re
from pathlib import PurePosixPath

_SAFE_PATH = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-/]*$")
ALLOWED_SUFFIXES = frozenset({".py", ".html", ".css", ".js", ".md", ".txt", ".json", ".ini"})
# Where a model may add files; it may never replace a backbone file.
EXTRA_PREFIXES = ("app/extra/", "app/static/", "tests/")


def path_problem(path: str) -> str | None:
    """Why ``path`` is not an acceptable relative POSIX path, or None."""
    if path.startswith("/") or ".." in path.split("/"):
        return f"{path[:80]!r}: must be a path relative to the project, inside it"
    if not _SAFE_PATH.match(path) or len(path) > 200:
        return f"{path[:80]!r}: only letters, digits, '_', '-', '.' and '/' are allowed"
    parts = PurePosixPath(path).parts
    if any(part in ("", ".", "..") or part.startswith(".") for part in parts[:-1]):
        return f"{path!r}: no '.', '..' or hidden directories"
    return None


def extra_file_problem(
    path: str, content: bytes, *, backbone: set[str], max_bytes: int
) -> str | None:
    """Why a model-added file is refused, or None."""
    problem = path_problem(path)
    if problem:
        return problem
    if path in backbone:
        return f"{path!r} is part of the generated backbone and cannot be replaced"
    if not path.startswith(EXTRA_PREFIXES):
        return f"{path!r}: extra files go under {', '.join(EXTRA_PREFIXES)}"
    if PurePosixPath(path).suffix not in ALLOWED_SUFFIXES:
        return f"{path!r}: file type not allowed"
    if (
        path.endswith(".py")
        and path.startswith("tests/")
        and not PurePosixPath(path).name.startswith("test_")
    ):
        return f"{path!r}: test modules are named test_*.py"
    if len(content) > max_bytes:
        return f"{path!r} is larger than {max_bytes} bytes"
    return None


def syntax_errors(files: dict[str, bytes]) -> list[str]:
    """``compile()`` every .py file (parsing only, nothing runs): one line per error."""
    errors: list[str] = []
    for path in sorted(files):
        if not path.endswith(".py"):
            continue
        try:
            compile(files[path], path, "exec", dont_inherit=True)
        except SyntaxError as exc:
            errors.append(f"{path}:{exc.lineno}: {exc.msg}")
        except ValueError as exc:  # e.g. null bytes
            errors.append(f"{path}: {exc}")
    return errors


def size_problems(
    files: dict[str, bytes], *, max_files: int, max_file_bytes: int, max_total_bytes: int
) -> list[str]:
    problems = []
    if len(files) > max_files:
        problems.append(f"{len(files)} files, at most {max_files} allowed")
    for path, content in files.items():
        if len(content) > max_file_bytes:
            problems.append(f"{path} is larger than {max_file_bytes} bytes")
    total = sum(len(c) for c in files.values())
    if total > max_total_bytes:
        problems.append(f"project is {total} bytes, at most {max_total_bytes} allowed")
    return problems
