import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One writer per output path: an advisory lock on `.<name>.lock` beside the destination, held from the
/// start of a write to its end. The kernel drops the lock when its process dies, so a killed run never
/// blocks the next one; a lock file left by a killed run is taken over.
final class OutputLock {
    let path: String
    private var descriptor: Int32

    /// The lock file of `destination`.
    static func path(for destination: String) -> String {
        let url = URL(fileURLWithPath: destination)
        return url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).lock").path
    }

    /// Takes the lock, or throws when another process holds it. A lock taken on a file that another process
    /// removed meanwhile (it finished) is taken again on the new file.
    init(destination: String) throws {
        path = Self.path(for: destination)
        while true {
            let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            guard fd >= 0 else {
                throw PhaseSpaceIOError(.notWritable, "Could not create the lock file \(path) (\(String(cString: strerror(errno)))); check the permissions of the output directory.")
            }
            if flock(fd, LOCK_EX | LOCK_NB) != 0 {
                let holder = Self.holder(fd)
                close(fd)
                throw PhaseSpaceIOError(.fileExists, "Another sgdfp process\(holder.map { " (pid \($0))" } ?? "") is writing \(destination); wait for it to finish, or choose another path with -o.")
            }
            var opened = stat(), current = stat()
            if fstat(fd, &opened) == 0, stat(path, &current) == 0, opened.st_ino == current.st_ino, opened.st_dev == current.st_dev {
                descriptor = fd
                break
            }
            close(fd)
        }
        let pid = Array("\(getpid())\n".utf8)
        ftruncate(descriptor, 0)
        _ = pid.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
    }

    /// Whether another process holds the lock of `destination` now.
    static func isHeld(for destination: String) -> Bool {
        let fd = open(path(for: destination), O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        if flock(fd, LOCK_SH | LOCK_NB) != 0 { return true }
        flock(fd, LOCK_UN)
        return false
    }

    private static func holder(_ fd: Int32) -> Int? {
        var bytes = [UInt8](repeating: 0, count: 24)
        let n = pread(fd, &bytes, bytes.count, 0)
        return n > 0 ? Int(String(decoding: bytes[0..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) : nil
    }

    /// Removes the lock file while still holding it, then lets go.
    func release() {
        guard descriptor >= 0 else { return }
        unlink(path)
        close(descriptor)
        descriptor = -1
    }

    deinit { release() }
}
