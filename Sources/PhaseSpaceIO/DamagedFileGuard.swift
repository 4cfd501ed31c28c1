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
/// The C struct, named apart from the function of the same name.
typealias SignalAction = sigaction

enum DamagedFileGuard {
    /// Far beyond any read of an intact file here (a 64⁴ density record takes about a second).
    static let longestCall = 60
    // C strings from strdup, written by the handlers without allocating: the crash they report may have
    // corrupted the heap (glibc then aborts in the next malloc).
    nonisolated(unsafe) private static var message: UnsafeMutablePointer<CChar>?
    nonisolated(unsafe) private static var stalled: UnsafeMutablePointer<CChar>?
    /// A damaged heap or a bad value inside the library ends in one of these.
    static let crashSignals = [SIGSEGV, SIGBUS, SIGABRT, SIGFPE]
    nonisolated(unsafe) private static var depth = 0
    nonisolated(unsafe) private static var saved: [SignalAction] = crashSignals.map { _ in SignalAction() }

    /// Holds the HDF5 lock and guards the reading of `path` until the matching `leave`; calls nest.
    static func enter(reading path: String) {
        HDF5Lock.hold()
        depth += 1
        guard depth == 1 else { return }
        free(message)
        free(stalled)
        message = strdup("sgdfp: error: The file \(path) is damaged: the HDF5 library failed while reading it; restore it from a copy or make it again.\n")
        stalled = strdup("sgdfp: error: The file \(path) is damaged, or its file system stalled: one read of it took the HDF5 library more than \(longestCall) s; restore it from a copy or make it again.\n")
        var action = sigaction()
        action.__sigaction_handler.sa_handler = handler
        sigemptyset(&action.sa_mask)
        for (i, sig) in crashSignals.enumerated() { sigaction(sig, &action, &saved[i]) }
        signal(SIGALRM, stallHandler)
        // A parent may hand down these signals blocked; blocked, a stall would never end and a crash would bypass the handler.
        var guarded = sigset_t()
        sigemptyset(&guarded)
        for sig in crashSignals + [SIGALRM] { sigaddset(&guarded, sig) }
        pthread_sigmask(SIG_UNBLOCK, &guarded, nil)
        alarm(UInt32(longestCall))
    }

    static func leave() {
        depth -= 1
        if depth == 0 {
            alarm(0)
            for (i, sig) in crashSignals.enumerated() { sigaction(sig, &saved[i], nil) }
        }
        HDF5Lock.release()
    }

    private static let handler: @convention(c) (Int32) -> Void = { _ in DamagedFileGuard.fail(DamagedFileGuard.message) }
    private static let stallHandler: @convention(c) (Int32) -> Void = { _ in DamagedFileGuard.fail(DamagedFileGuard.stalled) }

    /// Writes `line`, removes the partial output and its lock, and exits; safe in a signal handler.
    private static func fail(_ line: UnsafeMutablePointer<CChar>?) -> Never {
        if let line { _ = write(2, line, strlen(line)) }
        InterruptCleanup.removeFiles()
        _exit(1)
    }
}
