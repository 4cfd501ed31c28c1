#!/usr/bin/env bash
# Creates the repository's Python environment (.venv at the repository root, ignored by git) with the
# packages that the interoperability checks and the notebooks (scripts/notebooks.sh) use, and prints the
# environment's python on the last line.
# Idempotent: when everything is already installed it only prints the path.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.venv"
python="$venv/bin/python"
packages=(numpy h5py xarray h5netcdf netCDF4 matplotlib nbformat nbclient ipykernel compliance-checker)
imports='import numpy, h5py, xarray, h5netcdf, netCDF4, matplotlib, nbformat, nbclient, ipykernel, compliance_checker'

if [[ ! -x "$python" ]]; then
    "${PYTHON:-python3}" -m venv "$venv" >&2
fi

# Import check first, so that a ready environment costs no network access.
if ! "$python" -c "$imports" >/dev/null 2>&1; then
    "$python" -m pip install --quiet --disable-pip-version-check "${packages[@]}" >&2
    "$python" -c "$imports" >&2
fi

echo "$python"
