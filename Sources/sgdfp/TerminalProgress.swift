import Foundation
import Studies

/// Progress with an estimate of the time left, on standard error. On a terminal it rewrites one line;
/// otherwise (logs, CI) it prints a line at most every ten seconds.
final class TerminalProgress {
    private let interactive = isatty(2) != 0
    private var lastLine = -Double.infinity
    private var wrote = false

    /// The handler to give a study, or nil when quiet.
    static func handler(quiet: Bool) -> ProgressHandler? {
        guard !quiet else { return nil }
        let progress = TerminalProgress()
        return { progress.report($0) }
    }

    func report(_ event: ProgressEvent) {
        let elapsed: Double, text: String
        switch event {
        case let .marching(p):
            let fraction = (p.time - p.startTime) / (p.stopTime - p.startTime)
            let left = p.remaining.map { "≈ \(Self.duration($0)) left" } ?? ""
            (elapsed, text) = (p.elapsed, String(format: "t = %.4g / %.4g (%3.0f%%), %ld steps, %@ elapsed, %@",
                                                 p.time, p.stopTime, 100 * fraction, p.steps, Self.duration(p.elapsed), left))
        case let .stationarySolve(p):
            let left = p.remaining.map { ", ≈ \(Self.duration($0)) left" } ?? ""
            (elapsed, text) = (p.elapsed, String(format: "stationary solve: %ld propagator applications, residual %.2e (target %.0e), %@ elapsed%@",
                                                 p.applications, p.residual, p.tolerance, Self.duration(p.elapsed), left))
        case .finished:
            if interactive && wrote { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            return
        }
        if !interactive && elapsed - lastLine < 10 { return }
        lastLine = elapsed
        if interactive {
            FileHandle.standardError.write(Data(("\r\u{1B}[K" + text).utf8))
            wrote = true
        } else {
            writeError(text)
        }
    }

    static func duration(_ s: Double) -> String {
        if !(s < 1e7) { return "more than 100 days" }
        if s < 60 { return String(format: "%.1f s", s) }
        if s < 3600 { return String(format: "%ld min %02ld s", Int(s) / 60, Int(s) % 60) }
        return String(format: "%ld h %02ld min", Int(s) / 3600, (Int(s) % 3600) / 60)
    }
}
