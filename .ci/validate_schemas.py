#!/usr/bin/env python3
"""Validate catalog TOML files against the JSON Schema each names in its `#:schema` line,
with the reference JSON Schema implementation for Python (`jsonschema`, Draft7Validator).

This is the second, independent implementation the committed schemas are checked with
(the compiler uses the Rust `jsonschema` crate; editors use Taplo). Usage:

    validate_schemas.py FILE...

Prints one line per problem (`file: /json/pointer: message`) and exits 1 if there is
any, 0 when every file is valid.
"""

import json
import sys
import tomllib
from pathlib import Path

from jsonschema import Draft7Validator


def schema_of(path: Path) -> Path:
    first = path.read_text(encoding="utf-8").splitlines()[:1]
    if not first or not first[0].startswith("#:schema "):
        raise ValueError("does not start with a `#:schema` line")
    return (path.parent / first[0].removeprefix("#:schema ").strip()).resolve()


def problems(path: Path) -> list[str]:
    try:
        schema_path = schema_of(path)
        schema = json.loads(schema_path.read_text(encoding="utf-8"))
        Draft7Validator.check_schema(schema)
        with path.open("rb") as f:
            document = tomllib.load(f)
    except Exception as e:  # noqa: BLE001 - every failure is a reported problem
        return [f"{path}: {e}"]
    validator = Draft7Validator(schema)
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    return [
        f"{path}: /{'/'.join(str(p) for p in e.absolute_path)}: {e.message}" for e in errors
    ]


def main(files: list[str]) -> int:
    if not files:
        print("usage: validate_schemas.py FILE...", file=sys.stderr)
        return 2
    found = [p for f in files for p in problems(Path(f))]
    for line in found:
        print(line)
    print(f"{len(files)} files checked, {len(found)} problems", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
