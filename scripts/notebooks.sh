#!/usr/bin/env bash
# Regenerates the data behind the notebooks in notebooks-data/ with the built sgdfp, checks that every .h5 file under
# notebooks-data/ opens in xarray (engine h5netcdf), h5py and `ncdump -h`, and executes every notebook headlessly.
#
#   scripts/notebooks.sh [--small] [--binary PATH] [--update-reference]
#
#   (default)           full settings; data in notebooks-data/output/ (ignored by git), figures in
#                       notebooks-data/figures/ (committed); 3-4 minutes on 2 cores
#   --small             coarser grids, shorter runs, fewer chains (what `make test` runs, about 2 minutes); data in
#                       notebooks-data/output/small/, figures in a temporary folder: the committed PNGs stay as they are
#   --binary PATH       the sgdfp to run (default: .build/release/sgdfp under the repository root)
#   --update-reference  with --small: copy the small data files into notebooks-data/reference/ afterwards
#
# The notebooks read the data folder from SGDFP_NOTEBOOK_DATA and write their PNGs to SGDFP_NOTEBOOK_FIGURES;
# SGDFP_NOTEBOOK_SMALL=1 loosens the tolerances that depend on the grid or the number of chains. The notebooks are
# executed in memory and the executed copies are written to <data>/executed/, so the committed .ipynb files keep no
# outputs. The exit status is non-zero when an sgdfp command, the file check or a notebook fails.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
binary="$root/.build/release/sgdfp"
small=0
update_reference=0

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; }
fail() { echo "notebooks.sh: error: $*" >&2; exit 1; }

while (($#)); do
    case "$1" in
        --small) small=1 ;;
        --binary) [[ $# -ge 2 ]] || fail "--binary needs a path"; binary="$2"; shift ;;
        --binary=*) binary="${1#--binary=}" ;;
        --update-reference) update_reference=1 ;;
        -h|--help) usage; exit 0 ;;
        *) fail "unknown argument '$1' (see --help)" ;;
    esac
    shift
done
((update_reference == 0 || small == 1)) || fail "--update-reference needs --small (the reference files are the small ones)"
[[ "$binary" = /* ]] || binary="$PWD/$binary"
[[ -x "$binary" ]] || fail "no sgdfp binary at $binary: build it (swift build -c release) or pass --binary PATH"
command -v ncdump >/dev/null || fail "ncdump not found: install netcdf-bin (scripts/install-deps.sh)"

python="$("$root/scripts/python-env.sh" | tail -n 1)"
runs="$root/notebooks-data"
if ((small)); then
    data="$runs/output/small"
    figures="$(mktemp -d "${TMPDIR:-/tmp}/sgdfp-notebook-figures.XXXXXX")"
else
    data="$runs/output"
    figures="$runs/figures"
fi
mkdir -p "$data/logs" "$data/executed" "$figures"
started=$SECONDS

# Settings of the two modes. 4-D stationary solves below 32 points per axis reach the box edge (P3 at 24⁴).
if ((small)); then
    p1_points=(--points 64)
    points_4d=32
    simulate=(--chains 400 --steps 10000)
    diffusion=(--checkpoint 25000)
    diffusion_sgd=(--simulate 20 --simulate-to 316)
else
    p1_points=()                                   # the run file's 128 points
    points_4d=40
    simulate=(--chains 1000 --steps 20000)
    diffusion=(--checkpoint 250)                   # the paper's fit: a checkpoint every 250 steps
    diffusion_sgd=(--simulate 20 --simulate-to 10000)
fi

# run NAME ARGS...: one sgdfp command, its output in <data>/logs/NAME.log, shown when it fails.
run() {
    local name="$1" begin=$SECONDS
    shift
    if ! "$binary" "$@" >"$data/logs/$name.log" 2>&1; then
        echo "notebooks.sh: error: sgdfp $* failed; the end of its output ($data/logs/$name.log):" >&2
        tail -n 20 "$data/logs/$name.log" >&2
        exit 1
    fi
    printf '  %-26s %4ds  sgdfp %s\n' "$name" $((SECONDS - begin)) "$*"
}

echo "notebooks.sh: $([[ $small = 1 ]] && echo small || echo full) mode, sgdfp $binary, data in $data"
run p1-solve solve "$runs/P1.toml" "${p1_points[@]}" -o "$data/p1-solve.h5" --overwrite -q
run p1-stationary stationary "$runs/P1.toml" "${p1_points[@]}" -o "$data/p1-stationary.h5" --overwrite -q
run p3-stationary stationary "$runs/P3.toml" --points "$points_4d" -o "$data/p3-stationary.h5" --overwrite -q
run p4-stationary stationary "$runs/P4.toml" --points "$points_4d" --full-fields -o "$data/p4-stationary.h5" \
    --overwrite -q
run sgd-p1 simulate "$runs/P1.toml" "${simulate[@]}" --compare "$data/p1-stationary.h5" -o "$data/sgd-p1.h5" \
    --overwrite -q
# The rows of physics.md §9.8: power-law spectrum h_i = i^(−p), 2000 modes, Σ = H, S = 32.
run diffusion-base diffusion --learning-rate 0.01 --momentum 0.9 --batch-size 32 --power 2 "${diffusion[@]}" \
    "${diffusion_sgd[@]}" -o "$data/diffusion-base.h5" --overwrite
run diffusion-weight-decay diffusion --learning-rate 0.01 --momentum 0.9 --batch-size 32 --weight-decay 1e-3 \
    --power 2 "${diffusion[@]}" -o "$data/diffusion-weight-decay.h5" --overwrite
run diffusion-beta-0.99 diffusion --learning-rate 0.01 --momentum 0.99 --batch-size 32 --power 2 "${diffusion[@]}" \
    -o "$data/diffusion-beta-0.99.h5" --overwrite
run diffusion-eta-0.001 diffusion --learning-rate 0.001 --momentum 0.9 --batch-size 32 --power 2 "${diffusion[@]}" \
    -o "$data/diffusion-eta-0.001.h5" --overwrite
run diffusion-power-1 diffusion --learning-rate 0.01 --momentum 0.9 --batch-size 32 --power 1 "${diffusion[@]}" \
    -o "$data/diffusion-power-1.h5" --overwrite
run fluctuations-p3 diffusion "$runs/P3.toml" --fdt --replicas --simulate 1000 -o "$data/fluctuations-p3.h5" \
    --overwrite

echo "notebooks.sh: checking every .h5 file under notebooks-data/ with xarray (h5netcdf), h5py and ncdump -h"
"$python" - "$runs" "$data" <<'PY'
import pathlib
import subprocess
import sys

import h5py
import xarray as xr

runs, data = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
problems, count = [], 0
for path in sorted(runs.rglob("*.h5")):
    count += 1
    try:
        with h5py.File(path, "r") as handle:
            handle.visit(lambda name: None)
        with xr.open_dataset(path, engine="h5netcdf") as ds:
            if not ds.variables:
                problems.append(f"{path}: xarray sees no variables")
    except Exception as error:                                    # any reader error is a finding
        problems.append(f"{path}: {type(error).__name__}: {error}")
    dump = subprocess.run(["ncdump", "-h", str(path)], capture_output=True, text=True)
    if dump.returncode != 0:
        problems.append(f"{path}: ncdump -h failed: {dump.stderr.strip()}")

# The committed reference files fix the layout the notebooks read: every reference variable must come back under the
# same name and dimension names (the grid sizes differ between modes).
for reference in sorted((runs / "reference").glob("*.h5")):
    fresh = data / reference.name
    if not fresh.exists():
        continue
    with xr.open_dataset(reference, engine="h5netcdf") as old, xr.open_dataset(fresh, engine="h5netcdf") as new:
        for name, variable in old.variables.items():
            if name not in new.variables:
                problems.append(f"{fresh}: variable {name} of reference/{reference.name} is missing")
            elif new[name].dims != variable.dims:
                problems.append(f"{fresh}: {name} has dimensions {new[name].dims}, reference {variable.dims}")
        for name in old.attrs:
            if name not in new.attrs:
                problems.append(f"{fresh}: attribute {name} of reference/{reference.name} is missing")
for problem in problems:
    print("  problem:", problem)
print(f"  {count} files opened, {len(problems)} problems")
sys.exit(1 if problems else 0)
PY

echo "notebooks.sh: executing the notebooks (figures in $figures)"
export SGDFP_NOTEBOOK_DATA="$data" SGDFP_NOTEBOOK_FIGURES="$figures" SGDFP_NOTEBOOK_SMALL="$small"
export PYDEVD_DISABLE_FILE_VALIDATION=1 MPLBACKEND=agg
status=0
"$python" - "$runs" "$data/executed" <<'PY' || status=$?
import json
import os
import pathlib
import shutil
import sys
import tempfile
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from traitlets.config import Config

runs, executed = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
# A kernel spec for this interpreter, so that a user-wide "python3" kernel without these packages is never picked.
specs = pathlib.Path(tempfile.mkdtemp(prefix="sgdfp-kernels-"))
(specs / "kernels" / "sgdfp-notebooks").mkdir(parents=True)
(specs / "kernels" / "sgdfp-notebooks" / "kernel.json").write_text(json.dumps(
    {"argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
     "display_name": "sgdfp notebooks", "language": "python"}))
os.environ["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(specs), os.environ.get("JUPYTER_PATH")]))
# Local sockets in that temporary folder rather than TCP ports (and no warning about unencrypted TCP).
config = Config({"KernelManager": {"transport": "ipc", "ip": str(specs / "kernel")}})

passed, failed = [], []
for path in sorted(runs.glob("*.ipynb")):
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=900, kernel_name="sgdfp-notebooks", config=config,
                            resources={"metadata": {"path": str(runs)}})
    begin = time.monotonic()
    try:
        client.execute()
        passed.append(path.name)
        verdict = "ok"
    except CellExecutionError as error:
        failed.append(path.name)
        verdict = "FAILED"
        print("\n".join(str(error).splitlines()[-25:]))
    finally:
        nbformat.write(notebook, executed / path.name)
    print(f"  {verdict:6s} {path.name} ({time.monotonic() - begin:.0f} s)")
    for cell in notebook.cells:                       # the checks each notebook printed
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stdout":
                for line in output["text"].splitlines():
                    if line.startswith(("ok  ", "FAIL")):
                        print("         " + line)
shutil.rmtree(specs, ignore_errors=True)
print(f"notebooks: {len(passed)} passed, {len(failed)} failed")
sys.exit(1 if failed else 0)
PY

if ((update_reference && status == 0)); then
    # Small files only (< 3 MB together): the full solve and the 4-D full fields stay out.
    mkdir -p "$runs/reference"
    for name in p1-stationary p3-stationary sgd-p1 fluctuations-p3 diffusion-base diffusion-weight-decay \
        diffusion-beta-0.99 diffusion-eta-0.001 diffusion-power-1; do
        cp "$data/$name.h5" "$runs/reference/$name.h5"
    done
    echo "notebooks.sh: updated notebooks-data/reference/ ($(du -sh "$runs/reference" | cut -f1))"
fi
if ((small)); then
    rm -rf "$figures"
fi
echo "notebooks.sh: $((SECONDS - started)) s in all"
exit "$status"
