import CHDF5
import Foundation

/// A reader of netCDF-4/HDF5 files: variables of the root group, their dimensions (from the attached
/// dimension scales), shapes, values as float64, time records and attributes.
///
/// Not thread-safe: use one instance from one task at a time.
public final class NetCDFReader {
    /// The path the file was opened from.
    public let path: String
    /// The datasets of the root group (coordinate variables included), in creation order.
    public private(set) var variableNames: [String]
    private var fileID: hid_t

    /// Opens an existing file read-only.
    public init(path: String) throws {
        DamagedFileGuard.enter(reading: path); defer { DamagedFileGuard.leave() }
        H5.quiet()
        self.path = path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw PhaseSpaceIOError(.notFound, "File \(path) does not exist; check the path.")
        }
        guard !isDirectory.boolValue else {
            throw PhaseSpaceIOError(.invalidArgument, "\(path) is a directory; pass the path of an .h5 file.")
        }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw PhaseSpaceIOError(.notFound, "File \(path) cannot be read (permission denied); check its permissions.")
        }
        let access = try H5.check(H5Pcreate(_sgdfp_h5p_file_access()), "Creating file access properties")
        defer { H5Pclose(access) }
        H5Pset_fclose_degree(access, H5F_CLOSE_STRONG)
        try H5.unlockedFiles(access)
        let id = H5Fopen(path, _sgdfp_h5f_acc_rdonly(), access)
        guard id >= 0 else {
            if !Self.hasHDF5Signature(path) {
                throw PhaseSpaceIOError(.notHDF5, "File \(path) is not an HDF5 (netCDF-4) file; pass an .h5 file written by sgdfp.")
            }
            let detail = H5.innermostError().map { " (\($0))" } ?? ""
            throw PhaseSpaceIOError(.library, "Could not open \(path) as an HDF5 file\(detail); check that it is readable and not damaged.")
        }
        fileID = id
        do {
            variableNames = try H5.linkNames(in: id).filter { name in
                let object = H5Oopen(id, name, H5.defaultList)
                guard object >= 0 else { return false }
                defer { H5Oclose(object) }
                return H5Iget_type(object) == H5I_DATASET
            }
        } catch {
            H5Fclose(id)
            throw error
        }
    }

    deinit { close() }

    /// Closes the file; calling it again does nothing.
    public func close() {
        DamagedFileGuard.enter(reading: path); defer { DamagedFileGuard.leave() }
        guard fileID >= 0 else { return }
        H5.quiet()
        H5Fclose(fileID)
        fileID = -1
    }

    /// Whether the file has a variable of this name.
    public func hasVariable(_ name: String) -> Bool { variableNames.contains(name) }

    /// The dimension names of a variable, from its attached dimension scales (`phony_dim_<axis>` for an
    /// axis without one); a coordinate variable's dimension is itself.
    public func dimensions(of variable: String) throws -> [String] {
        DamagedFileGuard.enter(reading: path); defer { DamagedFileGuard.leave() }
        return try withDataset(variable) { dataset in
            H5.dimensionNames(of: dataset, rank: try H5.shape(ofDataset: dataset).count)
        }
    }

    /// The current shape of a variable (empty for a scalar).
    public func shape(of variable: String) throws -> [Int] {
        DamagedFileGuard.enter(reading: path); defer { DamagedFileGuard.leave() }
        return try withDataset(variable) { try H5.shape(ofDataset: $0) }
    }

    /// All values of a numeric variable as float64, row-major (last dimension fastest).
    public func read(_ variable: String) throws -> [Double] {
        DamagedFileGuard.enter(reading: path); defer { DamagedFileGuard.leave() }
        return try withDataset(variable) { dataset in
            try Self.requireNumeric(dataset, variable)
            let count = try H5.shape(ofDataset: dataset).reduce(1, *)
            var values = [Double](repeating: 0, count: count)
            if count > 0 {
                try H5.check(H5Dread(dataset, H5.nativeDouble, H5.all, H5.all, H5.defaultList, &values), "Reading \(variable)")
            }
            return values
        }
    }

    /// One record (index along the first dimension, normally `time`) of a variable, row-major.
    public func readRecord(_ variable: String, index: Int) throws -> [Double] {
        DamagedFileGuard.enter(reading: path); defer { DamagedFileGuard.leave() }
        return try withDataset(variable) { dataset in
            try Self.requireNumeric(dataset, variable)
            let shape = try H5.shape(ofDataset: dataset)
            guard let records = shape.first else {
                throw PhaseSpaceIOError(.invalidArgument, "Variable \(variable) is a scalar; read it with read(_:) instead of readRecord.")
            }
            guard index >= 0, index < records else {
                throw PhaseSpaceIOError(.invalidArgument, "Record \(index) of \(variable) does not exist (it has \(records)); pass an index from 0 to \(records - 1).")
            }
            let recordShape = Array(shape.dropFirst())
            let count = recordShape.reduce(1, *)
            let fileSpace = try H5.check(H5Dget_space(dataset), "Selecting record \(index) of \(variable)")
            defer { H5Sclose(fileSpace) }
            let start = [hsize_t(index)] + recordShape.map { _ in hsize_t(0) }
            let counts = [hsize_t(1)] + recordShape.map { hsize_t($0) }
            try H5.check(H5Sselect_hyperslab(fileSpace, H5S_SELECT_SET, start, nil, counts, nil), "Selecting record \(index) of \(variable)")
            // The selection's own shape, so that HDF5 copies rows rather than walking points (`NetCDFFile.writeSlab`).
            let memorySpace = try H5.dataspace([1] + recordShape)
            defer { H5Sclose(memorySpace) }
            var values = [Double](repeating: 0, count: count)
            if count > 0 {
                try H5.check(H5Dread(dataset, H5.nativeDouble, memorySpace, fileSpace, H5.defaultList, &values),
                             "Reading record \(index) of \(variable)")
            }
            return values
        }
    }

    /// An attribute of a variable, or of the root group when `variable` is nil; nil when absent.
    public func attribute(_ name: String, of variable: String? = nil) throws -> AttributeValue? {
        DamagedFileGuard.enter(reading: path); defer { DamagedFileGuard.leave() }
        if let variable {
            return try withDataset(variable) { try Attributes.read(named: name, on: $0) }
        }
        try requireOpen()
        H5.quiet()
        return try Attributes.read(named: name, on: fileID)
    }

    /// The attribute names of a variable, or of the root group when `variable` is nil, in creation
    /// order; the bookkeeping attributes of dimension scales and netCDF (CLASS, DIMENSION_LIST,
    /// `_Netcdf4Dimid`, ...) are left out, as netCDF does.
    public func attributeNames(of variable: String? = nil) throws -> [String] {
        DamagedFileGuard.enter(reading: path); defer { DamagedFileGuard.leave() }
        if let variable {
            return try withDataset(variable) { try Attributes.names(on: $0) }
        }
        try requireOpen()
        H5.quiet()
        return try Attributes.names(on: fileID)
    }

    /// The labels of an index dimension written by `NetCDFFile.defineIndexDimension` (its
    /// `flag_meanings`); nil when the variable has none.
    public func indexLabels(of variable: String) throws -> [String]? {
        DamagedFileGuard.enter(reading: path); defer { DamagedFileGuard.leave() }
        guard case .text(let meanings)? = try attribute("flag_meanings", of: variable) else { return nil }
        return meanings.split(separator: " ").map(String.init)
    }

    /// Whether the variable's first dimension is unlimited (a record dimension such as `time`).
    public func isRecordVariable(_ variable: String) throws -> Bool {
        DamagedFileGuard.enter(reading: path); defer { DamagedFileGuard.leave() }
        return try withDataset(variable) { H5.firstDimensionIsUnlimited($0) }
    }

    // MARK: Internals

    private func requireOpen() throws {
        guard fileID >= 0 else {
            throw PhaseSpaceIOError(.invalidArgument, "File \(path) is already closed; read everything before closing it.")
        }
    }

    private func withDataset<T>(_ variable: String, _ body: (hid_t) throws -> T) throws -> T {
        try requireOpen()
        H5.quiet()
        guard variableNames.contains(variable) else {
            let available = variableNames.joined(separator: ", ")
            throw PhaseSpaceIOError(.notFound, "Variable \(variable) is not in \(path); use one of: \(available).")
        }
        let dataset = try H5.check(H5Dopen2(fileID, variable, H5.defaultList), "Opening variable \(variable)")
        defer { H5Dclose(dataset) }
        return try body(dataset)
    }

    /// Whether a variable holds floating-point numbers (an integer density is no density sgdfp wrote).
    public func isFloatingPoint(_ variable: String) throws -> Bool {
        DamagedFileGuard.enter(reading: path); defer { DamagedFileGuard.leave() }
        return try withDataset(variable) { dataset in
            let type = try H5.check(H5Dget_type(dataset), "Reading the type of \(variable)")
            defer { H5Tclose(type) }
            return H5Tget_class(type) == H5T_FLOAT
        }
    }

    private static func requireNumeric(_ dataset: hid_t, _ variable: String) throws {
        let type = try H5.check(H5Dget_type(dataset), "Reading the type of \(variable)")
        defer { H5Tclose(type) }
        let typeClass = H5Tget_class(type)
        guard typeClass == H5T_FLOAT || typeClass == H5T_INTEGER else {
            throw PhaseSpaceIOError(.invalidArgument, "Variable \(variable) is not numeric; read it with h5py or h5dump instead.")
        }
    }

    /// Whether the HDF5 signature is at one of the offsets where the format allows it (0, 512, 1024, ...).
    private static func hasHDF5Signature(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let signature: [UInt8] = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]
        var offset: UInt64 = 0
        while offset <= 1 << 20 {
            guard (try? handle.seek(toOffset: offset)) != nil,
                  let bytes = try? handle.read(upToCount: 8), bytes.count == 8 else { return false }
            if Array(bytes) == signature { return true }
            offset = offset == 0 ? 512 : offset * 2
        }
        return false
    }
}
