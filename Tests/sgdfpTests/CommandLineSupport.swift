import Foundation
import Testing

/// Runs the built `sgdfp` binary (SGDFP_BINARY, else .build/release or .build/debug of this checkout).
enum SGDFPBinary {
    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    static var path: String? {
        if let p = ProcessInfo.processInfo.environment["SGDFP_BINARY"], FileManager.default.isExecutableFile(atPath: p) { return p }
        for config in ["release", "debug"] {
            let p = repositoryRoot.appendingPathComponent(".build/\(config)/sgdfp").path
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return nil
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        /// True when the run was killed for taking longer than the caller's timeout.
        var timedOut = false
    }

    static func run(_ arguments: [String], in directory: URL, timeout: Double? = nil) throws -> Result {
        try run(URL(fileURLWithPath: try #require(path, "build the tool first: swift build -c release --product sgdfp")), arguments, in: directory, timeout: timeout)
    }

    /// Runs a /bin/sh command line (to set limits before sgdfp starts) in `directory`.
    static func runShell(_ command: String, in directory: URL) throws -> Result {
        try run(URL(fileURLWithPath: "/bin/sh"), ["-c", command], in: directory, timeout: nil)
    }

    private static func run(_ executable: URL, _ arguments: [String], in directory: URL, timeout: Double?) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var env = ProcessInfo.processInfo.environment
        env["XDG_CACHE_HOME"] = directory.appendingPathComponent(".cache").path
        // A crash is reported by its status; the runtime's backtracer would hold the pipes open after the
        // process died (once for 24 minutes, on a heap the crash had corrupted) and hang the read below.
        env["SWIFT_BACKTRACE"] = "enable=no"
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let killed = LockedFlag()
        if let timeout {
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout) {
                if process.isRunning { killed.set(); process.terminate() }
            }
        }
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self),
                      timedOut: killed.value)
    }

    /// Starts sgdfp in `directory` without waiting for it, its output discarded.
    static func start(_ arguments: [String], in directory: URL) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(path, "build the tool first: swift build -c release --product sgdfp"))
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.environment = ProcessInfo.processInfo.environment.merging(["XDG_CACHE_HOME": directory.appendingPathComponent(".cache").path]) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Runs SGDFP_PYTHON (the test environment's interpreter) with `arguments`; returns its exit status and stderr.
    static func python(_ arguments: [String]) throws -> (status: Int32, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(ProcessInfo.processInfo.environment["SGDFP_PYTHON"], "set SGDFP_PYTHON"))
        process.arguments = arguments
        let err = Pipe()
        process.standardError = err
        try process.run()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, message)
    }

    /// A fresh scratch directory.
    static func scratch() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sgdfp-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Visible and hidden files in `directory`, except the wisdom cache.
    static func files(in directory: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0 != ".cache" }.sorted()
    }
}

/// A flag set from another thread.
final class LockedFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var flag = false
    func set() { lock.lock(); flag = true; lock.unlock() }
    var value: Bool { lock.lock(); defer { lock.unlock() }; return flag }
}
