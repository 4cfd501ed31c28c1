import Foundation

/// Removes the temporary file of an output being written if the user interrupts the process, so no
/// half-written file remains.
enum InterruptCleanup {
    nonisolated(unsafe) private static var temporaryPath: [CChar]?

    static func protect(_ path: String) {
        temporaryPath = path.cString(using: .utf8)
        signal(SIGINT, handler)
        signal(SIGTERM, handler)
    }

    static func release() { temporaryPath = nil }

    private static let handler: @convention(c) (Int32) -> Void = { sig in
        if let p = InterruptCleanup.temporaryPath { p.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) } }
        _exit(128 + sig)
    }
}
