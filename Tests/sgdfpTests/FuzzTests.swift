import Foundation
import Testing

/// Mutated run files, as a user's typos and a fuzzer make them: whatever the file, `sgdfp solve` exits with
/// status 0 (and writes its file) or 1 with one `sgdfp: error:` line, never a signal, a hang or a partial
/// file left behind. 300 fixed-seed mutations run in `make test`; `make fuzz` runs more (SGDFP_FUZZ_CASES).
/// Mutated CSV data sets (`simulate --data`) and damaged HDF5 inputs (`inspect`, `analyze`, a continued
/// solve) are held to the same rule, a tenth as many of each.
@Suite struct FuzzTests {
    static let base = """
        [sgd]
        learning_rate = 0.1
        momentum = 0.9
        batch_size = 1
        [loss]
        hessian = [[1.0]]
        minimum = [0.0]
        [noise]
        model = "hessian"
        scale = 1.0
        [initial]
        kind = "gaussian"
        mean = [2.0, 0.0]
        covariance = [0.1, 1.0]
        [grid]
        points = 24
        box = "auto"
        wisdom = "none"
        [time]
        stop = 0.2
        output_every = 0.1
        scheme = "auto"
        [output]
        path = "fuzz.h5"
        """

    static let values = ["0", "-1", "1e300", "-1e300", "1e-300", "nan", "inf", "-inf", "\"\"", "\"x\"", "[]", "[1e300, 0.0]",
                         "[[1.0, 2.0], [3.0]]", "true", "9223372036854775807", "-9223372036854775808", "0.5", "[0.1, 0.1]",
                         "{ a = 1 }", "[[1e300]]", "[[0.0]]", "[[-1.0]]", "\"matrix\"", "\"mixture\"", "\"file\"", "\"lawson-rk4\"",
                         "\"adapted\"", "[2.0, 0.0, 1.0]", "2", "1e20", "[-1.0, 0.0]", "\"[{\"", "\"a\\nb\""]
    static let fragments = ["[{", "=", "[", "]", "\"", "'''", "\u{0}", "#", "[sgd]", "x = ", "[[grid]]", "\n[time]\nstop = 1e300\n"]

    /// A small deterministic generator (SplitMix64), so a failure names a reproducible case.
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    }

    static func mutate(_ text: String, seed: UInt64) -> String {
        var g = Generator(state: seed)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for _ in 0..<(1 + g.below(3)) {
            let i = g.below(lines.count)
            switch g.below(6) {
            case 0, 1, 2:
                if let eq = lines[i].firstIndex(of: "=") { lines[i] = String(lines[i][..<eq]) + "= " + values[g.below(values.count)] }
            case 3: lines.remove(at: i)
            case 4: lines.insert(lines[i], at: i)
            default:
                var l = lines[i]
                l.insert(contentsOf: fragments[g.below(fragments.count)], at: l.index(l.startIndex, offsetBy: g.below(l.count + 1)))
                lines[i] = l
            }
            if lines.isEmpty { lines = [""] }
        }
        return lines.joined(separator: "\n")
    }

    static var caseCount: Int { Int(ProcessInfo.processInfo.environment["SGDFP_FUZZ_CASES"] ?? "") ?? 300 }

    @Test func mutatedRunFilesEndCleanly() throws {
        let dir = try SGDFPBinary.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        var failures: [String] = []
        for seed in 0..<UInt64(Self.caseCount) {
            let text = Self.mutate(Self.base, seed: seed)
            let run = dir.appendingPathComponent("case.toml")
            try text.write(to: run, atomically: true, encoding: .utf8)
            let r = try SGDFPBinary.run(["solve", run.path, "-q", "--planning", "estimate", "--overwrite", "-o", "fuzz.h5"], in: dir, timeout: 30)
            let errors = r.stderr.split(separator: "\n").filter { $0.hasPrefix("sgdfp: error:") }
            let left = try SGDFPBinary.files(in: dir).filter { $0.contains("partial") || ($0.hasPrefix(".") && $0 != ".cache") }
            let fine = r.timedOut == false && ((r.status == 0 && FileManager.default.fileExists(atPath: dir.appendingPathComponent("fuzz.h5").path))
                || (r.status == 1 && errors.count == 1)) && left.isEmpty
            if !fine {
                failures.append("seed \(seed): status \(r.status)\(r.timedOut ? " (timed out)" : ""), \(errors.count) error lines, left \(left): \(r.stderr.prefix(300))\n\(text)")
            }
            try? FileManager.default.removeItem(at: dir.appendingPathComponent("fuzz.h5"))
            try? FileManager.default.removeItem(at: dir.appendingPathComponent("fuzz.xmf"))
        }
        #expect(failures.isEmpty, "\(failures.count) of \(Self.caseCount) mutated run files did not end cleanly:\n\(failures.prefix(5).joined(separator: "\n---\n"))")
    }

    /// Runs `arguments` in `dir` and returns a failure line unless it ended cleanly: status 0 with `output`
    /// written (when one is named), or status 1 with one error line; never a timeout or a file left over.
    static func check(_ arguments: [String], output: String?, in dir: URL, keep: Set<String>) throws -> String? {
        // Longer than the reader's own limit on one call into HDF5 (DamagedFileGuard.longestCall, 60 s).
        let r = try SGDFPBinary.run(arguments, in: dir, timeout: 90)
        let errors = r.stderr.split(separator: "\n").filter { $0.hasPrefix("sgdfp: error:") }
        let left = try SGDFPBinary.files(in: dir).filter { !keep.contains($0) && $0 != output && $0 != output.map { ($0 as NSString).deletingPathExtension + ".xmf" } }
        let wrote = output.map { FileManager.default.fileExists(atPath: dir.appendingPathComponent($0).path) } ?? true
        for name in try SGDFPBinary.files(in: dir) where !keep.contains(name) { try? FileManager.default.removeItem(at: dir.appendingPathComponent(name)) }
        if !r.timedOut && left.isEmpty && ((r.status == 0 && wrote) || (r.status == 1 && errors.count == 1)) { return nil }
        return "\(arguments.prefix(2).joined(separator: " ")): status \(r.status)\(r.timedOut ? " (timed out)" : ""), \(errors.count) error lines, left \(left): \(r.stderr.prefix(300))"
    }

    /// A read that never returns (a FIFO nobody opens for writing, as a stalled file system) ends after the
    /// reader's limit in one error line naming the file, even when the parent hands SIGALRM and SIGSEGV down
    /// blocked, as some test runners and job launchers do.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["SGDFP_PYTHON"] != nil, "set SGDFP_PYTHON (make test does)"))
    func aStalledReadEndsInOneLineWithItsSignalsBlocked() throws {
        let dir = try SGDFPBinary.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        try #require(mkfifo(dir.appendingPathComponent("stalled.h5").path, 0o600) == 0)
        let binary = try #require(SGDFPBinary.path)
        let blocked = "import os, signal, sys; signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGALRM, signal.SIGSEGV]); os.execv(sys.argv[1], sys.argv[1:])"
        let started = Date()
        let r = try SGDFPBinary.runShell("\"$SGDFP_PYTHON\" -c '\(blocked)' '\(binary)' inspect stalled.h5", in: dir)
        let seconds = Date().timeIntervalSince(started)
        #expect(r.status == 1)
        #expect(r.stderr.split(separator: "\n").filter { $0.hasPrefix("sgdfp: error:") }.count == 1, "\(r.stderr)")
        #expect(r.stderr.contains("stalled.h5") && r.stderr.contains("more than 60 s"), "\(r.stderr)")
        #expect(seconds >= 60 && seconds < 120, "ended after \(seconds) s")
    }

    /// Copies a failing input where it outlives the test's scratch directory, so the case can be rerun by hand.
    static func keepFailing(_ file: URL, as name: String) throws -> String {
        let kept = FileManager.default.temporaryDirectory.appendingPathComponent("sgdfp-fuzz-failures")
        try FileManager.default.createDirectory(at: kept, withIntermediateDirectories: true)
        let target = kept.appendingPathComponent(name)
        try? FileManager.default.removeItem(at: target)
        try FileManager.default.copyItem(at: file, to: target)
        return target.path
    }

    @Test func mutatedDataFilesAndDamagedHDF5EndCleanly() throws {
        let dir = try SGDFPBinary.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let cases = max(30, Self.caseCount / 10)
        var failures: [String] = []
        // CSV: a two-feature regression set, cells replaced, rows dropped or doubled, fragments inserted.
        let rows = (0..<24).map { i in "\(Double(i % 5) * 0.3 - 0.6),\(Double(i % 7) * 0.2 - 0.5),\(Double(i) * 0.1)" }
        let csv = (["x1,x2,y"] + rows).joined(separator: "\n")
        let cells = ["nan", "inf", "1e300", "-1e308", "", "x", "1,2", "0x10", "1e-320", "\"3\"", ";", "1 2"]
        for seed in 0..<UInt64(cases) {
            var g = Generator(state: seed &+ 1_000_003)
            var lines = csv.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            for _ in 0..<(1 + g.below(3)) {
                let i = g.below(lines.count)
                switch g.below(4) {
                case 0, 1:
                    var fields = lines[i].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                    fields[g.below(fields.count)] = cells[g.below(cells.count)]
                    lines[i] = fields.joined(separator: ",")
                case 2: lines.remove(at: i)
                default: lines.insert(lines[i] + (g.below(2) == 0 ? ",7" : ""), at: i)
                }
                if lines.isEmpty { lines = [""] }
            }
            try lines.joined(separator: "\n").write(to: dir.appendingPathComponent("data.csv"), atomically: true, encoding: .utf8)
            let p = dir.appendingPathComponent("data.csv").path
            if let f = try Self.check(["simulate", "--data", p, "--chains", "2", "--steps", "200", "--burn-in", "10", "-o", "sim.h5", "-q"], output: "sim.h5", in: dir, keep: ["data.csv"]) {
                failures.append("csv seed \(seed): \(f)\n\(lines.joined(separator: "\n"))")
            }
        }
        try FileManager.default.removeItem(at: dir.appendingPathComponent("data.csv"))
        // HDF5: a small solve output, truncated or with bytes overwritten.
        let made = try SGDFPBinary.run(["solve", "--points", "64", "--stop", "0.2", "--output-every", "0.1", "--planning", "estimate", "-o", "good.h5", "--no-xdmf", "-q"], in: dir)
        try #require(made.status == 0, "\(made.stderr)")
        let good = try Data(contentsOf: dir.appendingPathComponent("good.h5"))
        for seed in 0..<UInt64(cases) {
            var g = Generator(state: seed &+ 2_000_003)
            var bytes = [UInt8](good)
            if g.below(3) == 0 {
                bytes.removeLast(1 + g.below(bytes.count - 1))
            } else {
                for _ in 0..<(1 + g.below(16)) { bytes[g.below(bytes.count)] = UInt8(truncatingIfNeeded: g.next()) }
            }
            try Data(bytes).write(to: dir.appendingPathComponent("in.h5"))
            let keep: Set<String> = ["good.h5", "in.h5"]
            let runs: [([String], String?)] = [(["inspect", "in.h5"], nil), (["analyze", "in.h5", "-o", "an.h5", "-q"], "an.h5"),
                                                (["solve", "--set", "initial.kind=file", "--set", "initial.file=in.h5", "--stop", "0.4", "-o", "next.h5", "-q"], "next.h5")]
            for (arguments, output) in runs {
                if let f = try Self.check(arguments, output: output, in: dir, keep: keep) {
                    failures.append("hdf5 seed \(seed): \(f); input kept as \(try Self.keepFailing(dir.appendingPathComponent("in.h5"), as: "hdf5-seed-\(seed).h5"))")
                }
            }
        }
        #expect(failures.isEmpty, "\(failures.count) damaged inputs did not end cleanly:\n\(failures.prefix(5).joined(separator: "\n---\n"))")
    }
}
