import Foundation
import CHDF5

/// Thin internal helpers over the HDF5 C API: constants, error capture, dataspaces and names.
enum H5 {
    static var defaultList: hid_t { _sgdfp_h5p_default() }
    static var all: hid_t { _sgdfp_h5s_all() }
    static var nativeDouble: hid_t { _sgdfp_h5t_native_double() }
    static var nativeInt64: hid_t { _sgdfp_h5t_native_int64() }
    static var nativeInt32: hid_t { _sgdfp_h5t_native_int32() }
    static var fileDouble: hid_t { _sgdfp_h5t_ieee_f64le() }
    static var fileInt64: hid_t { _sgdfp_h5t_std_i64le() }
    static var fileInt32: hid_t { _sgdfp_h5t_std_i32le() }
    static var unlimited: hsize_t { _sgdfp_h5s_unlimited() }
    static var creationOrderFlags: UInt32 { _sgdfp_h5p_crt_order_tracked() | _sgdfp_h5p_crt_order_indexed() }

    /// Turns off HDF5's automatic printing of error stacks. In thread-safe builds the setting is per
    /// thread, and Swift code may run on any thread, so every entry point calls this.
    static func quiet() {
        _ = withoutExitCleanup
        H5Eset_auto2(_sgdfp_h5e_default(), nil, nil)
    }

    /// HDF5's exit handler closes every file still open, and crashes on one whose write failed (a full
    /// disk); sgdfp closes or abandons its files itself, so the handler is turned off before first use.
    private static let withoutExitCleanup: Void = { H5dont_atexit() }()

    /// The most specific message on the current thread's HDF5 error stack, if any. Call it right after
    /// the failing call: the next API call clears the stack.
    static func innermostError() -> String? {
        final class Box { var message: String? }
        let box = Box()
        let walker: H5E_walk2_t = { n, error, data in
            guard n == 0, let error, let data else { return 0 }
            let box = Unmanaged<Box>.fromOpaque(data).takeUnretainedValue()
            if let desc = error.pointee.desc { box.message = String(cString: desc) }
            return 0
        }
        _ = withExtendedLifetime(box) {
            H5Ewalk2(_sgdfp_h5e_default(), H5E_WALK_UPWARD, walker, Unmanaged.passUnretained(box).toOpaque())
        }
        return box.message.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// An error for an unexpected library failure, with HDF5's own reason appended.
    static func failure(_ what: String) -> PhaseSpaceIOError {
        // A failed write carries the system's errno (ENOSPC, EFBIG, EDQUOT ...) inside a long diagnostic.
        let detail = innermostError()
        if let detail, let range = detail.range(of: #"errno = \d+"#, options: .regularExpression), let code = Int32(detail[range].dropFirst(8)) {
            return PhaseSpaceIOError(.notWritable, "\(what) failed: \(String(cString: strerror(code))); free space on the file system (or raise its quota or file size limit), or write elsewhere with -o.")
        }
        if let detail {
            return PhaseSpaceIOError(.library, "\(what) failed in the HDF5 library (\(detail)); check the file system and the file, then retry.")
        }
        return PhaseSpaceIOError(.library, "\(what) failed in the HDF5 library; check the file system and the file, then retry.")
    }

    /// Throws `failure(what)` when an identifier-returning call failed.
    @discardableResult
    static func check(_ id: hid_t, _ what: @autoclosure () -> String) throws -> hid_t {
        if id < 0 { throw failure(what()) }
        return id
    }

    /// Throws `failure(what)` when a status-returning call failed.
    static func check(_ status: herr_t, _ what: @autoclosure () -> String) throws {
        if status < 0 { throw failure(what()) }
    }

    /// A simple dataspace; an empty `dims` gives a scalar dataspace.
    static func dataspace(_ dims: [Int], max: [hsize_t]? = nil) throws -> hid_t {
        if dims.isEmpty { return try check(H5Screate(H5S_SCALAR), "Creating a scalar dataspace") }
        let current = dims.map { hsize_t($0) }
        let id: hid_t
        if let max {
            id = H5Screate_simple(Int32(dims.count), current, max)
        } else {
            id = H5Screate_simple(Int32(dims.count), current, nil)
        }
        return try check(id, "Creating a dataspace of shape \(dims)")
    }

    /// The current extent of a dataspace (empty for scalar).
    static func extent(ofSpace space: hid_t) -> [Int] {
        let rank = Int(H5Sget_simple_extent_ndims(space))
        guard rank > 0 else { return [] }
        var dims = [hsize_t](repeating: 0, count: rank)
        H5Sget_simple_extent_dims(space, &dims, nil)
        return dims.map { Int($0) }
    }

    /// The current shape of a dataset.
    static func shape(ofDataset dataset: hid_t) throws -> [Int] {
        let space = try check(H5Dget_space(dataset), "Reading a dataset's shape")
        defer { H5Sclose(space) }
        return extent(ofSpace: space)
    }

    /// Whether the dataset's first dimension can grow without bound.
    static func firstDimensionIsUnlimited(_ dataset: hid_t) -> Bool {
        let space = H5Dget_space(dataset)
        guard space >= 0 else { return false }
        defer { H5Sclose(space) }
        let rank = Int(H5Sget_simple_extent_ndims(space))
        guard rank > 0 else { return false }
        var dims = [hsize_t](repeating: 0, count: rank)
        var maxDims = [hsize_t](repeating: 0, count: rank)
        H5Sget_simple_extent_dims(space, &dims, &maxDims)
        return maxDims[0] == unlimited
    }

    /// The last component of an object's path, e.g. "theta" for "/theta".
    static func name(of object: hid_t) -> String? {
        let length = H5Iget_name(object, nil, 0)
        guard length > 0 else { return nil }
        var buffer = [CChar](repeating: 0, count: Int(length) + 1)
        H5Iget_name(object, &buffer, buffer.count)
        let path = string(from: buffer)
        return path.split(separator: "/").last.map(String.init)
    }

    /// Names of the links in a group, in creation order when tracked, else in name order.
    static func linkNames(in group: hid_t) throws -> [String] {
        var info = H5G_info_t()
        try check(H5Gget_info(group, &info), "Listing the file's variables")
        let count = Int(info.nlinks)
        func names(_ index: H5_index_t) -> [String]? {
            var result: [String] = []
            for i in 0..<count {
                let length = H5Lget_name_by_idx(group, ".", index, H5_ITER_INC, hsize_t(i), nil, 0, defaultList)
                if length < 0 { return nil }
                var buffer = [CChar](repeating: 0, count: Int(length) + 1)
                H5Lget_name_by_idx(group, ".", index, H5_ITER_INC, hsize_t(i), &buffer, buffer.count, defaultList)
                result.append(string(from: buffer))
            }
            return result
        }
        if let ordered = names(H5_INDEX_CRT_ORDER) { return ordered }
        if let byName = names(H5_INDEX_NAME) { return byName }
        throw failure("Listing the file's variables")
    }

    /// The names of the dimension scales attached to each axis of a dataset; an axis without a scale is
    /// named `phony_dim_<axis>` as netCDF does. A dimension scale itself has its own name as dimension.
    static func dimensionNames(of dataset: hid_t, rank: Int) -> [String] {
        if rank == 1, H5DSis_scale(dataset) > 0, let own = name(of: dataset) { return [own] }
        final class Box { var name: String? }
        let visitor: H5DS_iterate_t = { _, _, scale, data in
            guard let data else { return 1 }
            let box = Unmanaged<Box>.fromOpaque(data).takeUnretainedValue()
            box.name = H5.name(of: scale)
            return 1  // the first attached scale names the dimension
        }
        return (0..<rank).map { axis in
            let box = Box()
            if H5DSget_num_scales(dataset, UInt32(axis)) > 0 {
                withExtendedLifetime(box) {
                    _ = H5DSiterate_scales(dataset, UInt32(axis), nil, visitor, Unmanaged.passUnretained(box).toOpaque())
                }
            }
            return box.name ?? "phony_dim_\(axis)"
        }
    }

    /// The text of a NUL-terminated C buffer.
    static func string(from buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The HDF5 library version in use, e.g. "1.10.8".
    static var libraryVersion: String {
        _ = withoutExitCleanup
        var major: UInt32 = 0, minor: UInt32 = 0, release: UInt32 = 0
        H5get_libversion(&major, &minor, &release)
        return "\(major).\(minor).\(release)"
    }
}

extension H5 {
    /// Opens files without HDF5's advisory lock, for new files (written under a temporary name and renamed
    /// when complete, so never shared while written) and for reading. The descriptor HDF5 opens is inherited
    /// by any child process started meanwhile (a test's Python check, a user's pipeline), and the lock with
    /// it, so a file closed here could not be reopened for appending while that child lived (errno 11).
    static func unlockedFiles(_ access: hid_t) throws {
        try check(H5Pset_file_locking(access, false, true), "Turning off file locking")
    }
}

/// The HDF5 library here is built without thread safety, while tests (and any program using this module)
/// may call it from several threads at once: unserialised, a file closed on one thread could still hold its
/// lock when another thread reopened it. Every public entry point of this module holds this lock; it is
/// recursive because entry points call each other.
enum HDF5Lock {
    private static let lock = NSRecursiveLock()
    static func hold() { lock.lock() }
    static func release() { lock.unlock() }
}
