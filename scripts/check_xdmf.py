#!/usr/bin/env python3
"""Checks XDMF sidecars against their HDF5 files: every referenced dataset exists with the stated shape,
hyperslab selections lie inside their datasets and yield the attribute's shape, meshes match their
coordinate arrays, and a temporal collection has one grid per value of the file's `t` in order.

Usage: check_xdmf.py FILE.xmf [...]   (exit status 1 with one line per problem)
"""
import os
import sys
import xml.etree.ElementTree as ET

import h5py
import numpy as np


def dims(item):
    return tuple(int(x) for x in item.get("Dimensions").split())


def check_item(item, base, problems, where):
    """Returns the shape the data item yields, checking what it references."""
    kind = item.get("ItemType", "Uniform")
    if kind == "HyperSlab":
        selection, source = list(item)
        start, stride, count = np.array(selection.text.split(), dtype=int).reshape(3, -1)
        source_shape = check_item(source, base, problems, where)
        last = start + stride * (count - 1)
        if len(start) != len(source_shape) or np.any(start < 0) or np.any(last >= np.array(source_shape)):
            problems.append(f"{where}: hyperslab {selection.text.strip()} outside {source_shape}")
        selected = tuple(int(c) for c in count if c != 1) or (1,)
        if tuple(d for d in dims(item) if d != 1) != tuple(c for c in selected if c != 1):
            problems.append(f"{where}: hyperslab yields {tuple(count)}, stated {dims(item)}")
        return dims(item)
    if kind == "Function":
        shapes = [check_item(child, base, problems, where) for child in item]
        if any(s != shapes[0] for s in shapes) or dims(item) != shapes[0] + (3,):
            problems.append(f"{where}: function of {shapes} stated as {dims(item)}")
        return dims(item)
    if item.get("Format") == "HDF":
        file_name, dataset = item.text.strip().split(":", 1)
        path = os.path.join(base, file_name)
        if not os.path.exists(path):
            problems.append(f"{where}: file {path} does not exist")
            return dims(item)
        with h5py.File(path, "r") as f:
            if dataset not in f:
                problems.append(f"{where}: {file_name} has no dataset {dataset}")
            elif f[dataset].shape != dims(item):
                problems.append(f"{where}: {dataset} has shape {f[dataset].shape}, stated {dims(item)}")
            elif f[dataset].dtype != np.float64 or item.get("Precision") != "8":
                problems.append(f"{where}: {dataset} is {f[dataset].dtype}, stated Float {item.get('Precision')}")
    return dims(item)


def check(xmf):
    problems = []
    base = os.path.dirname(os.path.abspath(xmf))
    domain = ET.parse(xmf).getroot().find("Domain")
    for top in domain.findall("Grid"):
        frames = top.findall("Grid") if top.get("GridType") == "Collection" else [top]
        if top.get("CollectionType") == "Temporal":
            times = [float(g.find("Time").get("Value")) for g in frames]
            file_name = frames[0].find("Geometry/DataItem").text.strip().split(":")[0]
            with h5py.File(os.path.join(base, file_name), "r") as f:
                if "t" not in f or list(f["t"][:]) != times:
                    problems.append(f"{top.get('Name')}: frame times {times} differ from the file's t")
        for grid in frames:
            where = grid.get("Name")
            mesh = dims(grid.find("Topology"))
            if grid.find("Topology").get("TopologyType") != "2DRectMesh":
                problems.append(f"{where}: topology is not 2DRectMesh")
            x, y = [check_item(i, base, problems, where) for i in grid.find("Geometry")]
            if (y[0], x[0]) != mesh:
                problems.append(f"{where}: coordinates {y[0]}×{x[0]} do not match the mesh {mesh}")
            for attribute in grid.findall("Attribute"):
                shape = check_item(attribute.find("DataItem"), base, problems, f"{where}/{attribute.get('Name')}")
                expected = mesh + ((3,) if attribute.get("AttributeType") == "Vector" else ())
                if tuple(d for d in shape if d != 1 or len(shape) == len(expected)) != expected:
                    problems.append(f"{where}/{attribute.get('Name')}: shape {shape}, mesh {expected}")
    return problems


if __name__ == "__main__":
    failed = False
    for path in sys.argv[1:]:
        for problem in check(path):
            print(f"{path}: {problem}", file=sys.stderr)
            failed = True
    sys.exit(1 if failed else 0)
