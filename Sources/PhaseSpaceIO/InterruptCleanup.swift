import Foundation

/// Removes the temporary file of an output being written if the process is interrupted (SIGINT, SIGTERM,
/// SIGHUP when the terminal goes, SIGQUIT), so no half-written file remains; the process then exits with
/// status 128 + the signal's number.
enum InterruptCleanup {
    static let signals = [SIGINT, SIGTERM, SIGHUP, SIGQUIT]

    nonisolated(unsafe) private static var temporaryPath: [CChar]?
    nonisolated(unsafe) private static var lockPath: [CChar]?

    /// Removes `path` and the lock file `lock` on a signal.
    static func protect(_ path: String, lock: String) {
        temporaryPath = path.cString(using: .utf8)
        lockPath = lock.cString(using: .utf8)
        for s in signals { install(s, handler) }
    }

    static func release() {
        temporaryPath = nil
        lockPath = nil
    }

    /// Handles `sig` unless it was ignored when the process started (as `nohup` ignores SIGHUP), and
    /// unblocks it, since a blocked mask is inherited from whatever launched the process.
    static func install(_ sig: Int32, _ handler: @convention(c) (Int32) -> Void) {
        var current = sigaction()
        sigaction(sig, nil, &current)
        if unsafeBitCast(current.__sigaction_handler.sa_handler, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self) { return }
        signal(sig, handler)
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, sig)
        sigprocmask(SIG_UNBLOCK, &set, nil)
    }

    /// Removes the protected files; safe in a signal handler.
    static func removeFiles() {
        for path in [temporaryPath, lockPath] {
            if let p = path { p.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) } }
        }
    }

    private static let handler: @convention(c) (Int32) -> Void = { sig in
        InterruptCleanup.removeFiles()
        _exit(128 + sig)
    }
}

/// How a command-line process ends on a signal.
public enum ProcessSignals {
    /// SIGINT, SIGTERM, SIGHUP and SIGQUIT end the process with status 128 + the signal (SIGQUIT would
    /// otherwise print the runtime's backtrace and go on); one ignored at start (`nohup`) stays ignored. While
    /// an `OutputFile` is written, its partial file is removed first.
    public static func endOnSignals() {
        for s in InterruptCleanup.signals { InterruptCleanup.install(s) { _exit(128 + $0) } }
    }
}
