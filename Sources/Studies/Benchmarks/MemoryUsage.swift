import Foundation
import CMemory

/// Resident memory of this process from /proc (Linux): the current size and the high-water mark, which
/// can be reset so that each benchmark case reports its own peak.
enum MemoryUsage {
    /// VmRSS and VmHWM in bytes, or nil where /proc is not available.
    static func resident() -> (current: Double, peak: Double)? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        func field(_ name: String) -> Double? {
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(name + ":") }) else { return nil }
            let kib = line.split(separator: " ").compactMap { Double($0) }.first
            return kib.map { $0 * 1024 }
        }
        guard let rss = field("VmRSS"), let hwm = field("VmHWM") else { return nil }
        return (rss, hwm)
    }

    /// Serves every allocation above 1 MiB by its own mapping, returned to the system when freed; glibc
    /// would otherwise raise that threshold after the first large free and keep freed fields resident.
    static func returnLargeBlocksToTheSystem() {
        _ = _sgdfp_set_mmap_threshold(1 << 20)
    }

    /// Sets the high-water mark back to the current size (writes 5 to /proc/self/clear_refs).
    static func resetPeak() {
        try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
    }
}
