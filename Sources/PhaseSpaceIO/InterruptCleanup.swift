import Foundation

/// Removes the temporary file of an output being written if the process is interrupted (SIGINT, SIGTERM,
/// SIGHUP when the terminal goes, SIGQUIT), so no half-written file remains; the process then says so in
/// one error line and exits with status 128 + the signal's number.
enum InterruptCleanup {
    static let signals = [SIGINT, SIGTERM, SIGHUP, SIGQUIT]
    static let signalNames = ["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT"]
    /// Per signal, the line with and without an unfinished output, made before any signal arrives.
    nonisolated(unsafe) private static var lines: [(removed: UnsafeMutablePointer<CChar>, plain: UnsafeMutablePointer<CChar>)] = []

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
        if lines.isEmpty {
            // On a terminal the line replaces the progress line it would otherwise land on.
            let clear = isatty(2) != 0 ? "\r\u{1B}[K" : ""
            lines = signalNames.map { name in
                (strdup("\(clear)sgdfp: error: interrupted by \(name); the unfinished output was removed, and no earlier file was replaced.\n")!,
                 strdup("\(clear)sgdfp: error: interrupted by \(name).\n")!)
            }
        }
        var current = sigaction()
        sigaction(sig, nil, &current)
        if unsafeBitCast(current.__sigaction_handler.sa_handler, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self) { return }
        signal(sig, handler)
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, sig)
        sigprocmask(SIG_UNBLOCK, &set, nil)
    }

    /// Writes the line of `sig`; safe in a signal handler (no allocation).
    static func announce(_ sig: Int32) {
        guard let i = signals.firstIndex(of: sig), i < lines.count else { return }
        let line = temporaryPath == nil ? lines[i].plain : lines[i].removed
        _ = write(2, line, strlen(line))
    }

    /// Removes the protected files; safe in a signal handler (no allocation).
    static func removeFiles() {
        if let p = temporaryPath { unlink(p) }
        if let p = lockPath { unlink(p) }
    }

    private static let handler: @convention(c) (Int32) -> Void = { sig in
        InterruptCleanup.removeFiles()
        InterruptCleanup.announce(sig)
        _exit(128 + sig)
    }
}

/// How a command-line process ends on a signal.
public enum ProcessSignals {
    /// SIGINT, SIGTERM, SIGHUP and SIGQUIT end the process with one error line and status 128 + the signal
    /// (SIGQUIT would otherwise print the runtime's backtrace and go on); one ignored at start (`nohup`) stays
    /// ignored. While an `OutputFile` is written, its partial file is removed first.
    public static func endOnSignals() {
        for s in InterruptCleanup.signals { InterruptCleanup.install(s) { InterruptCleanup.announce($0); _exit(128 + $0) } }
    }
}
