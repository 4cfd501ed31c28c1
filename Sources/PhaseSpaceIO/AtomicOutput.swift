import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a file under a hidden temporary name in the destination's directory and renames it over the
/// destination only when complete, so that an interrupted run never leaves a half-written file behind,
/// and an existing file is never replaced unless asked.
///
/// ```swift
/// let output = try AtomicOutput(destination: "run.h5", overwrite: false)
/// do { write(to: output.temporaryPath); try output.commit() } catch { output.abandon(); throw error }
/// ```
public struct AtomicOutput: Sendable {
    /// Where the finished file goes.
    public let destination: String
    /// Whether `commit` may replace an existing destination.
    public let overwrite: Bool
    /// The file to write to: same directory as the destination (so the rename is atomic), hidden name
    /// `.<name>.partial-<pid>`.
    public let temporaryPath: String

    /// Checks that the destination can be written; throws if it exists and `overwrite` is false, or if
    /// its directory does not exist or is not writable. Removes a stale temporary file of the same name.
    public init(destination: String, overwrite: Bool) throws {
        self.destination = destination
        self.overwrite = overwrite
        let url = URL(fileURLWithPath: destination)
        let directory = url.deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: destination, isDirectory: &isDirectory) {
            if isDirectory.boolValue {
                throw PhaseSpaceIOError(.invalidArgument, "Output path \(destination) is a directory; choose a file path with -o.")
            }
            if !overwrite {
                throw PhaseSpaceIOError(.fileExists, "Output file \(destination) already exists; pass --overwrite or choose another path with -o.")
            }
        }
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw PhaseSpaceIOError(.notFound, "Output directory \(directory) does not exist; create it or choose another path with -o.")
        }
        guard access(directory, W_OK | X_OK) == 0 else {
            throw PhaseSpaceIOError(.notWritable, "Output directory \(directory) is not writable; choose another path with -o.")
        }
        temporaryPath = Self.partialPrefix(of: destination) + "\(getpid())"
        // A leftover of an earlier process with the same id would make the exclusive create fail.
        unlink(temporaryPath)
    }

    /// The temporary name of `destination` without the process id: `<directory>/.<name>.partial-`.
    static func partialPrefix(of destination: String) -> String {
        let url = URL(fileURLWithPath: destination)
        return url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).partial-").path
    }

    /// The temporary files of `destination` that other processes left, oldest first.
    static func partials(of destination: String) -> [String] {
        let prefix = partialPrefix(of: destination)
        let directory = URL(fileURLWithPath: prefix).deletingLastPathComponent().path
        let name = URL(fileURLWithPath: prefix).lastPathComponent
        let own = prefix + "\(getpid())"
        let found = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasPrefix(name) && Int($0.dropFirst(name.count)) != nil }
            .map { directory + "/" + $0 }.filter { $0 != own }
        func modified(_ p: String) -> Date { ((try? FileManager.default.attributesOfItem(atPath: p))?[.modificationDate] as? Date) ?? .distantPast }
        return found.sorted { modified($0) < modified($1) }
    }

    /// Moves the finished temporary file to the destination. Without `overwrite` it refuses to replace a
    /// file that appeared at the destination in the meantime.
    public func commit() throws {
        guard FileManager.default.fileExists(atPath: temporaryPath) else {
            throw PhaseSpaceIOError(.notFound, "Temporary file \(temporaryPath) does not exist; write the output to temporaryPath before commit.")
        }
        // Data on disk before the name points at it, so a crash cannot leave an empty destination.
        let descriptor = open(temporaryPath, O_RDONLY)
        if descriptor >= 0 {
            fsync(descriptor)
            close(descriptor)
        }
        if overwrite {
            guard rename(temporaryPath, destination) == 0 else {
                throw PhaseSpaceIOError(.notWritable, "Could not move \(temporaryPath) to \(destination) (\(String(cString: strerror(errno)))); check the permissions of the output directory.")
            }
            return
        }
        // link() fails if the destination exists, which rename() would silently replace.
        if link(temporaryPath, destination) == 0 {
            unlink(temporaryPath)
            return
        }
        let linkError = errno
        if linkError == EEXIST {
            throw PhaseSpaceIOError(.fileExists, "Output file \(destination) already exists; pass --overwrite or choose another path with -o.")
        }
        // Some file systems have no hard links: check, then rename.
        guard !FileManager.default.fileExists(atPath: destination) else {
            throw PhaseSpaceIOError(.fileExists, "Output file \(destination) already exists; pass --overwrite or choose another path with -o.")
        }
        guard rename(temporaryPath, destination) == 0 else {
            throw PhaseSpaceIOError(.notWritable, "Could not move \(temporaryPath) to \(destination) (\(String(cString: strerror(errno)))); check the permissions of the output directory.")
        }
    }

    /// Removes the temporary file, if any; the destination is left untouched.
    public func abandon() {
        unlink(temporaryPath)
    }
}
