import CHDF5

/// Reading and writing netCDF-style attributes on an HDF5 object (the root group or a dataset).
enum Attributes {
    /// Attributes that HDF5 dimension scales and the netCDF library keep for themselves; readers hide
    /// them, as netCDF does.
    static let hidden: Set<String> = [
        "CLASS", "NAME", "REFERENCE_LIST", "DIMENSION_LIST", "_Netcdf4Dimid", "_Netcdf4Coordinates",
        "_NCProperties", "_nc3_strict", "_IsNetcdf4", "_SuperblockVersion",
    ]

    /// Writes (or replaces) one attribute.
    static func write(_ value: AttributeValue, named name: String, on object: hid_t) throws {
        guard !name.isEmpty else {
            throw PhaseSpaceIOError(.invalidArgument, "An attribute name is empty; give every attribute a non-empty name.")
        }
        if H5Aexists(object, name) > 0 {
            try H5.check(H5Adelete(object, name), "Replacing attribute \(name)")
        }
        switch value {
        case .text(let text):
            try writeText(text, named: name, on: object)
        case .double(var x):
            try writeNumbers(named: name, on: object, fileType: H5.fileDouble, memoryType: H5.nativeDouble, dims: [], pointer: &x)
        case .int(let i):
            // netCDF-3 has no 64-bit integers: int32 keeps the files convertible (nccopy -k nc3, nc7); only a
            // value beyond int32 is written as int64.
            if var x = Int32(exactly: i) {
                try writeNumbers(named: name, on: object, fileType: H5.fileInt32, memoryType: H5.nativeInt32, dims: [], pointer: &x)
            } else {
                var x = Int64(i)
                try writeNumbers(named: name, on: object, fileType: H5.fileInt64, memoryType: H5.nativeInt64, dims: [], pointer: &x)
            }
        case .doubles(let xs):
            try xs.withUnsafeBufferPointer { buffer in
                try writeNumbers(named: name, on: object, fileType: H5.fileDouble, memoryType: H5.nativeDouble,
                                 dims: [xs.count], pointer: buffer.baseAddress)
            }
        }
    }

    /// Writes a 1-D int32 array attribute (e.g. `flag_values` of an int32 index coordinate, which CF
    /// wants in the variable's own type).
    static func writeInt32s(_ values: [Int32], named name: String, on object: hid_t) throws {
        if H5Aexists(object, name) > 0 {
            try H5.check(H5Adelete(object, name), "Replacing attribute \(name)")
        }
        try values.withUnsafeBufferPointer { buffer in
            try writeNumbers(named: name, on: object, fileType: H5.fileInt32, memoryType: H5.nativeInt32,
                             dims: [values.count], pointer: buffer.baseAddress)
        }
    }

    /// Writes a one-element float64 array attribute, the form netCDF uses for `_FillValue`.
    static func writeFillValue(_ value: Double, on object: hid_t) throws {
        var x = value
        try writeNumbers(named: "_FillValue", on: object, fileType: H5.fileDouble, memoryType: H5.nativeDouble, dims: [1], pointer: &x)
    }

    private static func writeNumbers(named name: String, on object: hid_t, fileType: hid_t, memoryType: hid_t,
                                     dims: [Int], pointer: UnsafeRawPointer?) throws {
        let space: hid_t
        if dims == [0] {
            space = try H5.check(H5Screate(H5S_NULL), "Creating an empty dataspace for attribute \(name)")
        } else {
            space = try H5.dataspace(dims)
        }
        defer { H5Sclose(space) }
        let attribute = try H5.check(H5Acreate2(object, name, fileType, space, H5.defaultList, H5.defaultList),
                                     "Creating attribute \(name)")
        defer { H5Aclose(attribute) }
        if dims != [0] {
            try H5.check(H5Awrite(attribute, memoryType, pointer), "Writing attribute \(name)")
        }
    }

    private static func writeText(_ text: String, named name: String, on object: hid_t) throws {
        var bytes = Array(text.utf8)
        let isASCII = bytes.allSatisfy { $0 < 128 }
        if bytes.isEmpty { bytes = [0] }  // HDF5 string types need at least one byte
        let type = try H5.check(H5Tcopy(_sgdfp_h5t_c_s1()), "Creating a string type for attribute \(name)")
        defer { H5Tclose(type) }
        try H5.check(H5Tset_size(type, bytes.count), "Sizing attribute \(name)")
        try H5.check(H5Tset_strpad(type, H5T_STR_NULLTERM), "Setting the padding of attribute \(name)")
        try H5.check(H5Tset_cset(type, isASCII ? H5T_CSET_ASCII : H5T_CSET_UTF8), "Setting the character set of attribute \(name)")
        let space = try H5.dataspace([])
        defer { H5Sclose(space) }
        let attribute = try H5.check(H5Acreate2(object, name, type, space, H5.defaultList, H5.defaultList),
                                     "Creating attribute \(name)")
        defer { H5Aclose(attribute) }
        try H5.check(H5Awrite(attribute, type, bytes), "Writing attribute \(name)")
    }

    /// Reads one attribute; nil when it does not exist.
    static func read(named name: String, on object: hid_t) throws -> AttributeValue? {
        guard H5Aexists(object, name) > 0 else { return nil }
        let attribute = try H5.check(H5Aopen(object, name, H5.defaultList), "Opening attribute \(name)")
        defer { H5Aclose(attribute) }
        let type = try H5.check(H5Aget_type(attribute), "Reading the type of attribute \(name)")
        defer { H5Tclose(type) }
        let space = try H5.check(H5Aget_space(attribute), "Reading the shape of attribute \(name)")
        defer { H5Sclose(space) }
        let spaceClass = H5Sget_simple_extent_type(space)
        let count = spaceClass == H5S_NULL ? 0 : Int(H5Sget_simple_extent_npoints(space))
        let isScalar = spaceClass == H5S_SCALAR

        switch H5Tget_class(type) {
        case H5T_STRING:
            return .text(try readText(attribute, type: type, count: count, name: name))
        case H5T_FLOAT:
            var values = [Double](repeating: 0, count: count)
            if count > 0 {
                try H5.check(H5Aread(attribute, H5.nativeDouble, &values), "Reading attribute \(name)")
            }
            return isScalar ? .double(values[0]) : .doubles(values)
        case H5T_INTEGER:
            var values = [Int64](repeating: 0, count: count)
            if count > 0 {
                try H5.check(H5Aread(attribute, H5.nativeInt64, &values), "Reading attribute \(name)")
            }
            if count == 1 { return .int(Int(values[0])) }
            return .doubles(values.map { Double($0) })
        default:
            throw PhaseSpaceIOError(.invalidArgument, "Attribute \(name) has a type other than text, float or integer; read it with h5py or h5dump instead.")
        }
    }

    private static func readText(_ attribute: hid_t, type: hid_t, count: Int, name: String) throws -> String {
        guard count > 0 else { return "" }
        if H5Tis_variable_str(type) > 0 {
            let memoryType = try H5.check(H5Tcopy(_sgdfp_h5t_c_s1()), "Reading attribute \(name)")
            defer { H5Tclose(memoryType) }
            H5Tset_size(memoryType, _sgdfp_h5t_variable())
            H5Tset_cset(memoryType, H5Tget_cset(type))
            var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: count)
            try H5.check(H5Aread(attribute, memoryType, &pointers), "Reading attribute \(name)")
            defer { for p in pointers { H5free_memory(p) } }
            // netCDF string arrays become one text, one element per line.
            return pointers.map { $0.map { String(cString: $0) } ?? "" }.joined(separator: "\n")
        }
        let size = H5Tget_size(type)
        var bytes = [UInt8](repeating: 0, count: size * count)
        try H5.check(H5Aread(attribute, type, &bytes), "Reading attribute \(name)")
        // Each element is padded with NULs or spaces; cut at the first NUL of each element.
        var pieces: [String] = []
        for element in 0..<count {
            let slice = bytes[(element * size)..<((element + 1) * size)]
            let text = slice.prefix { $0 != 0 }
            pieces.append(String(decoding: text, as: UTF8.self))
        }
        return pieces.joined(separator: "\n")
    }

    /// Names of the visible attributes of an object, in creation order when tracked, else by name.
    static func names(on object: hid_t) throws -> [String] {
        final class Box { var names: [String] = [] }
        let visitor: H5A_operator2_t = { _, name, _, data in
            guard let name, let data else { return 0 }
            Unmanaged<Box>.fromOpaque(data).takeUnretainedValue().names.append(String(cString: name))
            return 0
        }
        for index in [H5_INDEX_CRT_ORDER, H5_INDEX_NAME] {
            let box = Box()
            var position: hsize_t = 0
            let status = withExtendedLifetime(box) {
                H5Aiterate2(object, index, H5_ITER_INC, &position, visitor, Unmanaged.passUnretained(box).toOpaque())
            }
            if status >= 0 { return box.names.filter { !hidden.contains($0) } }
        }
        throw H5.failure("Listing attributes")
    }
}
