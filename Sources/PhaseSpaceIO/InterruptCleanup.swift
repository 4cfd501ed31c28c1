import Foundation

/// Removes the temporary file of an output being written if the process is interrupted (SIGINT, SIGTERM,
/// SIGHUP when the terminal goes, SIGQUIT), so no half-written file remains; the process then exits with
/// status 128 + the signal's number.
enum InterruptCleanup {
    static let signals = [SIGINT, SIGTERM, SIGHUP, SIGQUIT]

    // C strings from strdup: a handler may run on a heap a damaged input has corrupted, so it reads them
    // without allocating, retaining or releasing anything.
    nonisolated(unsafe) private static var temporaryPath: UnsafeMutablePointer<CChar>?
    nonisolated(unsafe) private static var lockPath: UnsafeMutablePointer<CChar>?

    /// Removes `path` and the lock file `lock` on a signal.
    static func protect(_ path: String, lock: String) {
        release()
        temporaryPath = strdup(path)
        lockPath = strdup(lock)
        for s in signals { install(s, handler) }
    }

    static func release() {
        let (t, l) = (temporaryPath, lockPath)
        (temporaryPath, lockPath) = (nil, nil)
        free(t)
        free(l)
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

    /// Removes the protected files; safe in a signal handler (no allocation).
    static func removeFiles() {
        if let p = temporaryPath { unlink(p) }
        if let p = lockPath { unlink(p) }
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
