import CFFTW
import Foundation

/// Process-wide FFTW state: the thread-safe planner, thread count, and wisdom saved between runs.
///
/// FFTW's planner is not thread-safe and Swift Testing runs tests concurrently, so planning is made safe
/// once, before the first plan.
public enum FFTWRuntime {
    private static let setup: Bool = {
        fftw_init_threads()
        fftw_make_planner_thread_safe()
        return true
    }()

    /// Call before planning; idempotent.
    public static func prepare() { _ = setup }

    public static var version: String { String(cString: _sgdfp_fftw_version()) }

    /// Threads used by plans created after this call.
    public static func setThreads(_ count: Int) {
        prepare()
        fftw_plan_with_nthreads(Int32(max(1, count)))
    }

    /// Default wisdom file: $XDG_CACHE_HOME/sgdfp/fftw-wisdom or ~/.cache/sgdfp/fftw-wisdom.
    public static var defaultWisdomPath: String {
        let env = ProcessInfo.processInfo.environment
        let base = env["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (NSHomeDirectory() as NSString).appendingPathComponent(".cache")
        return (base as NSString).appendingPathComponent("sgdfp/fftw-wisdom")
    }

    /// Loads wisdom if the file exists; returns whether anything was loaded.
    @discardableResult
    public static func importWisdom(from path: String) -> Bool {
        prepare()
        guard FileManager.default.fileExists(atPath: path) else { return false }
        return fftw_import_wisdom_from_filename(path) != 0
    }

    /// Saves accumulated wisdom, creating the directory if needed; failures are not fatal (only speed is lost).
    @discardableResult
    public static func exportWisdom(to path: String) -> Bool {
        // Through URL: NSString's deletingLastPathComponent traps on a bare file name ("x") in this Foundation.
        let dir = URL(fileURLWithPath: path).deletingLastPathComponent().path
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return fftw_export_wisdom_to_filename(path) != 0
    }
}

/// How hard FFTW searches for a fast plan.
public enum PlanningEffort: String, Sendable, CaseIterable {
    case estimate, measure, patient
    var flags: UInt32 {
        switch self {
        case .estimate: return _sgdfp_fftw_estimate()
        case .measure: return _sgdfp_fftw_measure()
        case .patient: return _sgdfp_fftw_patient()
        }
    }
}
