#!/usr/bin/env python3
"""Checks that a netCDF-4/HDF5 file written by sgdfp opens in the common readers as written.

Usage: check_netcdf.py FILE EXPECTED.json

EXPECTED.json holds what the writer wrote:
  {"root_attributes": {name: value},            # text or numbers, compared exactly
   "dimensions": {name: length},                # every dimension of the file
   "unlimited": [name, ...],                    # record dimensions
   "variables": {name: {"dims": [...], "values": [flat, row-major], "attributes": {name: value}}}}
Coordinate variables are listed under "variables" too. Opens FILE with xarray (engines h5netcdf and
netcdf4), netCDF4 and h5py, compares dimensions, coordinates and values exactly, and exits non-zero
with one line per problem otherwise.
"""
import json
import sys

import h5py
import netCDF4
import numpy as np
import xarray as xr

problems = []


def problem(where, message):
    problems.append(f"{where}: {message}")


def same_attribute(actual, expected):
    if isinstance(expected, str):
        if isinstance(actual, (bytes, np.bytes_)):
            actual = actual.decode("utf-8")
        return isinstance(actual, str) and actual == expected
    actual = np.atleast_1d(np.asarray(actual))
    expected = np.atleast_1d(np.asarray(expected, dtype=actual.dtype if actual.dtype.kind in "fi" else None))
    return actual.shape == expected.shape and np.array_equal(actual, expected)


def check_values(where, actual, spec):
    expected = np.asarray(spec["values"], dtype=np.float64)
    actual = np.asarray(actual)
    shape = tuple(actual.shape)
    if int(np.prod(shape)) != expected.size:
        problem(where, f"shape {shape} holds {int(np.prod(shape))} values, expected {expected.size}")
        return
    if not np.array_equal(actual.astype(np.float64).ravel(), expected):
        diff = np.max(np.abs(actual.astype(np.float64).ravel() - expected))
        problem(where, f"values differ from what was written (max abs difference {diff})")


def check_xarray(path, expected, engine):
    where = f"xarray[{engine}]"
    try:
        ds = xr.open_dataset(path, engine=engine)
    except Exception as error:  # noqa: BLE001 - report any failure to open
        problem(where, f"open_dataset failed: {error!r}")
        return
    with ds:
        sizes = dict(ds.sizes)
        phony = [d for d in sizes if d.startswith("phony_dim")]
        if phony:
            problem(where, f"phony dimensions {phony}: dimension scales are missing")
        if sizes != expected["dimensions"]:
            problem(where, f"dimensions {sizes} != {expected['dimensions']}")
        unlimited = set(ds.encoding.get("unlimited_dims", ()))
        if unlimited != set(expected["unlimited"]):
            problem(where, f"unlimited dimensions {sorted(unlimited)} != {sorted(expected['unlimited'])}")
        for name in expected["dimensions"]:
            if name not in ds.coords:
                problem(where, f"dimension {name} has no coordinate variable")
        for name, attribute in expected["root_attributes"].items():
            if name not in ds.attrs or not same_attribute(ds.attrs[name], attribute):
                problem(where, f"root attribute {name} = {ds.attrs.get(name)!r}, expected {attribute!r}")
        for name, spec in expected["variables"].items():
            if name not in ds.variables:
                problem(where, f"variable {name} is missing")
                continue
            var = ds[name]
            if list(var.dims) != spec["dims"]:
                problem(where, f"{name} has dims {list(var.dims)}, expected {spec['dims']}")
            if var.dtype.kind not in "fi":
                problem(where, f"{name} has dtype {var.dtype} (decoded as something other than numbers)")
                continue
            check_values(f"{where} {name}", var.values, spec)
            for attribute, value in spec.get("attributes", {}).items():
                if attribute not in var.attrs or not same_attribute(var.attrs[attribute], value):
                    problem(where, f"{name}.{attribute} = {var.attrs.get(attribute)!r}, expected {value!r}")
        for name, var in ds.variables.items():
            for attribute in ("units", "long_name"):
                if attribute not in var.attrs:
                    problem(where, f"{name} has no {attribute}")


def check_netcdf4(path, expected):
    where = "netCDF4"
    try:
        nc = netCDF4.Dataset(path, "r")
    except Exception as error:  # noqa: BLE001
        problem(where, f"Dataset() failed: {error!r}")
        return
    with nc:
        dims = {name: len(d) for name, d in nc.dimensions.items()}
        if dims != expected["dimensions"]:
            problem(where, f"dimensions {dims} != {expected['dimensions']}")
        unlimited = {name for name, d in nc.dimensions.items() if d.isunlimited()}
        if unlimited != set(expected["unlimited"]):
            problem(where, f"unlimited dimensions {sorted(unlimited)} != {sorted(expected['unlimited'])}")
        for name, spec in expected["variables"].items():
            if name not in nc.variables:
                problem(where, f"variable {name} is missing")
                continue
            var = nc.variables[name]
            var.set_auto_mask(False)
            if list(var.dimensions) != spec["dims"]:
                problem(where, f"{name} has dims {list(var.dimensions)}, expected {spec['dims']}")
            check_values(f"{where} {name}", var[...], spec)


def check_h5py(path, expected):
    where = "h5py"
    try:
        f = h5py.File(path, "r")
    except Exception as error:  # noqa: BLE001
        problem(where, f"File() failed: {error!r}")
        return
    with f:
        # The root group's creation property list holds what the file creation list set.
        root_plist = f["/"].id.get_create_plist()
        wanted = h5py.h5p.CRT_ORDER_TRACKED | h5py.h5p.CRT_ORDER_INDEXED
        if root_plist.get_link_creation_order() & wanted != wanted:
            problem(where, "link creation order of the root group is not tracked and indexed")
        if root_plist.get_attr_creation_order() & wanted != wanted:
            problem(where, "attribute creation order of the root group is not tracked and indexed")
        for name in expected["root_attributes"]:
            if name not in f.attrs:
                problem(where, f"root attribute {name} is missing")
                continue
            attribute = f.attrs.get_id(name)
            if isinstance(expected["root_attributes"][name], str):
                kind = attribute.get_type()
                if not isinstance(kind, h5py.h5t.TypeStringID) or kind.is_variable_str():
                    problem(where, f"root attribute {name} is not a fixed-length string")
                if attribute.get_space().get_simple_extent_type() != h5py.h5s.SCALAR:
                    problem(where, f"root attribute {name} is not in a scalar dataspace")
        for name, spec in expected["variables"].items():
            if name not in f:
                problem(where, f"dataset {name} is missing")
                continue
            dset = f[name]
            check_values(f"{where} {name}", dset[...], spec)
            if dset.id.get_create_plist().get_attr_creation_order() & wanted != wanted:
                problem(where, f"{name} does not track and index attribute creation order")
            if spec["dims"] == [name]:
                if dset.attrs.get("CLASS") != b"DIMENSION_SCALE":
                    problem(where, f"coordinate {name} is not a dimension scale")
                continue
            for axis, dim in enumerate(spec["dims"]):
                scales = [scale.name for scale in dset.dims[axis].values()]
                if scales != ["/" + dim]:
                    problem(where, f"{name} axis {axis} has scales {scales}, expected ['/{dim}']")


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: check_netcdf.py FILE EXPECTED.json")
    path, expected_path = sys.argv[1], sys.argv[2]
    with open(expected_path, encoding="utf-8") as handle:
        expected = json.load(handle)
    for engine in ("h5netcdf", "netcdf4"):
        check_xarray(path, expected, engine)
    check_netcdf4(path, expected)
    check_h5py(path, expected)
    if problems:
        print(f"check_netcdf: {len(problems)} problem(s) in {path}:", file=sys.stderr)
        for line in problems:
            print("  " + line, file=sys.stderr)
        sys.exit(1)
    print(f"check_netcdf: OK: {path} ({len(expected['variables'])} variables, engines h5netcdf and netcdf4, netCDF4, h5py)")


if __name__ == "__main__":
    main()
