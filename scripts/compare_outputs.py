#!/usr/bin/env python3
"""Writes one file of every sgdfp output kind, or compares two such sets.

Usage:
  compare_outputs.py generate --binary PATH/sgdfp DIR    one file per kind into DIR (a fresh directory)
  compare_outputs.py compare OLD_DIR NEW_DIR [--ignore-root NAME ...]

`compare` checks, file by file, that both hold the same variables with the same dimensions, shapes and
values (to 1e-9 of each variable's largest magnitude plus 1e-12: FFTW's measured plans differ between runs,
which moves round-off-level quantities such as min_density or an error of 1e-8 in its last digits),
the same variable attributes, and the same root attributes apart from those that say when or how fast a
run was made (history, timings) and those given with --ignore-root. It prints one line per file and one
per difference, and exits non-zero when any differs.
"""
import argparse
import os
import subprocess
import sys

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
RUNS = os.path.join(os.path.dirname(HERE), "notebooks-data")

# (file, arguments); every run writes into DIR and uses the run files of notebooks-data/.
KINDS = [
    ("solve-2d.h5", ["solve", f"{RUNS}/P1.toml", "--points", "64", "--stop", "2", "-o", "solve-2d.h5"]),
    ("solve-4d.h5", ["solve", f"{RUNS}/P3.toml", "--stop", "0.5", "-o", "solve-4d.h5"]),
    ("analysed.h5", ["analyze", "solve-2d.h5", "--time", "1", "-o", "analysed.h5"]),
    ("stationary-2d.h5", ["stationary", f"{RUNS}/P1.toml", "-o", "stationary-2d.h5"]),
    ("stationary-4d.h5", ["stationary", f"{RUNS}/P4.toml", "--points", "24", "-o", "stationary-4d.h5"]),
    ("validate.h5", ["validate", f"{RUNS}/P1.toml", "--points", "64", "-o", "validate.h5"]),
    ("simulate.h5", ["simulate", f"{RUNS}/P1.toml", "--chains", "20", "--steps", "400", "-o", "simulate.h5"]),
    ("diffusion.h5", ["diffusion", "--to", "1e4", "--simulate", "4", "--simulate-to", "100", "-o", "diffusion.h5"]),
    ("fluctuations.h5", ["diffusion", f"{RUNS}/P1.toml", "--fdt", "--replicas", "--simulate", "20", "-o", "fluctuations.h5"]),
    ("modified-flow.h5", ["modified-flow", f"{RUNS}/P6.toml", "--chains", "5", "-o", "modified-flow.h5"]),
]

RELATIVE, ABSOLUTE = 1e-9, 1e-12

# Root attributes that record when, where or how fast a file was made.
VOLATILE = {"history", "analysis_history", "wall_time_seconds", "solver_time_seconds", "stationary_solver_seconds",
            "steps_per_second", "validation_report"}


def generate(binary, directory):
    os.makedirs(directory, exist_ok=False)
    env = dict(os.environ, XDG_CACHE_HOME=os.path.join(directory, ".cache"))
    for name, arguments in KINDS:
        result = subprocess.run([binary] + arguments + ["-q"],
                                cwd=directory, env=env, capture_output=True, text=True)
        # validate exits 1 when a verdict disagrees; the file is written either way.
        if not os.path.exists(os.path.join(directory, name)):
            sys.exit(f"{name}: {' '.join(arguments)} failed ({result.returncode}): {result.stderr.strip()}")
        print(f"wrote {name}")


def text(value):
    if isinstance(value, (bytes, np.bytes_)):
        return value.decode("utf-8", "replace")
    return value


def same_value(a, b):
    a, b = text(a), text(b)
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    a, b = np.atleast_1d(np.asarray(a)), np.atleast_1d(np.asarray(b))
    if a.shape != b.shape:
        return False
    if a.dtype.kind in "fc" or b.dtype.kind in "fc":
        scale = max(np.nanmax(np.abs(b)) if b.size and not np.all(np.isnan(b)) else 0.0, 1e-300)
        with np.errstate(invalid="ignore"):
            close = (a == b) | (np.isnan(a) & np.isnan(b)) | (np.abs(a - b) <= RELATIVE * scale + ABSOLUTE)
        return bool(np.all(close))
    return np.array_equal(a, b)


def dimensions(file, dataset):
    if "DIMENSION_LIST" not in dataset.attrs:
        return [dataset.name.lstrip("/")] if dataset.attrs.get("CLASS") == b"DIMENSION_SCALE" else []
    return [file[refs[0]].name.lstrip("/") for refs in dataset.attrs["DIMENSION_LIST"]]


def validation_verdicts(attrs):
    import json
    report = attrs.get("validation_report")
    if report is None:
        return None
    claims = json.loads(text(report))["claims"]
    # Measured values are compared through the validation_<claim>_measured attributes.
    return [(c["id"], c["verdict"], c.get("expected")) for c in claims]


def compare_file(old, new, ignore):
    problems = []
    with h5py.File(old, "r") as a, h5py.File(new, "r") as b:
        names_a = sorted(k for k in a.keys() if isinstance(a[k], h5py.Dataset))
        names_b = sorted(k for k in b.keys() if isinstance(b[k], h5py.Dataset))
        if names_a != names_b:
            problems.append(f"variables differ: only old {sorted(set(names_a) - set(names_b))}, only new {sorted(set(names_b) - set(names_a))}")
        for name in sorted(set(names_a) & set(names_b)):
            da, db = a[name], b[name]
            dims_a, dims_b = dimensions(a, da), dimensions(b, db)
            if dims_a != dims_b:
                problems.append(f"{name}: dimensions {dims_a} against {dims_b}")
            if da.shape != db.shape:
                problems.append(f"{name}: shape {da.shape} against {db.shape}")
                continue
            if da.dtype.kind in "fiu" and not same_value(da[()], db[()]):
                diff = np.nanmax(np.abs(np.asarray(da[()], float) - np.asarray(db[()], float)))
                problems.append(f"{name}: values differ (largest difference {diff:.3g})")
            for key in sorted(set(da.attrs) | set(db.attrs)):
                if key in ("DIMENSION_LIST", "REFERENCE_LIST", "_Netcdf4Dimid", "_Netcdf4Coordinates"):
                    continue
                if key not in da.attrs or key not in db.attrs:
                    problems.append(f"{name}: attribute {key} only in {'old' if key in da.attrs else 'new'}")
                elif not same_value(da.attrs[key], db.attrs[key]):
                    problems.append(f"{name}: attribute {key} = {text(da.attrs[key])!r} against {text(db.attrs[key])!r}")
        skip = VOLATILE | set(ignore)
        for key in sorted(set(a.attrs) | set(b.attrs)):
            if key in skip:
                continue
            if key not in a.attrs or key not in b.attrs:
                problems.append(f"root attribute {key} only in {'old' if key in a.attrs else 'new'}")
            elif not same_value(a.attrs[key], b.attrs[key]):
                problems.append(f"root attribute {key} = {text(a.attrs[key])!r} against {text(b.attrs[key])!r}")
        if validation_verdicts(a.attrs) != validation_verdicts(b.attrs):
            problems.append("validation verdicts differ")
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    g = sub.add_parser("generate")
    g.add_argument("--binary", required=True)
    g.add_argument("directory")
    c = sub.add_parser("compare")
    c.add_argument("old")
    c.add_argument("new")
    c.add_argument("--ignore-root", action="append", default=[])
    args = parser.parse_args()
    if args.command == "generate":
        generate(os.path.abspath(args.binary), os.path.abspath(args.directory))
        return
    failed = False
    for name, _ in KINDS:
        problems = compare_file(os.path.join(args.old, name), os.path.join(args.new, name), args.ignore_root)
        print(f"{name}: {'same' if not problems else f'{len(problems)} difference(s)'}")
        for p in problems:
            print(f"  {p}")
        failed |= bool(problems)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
