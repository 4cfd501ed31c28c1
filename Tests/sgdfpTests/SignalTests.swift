import Foundation
import Testing

/// A run ended by a signal leaves no partial file, says so in one error line and exits with 128 + the
/// signal's number, SIGHUP (the terminal went) and SIGQUIT included, which otherwise left a hidden partial
/// file or a backtrace.
@Suite struct SignalTests {
    @Test(arguments: [SIGINT, SIGTERM, SIGHUP, SIGQUIT])
    func aSignalEndsTheRunAndRemovesThePartialFile(_ sig: Int32) throws {
        let dir = try SGDFPBinary.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(SGDFPBinary.path))
        let p3 = SGDFPBinary.repositoryRoot.appendingPathComponent("notebooks-data/P3.toml").path
        process.arguments = ["solve", p3, "--stop", "10", "--planning", "estimate", "-o", "run.h5", "-q"]
        process.currentDirectoryURL = dir
        process.environment = ProcessInfo.processInfo.environment.merging(["XDG_CACHE_HOME": dir.appendingPathComponent(".cache").path]) { $1 }
        process.standardOutput = FileHandle.nullDevice
        let err = Pipe()
        process.standardError = err
        try process.run()
        // Wait until the run writes its partial file, then signal it.
        let deadline = Date().addingTimeInterval(30)
        while try SGDFPBinary.files(in: dir).isEmpty && Date() < deadline && process.isRunning { usleep(20_000) }
        usleep(300_000)
        #expect(process.isRunning, "the run ended before the signal")
        kill(process.processIdentifier, sig)
        process.waitUntilExit()
        #expect(process.terminationReason == .exit && process.terminationStatus == 128 + sig,
                "status \(process.terminationStatus), reason \(process.terminationReason.rawValue)")
        let name = ["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT"][[SIGINT, SIGTERM, SIGHUP, SIGQUIT].firstIndex(of: sig)!]
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(stderr.split(separator: "\n").filter { $0.hasPrefix("sgdfp: error:") }
                == ["sgdfp: error: interrupted by \(name); the unfinished output was removed, and no earlier file was replaced."], "\(stderr)")
        let left = try SGDFPBinary.files(in: dir)
        #expect(left.isEmpty, "left \(left)")
    }

    @Test("Argument errors are one sgdfp: error: line with exit status 1, and an output never replaces what the run writes beside it")
    func argumentErrorsAndOutputCollisions() throws {
        let dir = try SGDFPBinary.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        try "my notes".write(to: dir.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        let cases: [([String], String)] = [
            (["solve", "--points", "32,32"], "'32,32' is invalid for '--points"),
            (["solve", "--batch-size", "1e30"], "--batch-size"),
            (["solve", "--bogus"], "--bogus"),
            (["solve", "--momentum", "-0.5"], "equals sign: --momentum=-0.5"),
            (["solve", "--set", "sgd.learning_rate=0.1\nx"], "\"0.1\\nx\""),
            (["solve", "-o", "out.xmf"], "its own XDMF sidecar"),
            (["validate", "-o", "v.json"], "its own report"),
            (["solve", "--set", "grid.wisdom=notes.txt", "-o", "notes.txt"], "FFTW wisdom file"),
            (["solve", "--set", "grid.wisdom=notes.txt", "-o", "run.h5"], "a file FFTW did not write"),
        ]
        for (arguments, fragment) in cases {
            let r = try SGDFPBinary.run(arguments + ["-q"], in: dir)
            let lines = r.stderr.split(separator: "\n")
            #expect(r.status == 1 && lines.count == 1 && lines[0].hasPrefix("sgdfp: error:") && r.stderr.contains(fragment), "\(arguments): \(r.status) \(r.stderr)")
        }
        #expect(try SGDFPBinary.files(in: dir) == ["notes.txt"])
        #expect(try String(contentsOf: dir.appendingPathComponent("notes.txt"), encoding: .utf8) == "my notes")
        #expect(try SGDFPBinary.run(["--version"], in: dir).status == 0 && SGDFPBinary.run(["solve", "--help"], in: dir).status == 0)
    }

    @Test("On a terminal an error that ends a run clears the progress line first instead of landing on it", .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script")))
    func errorAfterProgressOnATerminal() throws {
        let dir = try SGDFPBinary.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let binary = try #require(SGDFPBinary.path)
        // script(1) gives the run a pseudo-terminal; the step limit ends it with an error after a few progress lines.
        let r = try SGDFPBinary.runShell("script -qec \"'\(binary)' solve --scheme lawson-dp54 --set time.max_steps=1500 --stop 100 --planning estimate -o run.h5\" /dev/null", in: dir)
        #expect(r.stdout.contains("steps, ") && r.stdout.contains("\r\u{1B}[Ksgdfp: error: The run stopped after 1500 steps"), "\(r.stdout.suffix(400))")
        #expect(try SGDFPBinary.files(in: dir).isEmpty)
    }
}
