import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The HDF5 library trusts the structures it reads: a damaged file (a flipped byte in a heap or a B-tree) can
/// make it dereference garbage or go round in circles. While sgdfp reads a file it did not just write, a crash,
/// or one call into the library that lasts `longestCall` seconds, is reported as what it is, a damaged input,
/// in one error line with status 1, and the partial output is removed as on a signal.
enum DamagedFileGuard {
    /// Far beyond any read of an intact file here (a 64⁴ density record takes about a second).
    static let longestCall = 60
    nonisolated(unsafe) private static var message: [CChar] = []
    nonisolated(unsafe) private static var stalled: [CChar] = []
    nonisolated(unsafe) private static var depth = 0
    nonisolated(unsafe) private static var savedSegv = sigaction()
    nonisolated(unsafe) private static var savedBus = sigaction()

    /// Holds the HDF5 lock and guards the reading of `path` until the matching `leave`; calls nest.
    static func enter(reading path: String) {
        HDF5Lock.hold()
        depth += 1
        guard depth == 1 else { return }
        let text = "sgdfp: error: The file \(path) is damaged: the HDF5 library failed while reading it; restore it from a copy or make it again.\n"
        message = text.cString(using: .utf8) ?? []
        stalled = "sgdfp: error: The file \(path) is damaged, or its file system stalled: one read of it took the HDF5 library more than \(longestCall) s; restore it from a copy or make it again.\n".cString(using: .utf8) ?? []
        var action = sigaction()
        action.__sigaction_handler.sa_handler = handler
        sigemptyset(&action.sa_mask)
        sigaction(SIGSEGV, &action, &savedSegv)
        sigaction(SIGBUS, &action, &savedBus)
        signal(SIGALRM, stallHandler)
        // A parent may hand down these signals blocked; blocked, a stall would never end and a crash would bypass the handler.
        var guarded = sigset_t()
        sigemptyset(&guarded)
        for sig in [SIGSEGV, SIGBUS, SIGALRM] { sigaddset(&guarded, sig) }
        pthread_sigmask(SIG_UNBLOCK, &guarded, nil)
        alarm(UInt32(longestCall))
    }

    static func leave() {
        depth -= 1
        if depth == 0 {
            alarm(0)
            sigaction(SIGSEGV, &savedSegv, nil)
            sigaction(SIGBUS, &savedBus, nil)
        }
        HDF5Lock.release()
    }

    private static let handler: @convention(c) (Int32) -> Void = { _ in DamagedFileGuard.fail(DamagedFileGuard.message) }
    private static let stallHandler: @convention(c) (Int32) -> Void = { _ in DamagedFileGuard.fail(DamagedFileGuard.stalled) }

    /// Writes `line`, removes the partial output and its lock, and exits; safe in a signal handler.
    private static func fail(_ line: [CChar]) -> Never {
        line.withUnsafeBufferPointer { p in
            if let base = p.baseAddress, p.count > 1 { _ = write(2, base, p.count - 1) }
        }
        InterruptCleanup.removeFiles()
        _exit(1)
    }
}
