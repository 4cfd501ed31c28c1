import CHDF5
import Foundation

extension NetCDFFile {
    /// Opens an existing netCDF-4 file read-write to add dimensions, variables and attributes; existing
    /// datasets are left as they are. Fails with a one-sentence error if the file does not exist, is not HDF5,
    /// or is not writable.
    ///
    /// Every dataset of the root group is registered with its current shape and the dimensions of its
    /// attached scales, so new variables can use the existing dimensions (attaching their scales), existing
    /// names are refused, and `timeRecordCount` starts at the length of an existing `time`.
    /// `copiedFrom` names the file `path` is a fresh copy of, which a damaged-file error then names.
    public static func openForAppending(at path: String, copiedFrom original: String? = nil) throws -> NetCDFFile {
        let shown = original ?? path
        DamagedFileGuard.enter(reading: shown); defer { DamagedFileGuard.leave() }
        H5.quiet()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw PhaseSpaceIOError(.notFound, "File \(shown) does not exist; check the path, or make a new file with NetCDFFile.create.")
        }
        guard !isDirectory.boolValue else {
            throw PhaseSpaceIOError(.invalidArgument, "\(shown) is a directory; pass the path of an .h5 file.")
        }
        if FileManager.default.isReadableFile(atPath: path), H5Fis_hdf5(path) == 0 {
            throw PhaseSpaceIOError(.notHDF5, "File \(shown) is not an HDF5 (netCDF-4) file; pass an .h5 file written by sgdfp or netCDF.")
        }
        guard FileManager.default.isReadableFile(atPath: path), FileManager.default.isWritableFile(atPath: path) else {
            throw PhaseSpaceIOError(.notWritable, "File \(shown) is not both readable and writable; change its permissions or append to a copy.")
        }
        let access = try H5.check(H5Pcreate(_sgdfp_h5p_file_access()), "Creating file access properties")
        defer { H5Pclose(access) }
        // As in create: closing the file also closes anything left open.
        try H5.check(H5Pset_fclose_degree(access, H5F_CLOSE_STRONG), "Setting the close degree")
        // Appending keeps HDF5's lock, which refuses a file another writer holds. A lock can also linger for a
        // moment on a descriptor that a child process inherited while the file was open here; so a locked
        // file is retried for up to 3 s before it counts as held by another program.
        var id = H5Fopen(path, _sgdfp_h5f_acc_rdwr(), access)
        for _ in 0..<30 where id < 0 && (H5.innermostError() ?? "").contains("unable to lock file") {
            H5.quiet()
            Thread.sleep(forTimeInterval: 0.1)
            id = H5Fopen(path, _sgdfp_h5f_acc_rdwr(), access)
        }
        if id < 0 {
            let detail = H5.innermostError().map { " (\($0))" } ?? ""
            throw PhaseSpaceIOError(.notWritable, "Could not open \(shown) for writing\(detail); close any program that has it open (HDF5 locks files while they are written) and check that it is not damaged.")
        }
        let file = NetCDFFile(path: path, fileID: id)
        do {
            try registerDatasets(of: id, in: file)
            file.nextDimensionID = try firstFreeDimensionID(in: id)
        } catch {
            try? file.close()
            throw error
        }
        return file
    }

    /// Registers the root group's datasets in creation order, keeping each open until `close`, as for
    /// datasets the instance creates itself.
    private static func registerDatasets(of fileID: hid_t, in file: NetCDFFile) throws {
        for name in try H5.linkNames(in: fileID) {
            let object = H5Oopen(fileID, name, H5.defaultList)
            guard object >= 0 else { continue }  // a dangling soft or external link
            guard H5Iget_type(object) == H5I_DATASET else {
                H5Oclose(object)
                continue
            }
            let shape: [Int]
            do { shape = try H5.shape(ofDataset: object) } catch {
                H5Oclose(object)
                throw error
            }
            file.registerExisting(name, id: object, dimensions: H5.dimensionNames(of: object, rank: shape.count), shape: shape,
                                  isDimension: shape.count == 1 && H5DSis_scale(object) > 0)
        }
    }

    /// The `_Netcdf4Dimid` after the largest one anywhere in the file (subgroups share the numbering), and
    /// at least the number of dimension scales, for scales that netCDF numbers itself because they lack it.
    private static func firstFreeDimensionID(in fileID: hid_t) throws -> Int32 {
        final class Box { var datasets: [String] = [] }
        let visitor: H5O_iterate_t = { _, name, info, data in
            guard let name, let info, let data else { return 0 }
            if info.pointee.type == H5O_TYPE_DATASET {
                Unmanaged<Box>.fromOpaque(data).takeUnretainedValue().datasets.append(String(cString: name))
            }
            return 0
        }
        let box = Box()
        let status = withExtendedLifetime(box) {
            H5Ovisit2(fileID, H5_INDEX_NAME, H5_ITER_INC, visitor, Unmanaged.passUnretained(box).toOpaque(), UInt32(H5O_INFO_BASIC))
        }
        try H5.check(status, "Listing the file's datasets")
        var next: Int32 = 0
        var scales: Int32 = 0
        for name in box.datasets {
            let dataset = try H5.check(H5Oopen(fileID, name, H5.defaultList), "Opening \(name)")
            defer { H5Oclose(dataset) }
            guard H5DSis_scale(dataset) > 0 else { continue }
            scales += 1
            if case .int(let id)? = try Attributes.read(named: "_Netcdf4Dimid", on: dataset) {
                next = max(next, Int32(clamping: id) + 1)
            }
        }
        return max(next, scales)
    }
}
