import Foundation
import Studies

/// Progress with an estimate of the time left, on standard error. On a terminal it rewrites one line;
/// otherwise (logs, CI) it prints a line at most every ten seconds.
final class TerminalProgress {
    private let interactive = isatty(2) != 0
    private var lastLine = -Double.infinity
    private var wrote = false
    /// The latest state a log has not shown, printed when the stage ends: a log ends on the final state.
    private var unprinted: String?

    /// The handler to give a study, or nil when quiet.
    static func handler(quiet: Bool) -> ProgressHandler? {
        guard !quiet else { return nil }
        let progress = TerminalProgress()
        return { progress.report($0) }
    }

    func report(_ event: ProgressEvent) {
        let elapsed: Double, text: String, left: Double?
        switch event {
        case let .marching(p):
            (elapsed, left, text) = (p.elapsed, p.remaining, String(format: "t = %.4g / %.4g (%3.0f%%), %ld steps, %@ elapsed", p.time, p.stopTime,
                                                                   100 * (p.time - p.startTime) / (p.stopTime - p.startTime), p.steps, Self.duration(p.elapsed)))
        case let .stationarySolve(p):
            (elapsed, left, text) = (p.elapsed, p.remaining, String(format: "stationary solve: %ld propagator applications, residual %.2e (target %.0e), %@ elapsed",
                                                                   p.applications, p.residual, p.tolerance, Self.duration(p.elapsed)))
        case .finished:
            if interactive && wrote { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            if !interactive, let unprinted { writeError(unprinted) }
            unprinted = nil
            return
        }
        unprinted = text
        if !interactive && elapsed - lastLine < 10 { return }
        (lastLine, unprinted) = (elapsed, nil)
        let line = text + (left.map { ", ≈ \(Self.duration($0)) left" } ?? "")
        if interactive { FileHandle.standardError.write(Data(("\r\u{1B}[K" + line).utf8)) } else { writeError(line) }
        wrote = true
    }

    static func duration(_ s: Double) -> String {
        if !(s < 1e7) { return "more than 100 days" }
        if s < 60 { return String(format: "%.1f s", s) }
        if s < 3600 { return String(format: "%ld min %02ld s", Int(s) / 60, Int(s) % 60) }
        return String(format: "%ld h %02ld min", Int(s) / 3600, (Int(s) % 3600) / 60)
    }
}
