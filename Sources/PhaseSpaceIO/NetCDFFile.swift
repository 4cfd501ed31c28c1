import CHDF5
import Foundation

/// A writer of netCDF-4-compatible HDF5 files: float64 variables over named dimensions, each dimension a
/// coordinate variable that is also an HDF5 dimension scale, an unlimited `time` dimension, CF-style
/// attributes, and link and attribute creation order tracked as netCDF does. xarray (h5netcdf and
/// netcdf4 engines), netCDF's `ncdump`, h5py and ParaView open the files with their coordinates.
///
/// Define dimensions first, then variables over them, then write; `openForAppending` adds to an existing
/// file. Not thread-safe: use one instance from one task at a time.
public final class NetCDFFile {
    /// The name of the unlimited record dimension.
    public static let timeDimension = RunVariable.time
    /// Deflate level (after shuffle) of the variables defined with `compress`, 0 for none. Off by default:
    /// float64 fields carry noise in their low mantissa bits, so a solve's frames shrink by only a fifth to a
    /// quarter (kramers-2d, 41 frames of 256²: 43 MB to 33 MB at level 1, 32 MB at 6) while writing takes
    /// 15 times longer (1.1 s against 0.08 s), most of a small run's time.
    public var deflateLevel: UInt32 = 0

    private struct Variable {
        let id: hid_t
        let dimensions: [String]
        var shape: [Int]
        var isTimeDependent: Bool { dimensions.first == NetCDFFile.timeDimension }
    }

    /// The path the file was created or opened at.
    public let path: String
    private var fileID: hid_t
    private var variables: [String: Variable] = [:]
    private var variableOrder: [String] = []
    private var dimensionOrder: [String] = []
    private var timeCount = 0
    /// The `_Netcdf4Dimid` of the next dimension; netCDF needs these unique across the whole file.
    var nextDimensionID: Int32 = 0

    init(path: String, fileID: hid_t) {
        self.path = path
        self.fileID = fileID
    }

    deinit { try? close() }

    /// Creates a new file; fails if a file already exists at `path` (it is never overwritten).
    public static func create(at path: String) throws -> NetCDFFile {
        HDF5Lock.hold(); defer { HDF5Lock.release() }
        H5.quiet()
        if FileManager.default.fileExists(atPath: path) {
            throw PhaseSpaceIOError(.fileExists, "File \(path) already exists; remove it or choose another path.")
        }
        // Through URL: NSString's deletingLastPathComponent traps on a bare file name in this Foundation.
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let directoryPath = directory.isEmpty ? "." : directory
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directoryPath, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw PhaseSpaceIOError(.notFound, "Directory \(directoryPath) does not exist; create it or choose another path for \(path).")
        }
        let creation = try H5.check(H5Pcreate(_sgdfp_h5p_file_create()), "Creating file properties")
        defer { H5Pclose(creation) }
        try H5.check(H5Pset_link_creation_order(creation, H5.creationOrderFlags), "Tracking link creation order")
        try H5.check(H5Pset_attr_creation_order(creation, H5.creationOrderFlags), "Tracking attribute creation order")
        let access = try H5.check(H5Pcreate(_sgdfp_h5p_file_access()), "Creating file access properties")
        defer { H5Pclose(access) }
        // Closing the file then also closes anything left open, so a failed write cannot keep it open.
        try H5.check(H5Pset_fclose_degree(access, H5F_CLOSE_STRONG), "Setting the close degree")
        try H5.unlockedFiles(access)
        let id = H5Fcreate(path, _sgdfp_h5f_acc_excl(), creation, access)
        if id < 0 {
            let detail = H5.innermostError().map { " (\($0))" } ?? ""
            throw PhaseSpaceIOError(.notWritable, "Could not create \(path)\(detail); check that its directory is writable and the disk is not full.")
        }
        return NetCDFFile(path: path, fileID: id)
    }

    /// The version of the HDF5 library files are written with.
    public static var hdf5Version: String { HDF5Lock.hold(); defer { HDF5Lock.release() }; return H5.libraryVersion }

    // MARK: Attributes

    /// Sets (or replaces) an attribute of the root group.
    public func setAttribute(_ name: String, _ value: AttributeValue) throws {
        HDF5Lock.hold(); defer { HDF5Lock.release() }
        H5.quiet()
        try requireOpen()
        try Attributes.write(value, named: name, on: fileID)
    }

    /// Sets (or replaces) an attribute of a variable (dimensions are variables too).
    public func setAttribute(_ name: String, _ value: AttributeValue, on variable: String) throws {
        HDF5Lock.hold(); defer { HDF5Lock.release() }
        H5.quiet()
        let v = try lookUp(variable)
        try Attributes.write(value, named: name, on: v.id)
    }

    // MARK: Dimensions

    /// Defines a fixed-size dimension with its float64 coordinate variable (an HDF5 dimension scale of
    /// the same name).
    public func defineDimension(_ name: String, coordinates: [Double], attributes: [String: AttributeValue]) throws {
        HDF5Lock.hold(); defer { HDF5Lock.release() }
        H5.quiet()
        try requireNewName(name)
        guard !coordinates.isEmpty else {
            throw PhaseSpaceIOError(.invalidArgument, "Dimension \(name) has no coordinates; give it at least one value.")
        }
        let id = try createDataset(name, dimensions: [name], fileType: H5.fileDouble, shape: [coordinates.count], timeDependent: false,
                                   fillValue: nil, compress: false)
        try makeScale(id, name: name)
        try coordinates.withUnsafeBufferPointer { buffer in
            try H5.check(H5Dwrite(id, H5.nativeDouble, H5.all, H5.all, H5.defaultList, buffer.baseAddress), "Writing coordinate \(name)")
        }
        try Self.writeAttributes(attributes, on: id)
    }

    /// Defines an index dimension, e.g. `component` with labels `["theta", "v"]`: an int32 coordinate
    /// 0..<n whose labels are given the CF way, as `flag_values` (0..<n) and `flag_meanings` (the labels
    /// separated by spaces), with `long_name` and `units = "1"` unless `attributes` say otherwise.
    public func defineIndexDimension(_ name: String, labels: [String], attributes: [String: AttributeValue] = [:]) throws {
        HDF5Lock.hold(); defer { HDF5Lock.release() }
        H5.quiet()
        try requireNewName(name)
        guard !labels.isEmpty else {
            throw PhaseSpaceIOError(.invalidArgument, "Index dimension \(name) has no labels; give it at least one label.")
        }
        if let bad = labels.first(where: { $0.isEmpty || $0.contains(where: \.isWhitespace) }) {
            throw PhaseSpaceIOError(.invalidArgument, "Label \"\(bad)\" of index dimension \(name) is empty or contains whitespace; use labels without spaces, as CF flag_meanings require.")
        }
        let id = try createDataset(name, dimensions: [name], fileType: H5.fileInt32, shape: [labels.count], timeDependent: false,
                                   fillValue: nil, compress: false)
        try makeScale(id, name: name)
        let values = (0..<labels.count).map { Int32($0) }
        try values.withUnsafeBufferPointer { buffer in
            try H5.check(H5Dwrite(id, H5.nativeInt32, H5.all, H5.all, H5.defaultList, buffer.baseAddress), "Writing index \(name)")
        }
        var all: [String: AttributeValue] = [
            "long_name": .text("index of \(labels.joined(separator: ", "))"),
            "units": .text("1"),
        ]
        all.merge(attributes) { _, new in new }
        try Self.writeAttributes(all, on: id)
        try Attributes.writeInt32s(values, named: "flag_values", on: id)
        try Attributes.write(.text(labels.joined(separator: " ")), named: "flag_meanings", on: id)
    }

    /// Defines the unlimited dimension `t` (`timeDimension`) with its float64 coordinate (no records yet).
    public func defineTimeDimension(attributes: [String: AttributeValue]) throws {
        HDF5Lock.hold(); defer { HDF5Lock.release() }
        H5.quiet()
        let name = Self.timeDimension
        try requireNewName(name)
        let id = try createDataset(name, dimensions: [name], fileType: H5.fileDouble, shape: [0], timeDependent: true,
                                   fillValue: nil, compress: false)
        try makeScale(id, name: name)
        try Self.writeAttributes(attributes, on: id)
    }

    // MARK: Variables

    /// Defines a float64 variable over defined dimensions, with dimension scales attached on every axis.
    /// When the first dimension is `time` the variable grows by records (chunked one record per chunk
    /// for fields). `fillValue` becomes the HDF5 fill value and the `_FillValue` attribute; `compress`
    /// adds shuffle and deflate when the library has them.
    public func defineVariable(_ name: String, dimensions: [String], attributes: [String: AttributeValue],
                               fillValue: Double? = nil, compress: Bool = false) throws {
        HDF5Lock.hold(); defer { HDF5Lock.release() }
        H5.quiet()
        try requireNewName(name)
        var shape: [Int] = []
        for (axis, dimension) in dimensions.enumerated() {
            guard let scale = variables[dimension], dimensionOrder.contains(dimension) else {
                throw PhaseSpaceIOError(.notFound, "Variable \(name) uses dimension \(dimension), which is not defined; define it before the variable.")
            }
            if dimension == Self.timeDimension && axis != 0 {
                throw PhaseSpaceIOError(.invalidArgument, "Variable \(name) has time as dimension \(axis + 1); make time its first dimension.")
            }
            if dimensions.firstIndex(of: dimension) != axis {
                throw PhaseSpaceIOError(.invalidArgument, "Variable \(name) repeats dimension \(dimension); use a second dimension with another name (e.g. component_b).")
            }
            shape.append(dimension == Self.timeDimension ? 0 : scale.shape[0])
        }
        let timeDependent = dimensions.first == Self.timeDimension
        let id = try createDataset(name, dimensions: dimensions, fileType: H5.fileDouble, shape: shape, timeDependent: timeDependent,
                                   fillValue: fillValue, compress: compress)
        for (axis, dimension) in dimensions.enumerated() {
            try H5.check(H5DSattach_scale(id, variables[dimension]!.id, UInt32(axis)),
                         "Attaching dimension \(dimension) to variable \(name)")
        }
        if let fillValue { try Attributes.writeFillValue(fillValue, on: id) }
        try Self.writeAttributes(attributes, on: id)
    }

    /// Writes the whole of a fixed-size variable (row-major, last dimension fastest).
    public func write(_ name: String, values: UnsafeBufferPointer<Double>) throws {
        HDF5Lock.hold(); defer { HDF5Lock.release() }
        H5.quiet()
        let v = try lookUp(name)
        guard !v.isTimeDependent else {
            throw PhaseSpaceIOError(.invalidArgument, "Variable \(name) grows along time; write it record by record with writeRecord.")
        }
        let expected = v.shape.reduce(1, *)
        guard values.count == expected else {
            throw PhaseSpaceIOError(.invalidArgument, "Variable \(name) of shape \(v.shape) needs \(expected) values but got \(values.count); pass exactly one value per grid point.")
        }
        try H5.check(H5Dwrite(v.id, H5.nativeDouble, H5.all, H5.all, H5.defaultList, values.baseAddress), "Writing variable \(name)")
    }

    /// Writes the whole of a fixed-size variable (row-major, last dimension fastest).
    public func write(_ name: String, values: [Double]) throws {
        HDF5Lock.hold(); defer { HDF5Lock.release() }
        try values.withUnsafeBufferPointer { try write(name, values: $0) }
    }

    /// Extends `time` by one record holding `t`; the new record's index is `timeRecordCount - 1`.
    public func appendTime(_ t: Double) throws {
        HDF5Lock.hold(); defer { HDF5Lock.release() }
        H5.quiet()
        guard variables[Self.timeDimension] != nil else {
            throw PhaseSpaceIOError(.notFound, "The file has no time dimension; call defineTimeDimension before appendTime.")
        }
        try [t].withUnsafeBufferPointer { buffer in
            try writeSlab(Self.timeDimension, index: timeCount, values: buffer)
        }
        timeCount += 1
    }

    /// Keeps the first `count` time records of every time-dependent variable and drops the rest (a record
    /// that an interrupted writer left incomplete); the next `appendTime` writes record `count`.
    public func truncateRecords(to count: Int) throws {
        HDF5Lock.hold(); defer { HDF5Lock.release() }
        H5.quiet()
        try requireOpen()
        for name in variableOrder {
            guard var v = variables[name], v.isTimeDependent, v.shape[0] > count else { continue }
            v.shape[0] = count
            try H5.check(H5Dset_extent(v.id, v.shape.map { hsize_t($0) }), "Truncating \(name) to \(count) records")
            variables[name] = v
        }
        timeCount = min(timeCount, count)
    }

    /// The number of time records appended so far.
    public var timeRecordCount: Int { timeCount }

    /// Writes record `index` (0-based) of a time-dependent variable, extending it as needed. The time
    /// value of that record must have been appended with `appendTime` first.
    public func writeRecord(_ name: String, index: Int, values: UnsafeBufferPointer<Double>) throws {
        HDF5Lock.hold(); defer { HDF5Lock.release() }
        H5.quiet()
        let v = try lookUp(name)
        guard v.isTimeDependent, name != Self.timeDimension else {
            throw PhaseSpaceIOError(.invalidArgument, "Variable \(name) does not grow along time; write it whole with write(_:values:), and time values with appendTime.")
        }
        guard index >= 0, index < timeCount else {
            throw PhaseSpaceIOError(.invalidArgument, "Record \(index) of \(name) is outside the \(timeCount) time values appended so far; call appendTime for it first.")
        }
        try writeSlab(name, index: index, values: values)
    }

    /// Writes record `index` (0-based) of a time-dependent variable, extending it as needed.
    public func writeRecord(_ name: String, index: Int, values: [Double]) throws {
        HDF5Lock.hold(); defer { HDF5Lock.release() }
        try values.withUnsafeBufferPointer { try writeRecord(name, index: index, values: $0) }
    }

    /// Pushes everything written so far to disk, so that readers see complete records.
    public func flush() throws {
        HDF5Lock.hold(); defer { HDF5Lock.release() }
        H5.quiet()
        try requireOpen()
        try H5.check(H5Fflush(fileID, H5F_SCOPE_GLOBAL), "Flushing \(path)")
    }

    /// Closes the file; calling it again does nothing. Also called on deinit.
    public func close() throws {
        HDF5Lock.hold(); defer { HDF5Lock.release() }
        guard fileID >= 0 else { return }
        H5.quiet()
        for name in variableOrder { if let v = variables[name] { H5Dclose(v.id) } }
        variables = [:]
        let status = H5Fclose(fileID)
        fileID = -1
        if status < 0 { throw H5.failure("Closing \(path)") }
    }

    /// The names of the variables (dimensions included) in definition order.
    public var variableNames: [String] { variableOrder }

    /// The dimensions of a defined variable.
    public func dimensions(of variable: String) throws -> [String] { HDF5Lock.hold(); defer { HDF5Lock.release() }; return try lookUp(variable).dimensions }

    // MARK: Internals

    private func requireOpen() throws {
        guard fileID >= 0 else {
            throw PhaseSpaceIOError(.invalidArgument, "File \(path) is already closed; write everything before closing it.")
        }
    }

    private func requireNewName(_ name: String) throws {
        try requireOpen()
        guard !name.isEmpty, !name.contains("/"), name != ".", name != ".." else {
            throw PhaseSpaceIOError(.invalidArgument, "Name \"\(name)\" is not a valid variable name; use a non-empty name without slashes.")
        }
        guard variables[name] == nil else {
            throw PhaseSpaceIOError(.invalidArgument, "Variable or dimension \(name) is already defined in \(path); use another name.")
        }
    }

    private func lookUp(_ name: String) throws -> Variable {
        try requireOpen()
        guard let v = variables[name] else {
            throw PhaseSpaceIOError(.notFound, "Variable \(name) is not defined in \(path); define it before writing or setting attributes.")
        }
        return v
    }

    /// Records per chunk of a time-dependent variable: one for fields, several for small records so
    /// that long time series are not stored as thousands of tiny chunks.
    static func chunkShape(for shape: [Int], timeDependent: Bool) -> [Int] {
        let maximumChunkBytes = 64 << 20   // far below HDF5's 4 GiB limit, and kind to readers' caches
        var chunk = shape.map { max($0, 1) }
        if timeDependent {
            let recordBytes = 8 * chunk.dropFirst().reduce(1, *)
            chunk[0] = min(512, max(1, (64 << 10) / recordBytes))
        }
        var axis = timeDependent ? 1 : 0
        while 8 * chunk.reduce(1, *) > maximumChunkBytes, axis < chunk.count {
            if chunk[axis] > 1 { chunk[axis] = (chunk[axis] + 1) / 2 } else { axis += 1 }
        }
        return chunk
    }

    private func createDataset(_ name: String, dimensions: [String], fileType: hid_t, shape: [Int], timeDependent: Bool,
                               fillValue: Double?, compress: Bool) throws -> hid_t {
        let maxDims: [hsize_t]? = shape.isEmpty ? nil : shape.enumerated().map { axis, n in
            timeDependent && axis == 0 ? H5.unlimited : hsize_t(n)
        }
        let space = try H5.dataspace(shape, max: maxDims)
        defer { H5Sclose(space) }
        let creation = try H5.check(H5Pcreate(_sgdfp_h5p_dataset_create()), "Creating dataset properties for \(name)")
        defer { H5Pclose(creation) }
        try H5.check(H5Pset_attr_creation_order(creation, H5.creationOrderFlags), "Tracking attribute order of \(name)")
        // Without modification times, the same run writes byte-identical files.
        try H5.check(H5Pset_obj_track_times(creation, false), "Turning off time stamps of \(name)")
        let canCompress = compress && deflateLevel > 0 && !shape.isEmpty
            && H5Zfilter_avail(_sgdfp_h5z_filter_deflate()) > 0 && H5Zfilter_avail(_sgdfp_h5z_filter_shuffle()) > 0
        if timeDependent || canCompress {
            let chunk = Self.chunkShape(for: shape, timeDependent: timeDependent).map { hsize_t($0) }
            try H5.check(H5Pset_chunk(creation, Int32(chunk.count), chunk), "Chunking \(name)")
        }
        if canCompress {
            try H5.check(H5Pset_shuffle(creation), "Adding the shuffle filter to \(name)")
            try H5.check(H5Pset_deflate(creation, deflateLevel), "Adding the deflate filter to \(name)")
        }
        if var fill = fillValue {
            try H5.check(H5Pset_fill_value(creation, H5.nativeDouble, &fill), "Setting the fill value of \(name)")
        }
        let id = try H5.check(H5Dcreate2(fileID, name, fileType, space, H5.defaultList, creation, H5.defaultList),
                              "Creating variable \(name)")
        variables[name] = Variable(id: id, dimensions: dimensions, shape: shape)
        variableOrder.append(name)
        return id
    }

    /// Marks a 1-D dataset as the dimension scale of the same name, numbered as netCDF numbers them.
    private func makeScale(_ id: hid_t, name: String) throws {
        try H5.check(H5DSset_scale(id, name), "Making \(name) a dimension scale")
        var dimensionID = nextDimensionID
        let space = try H5.dataspace([])
        defer { H5Sclose(space) }
        let attribute = try H5.check(H5Acreate2(id, "_Netcdf4Dimid", H5.fileInt32, space, H5.defaultList, H5.defaultList),
                                     "Numbering dimension \(name)")
        defer { H5Aclose(attribute) }
        try H5.check(H5Awrite(attribute, H5.nativeInt32, &dimensionID), "Numbering dimension \(name)")
        dimensionOrder.append(name)
        nextDimensionID += 1
    }

    /// Takes over a dataset already in the file (see `openForAppending`), so that attributes can be set on
    /// it and, when it is a dimension scale, new variables can use it as a dimension; its data stays as it is.
    func registerExisting(_ name: String, id: hid_t, dimensions: [String], shape: [Int], isDimension: Bool) {
        variables[name] = Variable(id: id, dimensions: dimensions, shape: shape)
        variableOrder.append(name)
        if isDimension { dimensionOrder.append(name) }
        if name == Self.timeDimension, let records = shape.first { timeCount = records }
    }

    private func writeSlab(_ name: String, index: Int, values: UnsafeBufferPointer<Double>) throws {
        guard var v = variables[name] else { throw PhaseSpaceIOError(.notFound, "Variable \(name) is not defined; define it first.") }
        let recordShape = Array(v.shape.dropFirst())
        let expected = recordShape.reduce(1, *)
        guard values.count == expected else {
            throw PhaseSpaceIOError(.invalidArgument, "A record of \(name) (shape \(recordShape)) needs \(expected) values but got \(values.count); pass exactly one value per grid point.")
        }
        if v.shape[0] <= index {
            var newShape = v.shape
            newShape[0] = index + 1
            try H5.check(H5Dset_extent(v.id, newShape.map { hsize_t($0) }), "Extending \(name) along time")
            v.shape = newShape
            variables[name] = v
        }
        let fileSpace = try H5.check(H5Dget_space(v.id), "Selecting record \(index) of \(name)")
        defer { H5Sclose(fileSpace) }
        let start = [hsize_t(index)] + recordShape.map { _ in hsize_t(0) }
        let count = [hsize_t(1)] + recordShape.map { hsize_t($0) }
        try H5.check(H5Sselect_hyperslab(fileSpace, H5S_SELECT_SET, start, nil, count, nil), "Selecting record \(index) of \(name)")
        // The memory space has the selection's own shape: with another rank HDF5 walks the selection point by
        // point instead of copying rows (a third of a small run's time went there).
        let memorySpace = try H5.dataspace([1] + recordShape)
        defer { H5Sclose(memorySpace) }
        try H5.check(H5Dwrite(v.id, H5.nativeDouble, memorySpace, fileSpace, H5.defaultList, values.baseAddress),
                     "Writing record \(index) of \(name)")
    }

    /// Writes attributes in a stable, readable order: `long_name`, `units`, the other CF names, then the
    /// rest alphabetically.
    static func writeAttributes(_ attributes: [String: AttributeValue], on object: hid_t) throws {
        for name in orderedNames(attributes.keys) {
            try Attributes.write(attributes[name]!, named: name, on: object)
        }
    }

    public static func orderedNames<S: Sequence>(_ names: S) -> [String] where S.Element == String {
        let first = ["Conventions", "title", "institution", "source", "history", "references", "comment",
                     "standard_name", "long_name", "units", "axis", "positive", "calendar"]
        let all = Set(names)
        return first.filter(all.contains) + all.subtracting(first).sorted()
    }
}
