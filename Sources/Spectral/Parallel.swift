import Dispatch
import Foundation

/// Splits independent work over the machine's cores.
public enum Parallel {
    /// Cores used by pointwise loops and line passes (at least 1).
    public static let defaultWorkers = max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// Calls `body(worker, range)` for `count` items split into `workers` contiguous ranges, concurrently.
    /// Each worker index is used by exactly one call, so per-worker scratch needs no locking.
    public static func forEachRange(count: Int, workers: Int = defaultWorkers, _ body: @Sendable (Int, Range<Int>) -> Void) {
        let w = max(1, min(workers, count))
        if w == 1 {
            body(0, 0..<count)
            return
        }
        DispatchQueue.concurrentPerform(iterations: w) { worker in
            let lo = count * worker / w, hi = count * (worker + 1) / w
            body(worker, lo..<hi)
        }
    }
}

/// A raw pointer that may cross into concurrent closures; callers guarantee the ranges they touch are disjoint.
public struct SharedPointer<T>: @unchecked Sendable {
    public let base: UnsafeMutablePointer<T>
    public init(_ base: UnsafeMutablePointer<T>) { self.base = base }
}
