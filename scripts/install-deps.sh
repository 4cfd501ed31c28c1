#!/usr/bin/env bash
# Installs the system libraries sgdfp builds against (FFTW, HDF5, pkg-config, HDF5 and netCDF tools)
# when any is missing. Debian/Ubuntu only; uses sudo when not run as root.
set -euo pipefail

missing=()
pkg-config --version >/dev/null 2>&1 || missing+=(pkg-config)
pkg-config --exists fftw3 2>/dev/null || missing+=(libfftw3-dev)
pkg-config --exists hdf5 2>/dev/null || missing+=(libhdf5-dev)
command -v h5dump >/dev/null 2>&1 || missing+=(hdf5-tools)
command -v ncdump >/dev/null 2>&1 || missing+=(netcdf-bin)
# The threads library comes with libfftw3-dev; a machine with only the base library needs it too.
if ! ldconfig -p 2>/dev/null | grep -q libfftw3_threads && [[ " ${missing[*]-} " != *" libfftw3-dev "* ]]; then
    missing+=(libfftw3-dev)
fi

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "sgdfp needs: ${missing[*]} (FFTW 3 with threads, HDF5 with its high-level library, pkg-config);" \
         "install them with your package manager." >&2
    exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "Installing ${missing[*]} ..." >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
