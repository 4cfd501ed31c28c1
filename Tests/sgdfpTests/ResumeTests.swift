import Foundation
import PhaseSpaceIO
import Testing

/// A run killed with SIGKILL leaves its partial file with every completed frame; `--resume` continues it to
/// the file an uninterrupted run writes. Two runs on one output path: the second is refused at once.
@Suite struct ResumeTests {
    /// Every float variable of `a` and `b`, record by record: the largest difference relative to the largest
    /// value of the variable (absolute for the round-off diagnostics, whose scale is the unit mass).
    static func largestDifference(_ a: String, _ b: String) throws -> (name: String, relative: Double) {
        let x = try NetCDFReader(path: a), y = try NetCDFReader(path: b)
        defer { x.close(); y.close() }
        #expect(x.variableNames == y.variableNames)
        var worst = ("", 0.0)
        for name in x.variableNames {
            let u = try x.read(name), w = try y.read(name)
            #expect(u.count == w.count, "\(name): \(u.count) against \(w.count) values")
            let diagnostic = [RunVariable.minDensity, RunVariable.negativeMass, RunVariable.relativeL1Error].contains(name)
            let scale = diagnostic ? 1 : max(u.map { abs($0) }.filter(\.isFinite).max() ?? 0, 1e-300)
            let d = zip(u, w).map { $0 == $1 || ($0.isNaN && $1.isNaN) ? 0 : abs($0 - $1) / scale }.max() ?? 0
            if d > worst.1 { worst = (name, d) }
        }
        return worst
    }

    /// Solves `arguments` uninterrupted, then again killed once its partial file holds `frames` frames, and
    /// resumed; the two files must agree to 1e-13 (round-off of a state read back from the file).
    func killResumeAndCompare(_ arguments: [String], frames: Int) throws {
        let dir = try SGDFPBinary.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let whole = try SGDFPBinary.run(arguments + ["-o", "whole.h5"], in: dir)
        try #require(whole.status == 0, "\(whole.stderr)")
        let run = try SGDFPBinary.start(arguments + ["-o", "run.h5"], in: dir)
        let partial = dir.appendingPathComponent(".run.h5.partial-\(run.processIdentifier)").path
        let deadline = Date().addingTimeInterval(120)
        while run.isRunning, Date() < deadline, ((try? PartialRun(path: partial))?.times.count ?? 0) < frames { usleep(50_000) }
        try #require(run.isRunning, "the run ended before it was killed")
        kill(run.processIdentifier, SIGKILL)
        run.waitUntilExit()
        let left = try PartialRun(path: partial)
        #expect(left.times.count >= frames)
        let resumed = try SGDFPBinary.run(arguments + ["-o", "run.h5", "--resume"], in: dir)
        try #require(resumed.status == 0, "\(resumed.stderr)")
        let worst = try Self.largestDifference(dir.appendingPathComponent("whole.h5").path, dir.appendingPathComponent("run.h5").path)
        #expect(worst.relative <= 1e-13, "\(worst.name) differs by \(worst.relative)")
        #expect(try SGDFPBinary.files(in: dir) == ["run.h5", "run.xmf", "whole.h5", "whole.xmf"])
        let history = try NetCDFReader(path: dir.appendingPathComponent("run.h5").path)
        defer { history.close() }
        #expect(try history.attribute("history")?.text?.contains("(resumed after the frame at t = ") == true)
    }

    @Test("A 4-D solve in the adapted frame, killed and resumed, equals the uninterrupted one")
    func adaptedFrameIn4D() throws {
        let p3 = SGDFPBinary.repositoryRoot.appendingPathComponent("notebooks-data/P3.toml").path
        try killResumeAndCompare(["solve", p3, "--set", "grid.frame=adapted", "--set", "initial.mean=[2,1,0,0]", "--set", "initial.covariance=[0.0025,0.0025,0.0025,0.0025]",
                                  "--points", "16", "--set", "output.full_density=false", "--stop", "3", "--planning", "estimate", "-q"], frames: 2)
    }

    @Test("A loss-hessian solve (adaptive exact-strang), killed and resumed, equals the uninterrupted one")
    func lossHessian() throws {
        let m1 = SGDFPBinary.repositoryRoot.appendingPathComponent("notebooks-data/M1.toml").path
        try killResumeAndCompare(["solve", m1, "--points", "64", "--stop", "0.5", "--output-every", "0.125", "--planning", "estimate", "-q"], frames: 2)
    }

    @Test("P3 continued from its own t = 1 frame is accepted (the edge tolerance of the run that wrote it) and lands where one run lands; another model is refused unless asked for")
    func continueP3FromItsOwnFrame() throws {
        let dir = try SGDFPBinary.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let p3 = SGDFPBinary.repositoryRoot.appendingPathComponent("notebooks-data/P3.toml").path
        let common = ["solve", p3, "--planning", "estimate", "--no-xdmf", "-q"]
        try #require(try SGDFPBinary.run(common + ["--stop", "1", "-o", "first.h5"], in: dir).status == 0)
        try #require(try SGDFPBinary.run(common + ["--stop", "2", "-o", "whole.h5"], in: dir).status == 0)
        let continued = try SGDFPBinary.run(common + ["--set", "initial.kind=file", "--set", "initial.file=first.h5", "--stop", "2", "-o", "next.h5"], in: dir)
        try #require(continued.status == 0, "\(continued.stderr)")
        let whole = try NetCDFReader(path: dir.appendingPathComponent("whole.h5").path), next = try NetCDFReader(path: dir.appendingPathComponent("next.h5").path)
        defer { whole.close(); next.close() }
        let times = try whole.read(RunVariable.time)
        #expect(try next.read(RunVariable.time) == Array(times.suffix(3)))
        for name in [RunVariable.density, RunVariable.marginal("theta1_v1"), RunVariable.mean, RunVariable.covariance] {
            for (k, index) in (times.count - 3..<times.count).enumerated() {
                let a = try whole.readRecord(name, index: index), b = try next.readRecord(name, index: k)
                let scale = a.map { abs($0) }.max()!
                let d = zip(a, b).map { abs($0 - $1) }.max()! / scale
                #expect(d <= 1e-12, "\(name) at t = \(times[index]) differs by \(d)")
            }
        }
        let other = try SGDFPBinary.run(common + ["--set", "initial.kind=file", "--set", "initial.file=first.h5", "--stop", "2", "--learning-rate", "0.04", "-o", "other.h5"], in: dir)
        #expect(other.status == 1 && other.stderr.contains("model_change = true"), "\(other.stderr)")
    }

    @Test("A second run on the same output is refused while the first runs; a stale partial is reported, then removed on request")
    func oneWriterPerPathAndStalePartials() throws {
        let dir = try SGDFPBinary.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let p3 = SGDFPBinary.repositoryRoot.appendingPathComponent("notebooks-data/P3.toml").path
        let arguments = ["solve", p3, "--stop", "10", "--planning", "estimate", "-o", "run.h5", "-q"]
        let first = try SGDFPBinary.start(arguments, in: dir)
        let partial = ".run.h5.partial-\(first.processIdentifier)"
        let deadline = Date().addingTimeInterval(60)
        while first.isRunning, Date() < deadline, ((try? PartialRun(path: dir.appendingPathComponent(partial).path))?.times.count ?? 0) < 1 { usleep(50_000) }
        for extra in [[], ["--overwrite"]] {
            let second = try SGDFPBinary.run(arguments + extra, in: dir)
            #expect(second.status == 1 && second.stderr.hasPrefix("sgdfp: error: Another sgdfp process") && second.stderr.contains("run.h5"), "\(second.stderr)")
        }
        #expect(first.isRunning)
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        let short = ["solve", "--stop", "0.5", "--planning", "estimate", "-o", "run.h5", "-q"]
        let reported = try SGDFPBinary.run(short, in: dir)
        #expect(reported.status == 0 && reported.stderr.contains("\(partial) was left by a killed run") && reported.stderr.contains("--resume"), "\(reported.stderr)")
        #expect(try SGDFPBinary.files(in: dir).contains(partial))
        let mismatched = try SGDFPBinary.run(short + ["--overwrite", "--resume"], in: dir)
        #expect(mismatched.status == 1 && mismatched.stderr.contains("solved another configuration"), "\(mismatched.stderr)")
        let removed = try SGDFPBinary.run(short + ["--overwrite", "--discard-partials"], in: dir)
        #expect(removed.status == 0 && removed.stderr.isEmpty, "\(removed.stderr)")
        #expect(try SGDFPBinary.files(in: dir) == ["run.h5", "run.xmf"])
        let nothing = try SGDFPBinary.run(short + ["--overwrite", "--resume"], in: dir)
        #expect(nothing.status == 1 && nothing.stderr.contains("found no partial file"), "\(nothing.stderr)")
    }
}

/// A file system that refuses to grow the output (a full disk, a quota, a file size limit; here the limit of
/// `ulimit -f`) ends the run with one error line that names the output, status 1, and nothing left behind,
/// never a segfault from HDF5's exit handler.
@Suite struct FullDiskTests {
    @Test(arguments: [50, 200, 1000])
    func aWriteThatFailsIsOneErrorAndLeavesNothing(_ blocks: Int) throws {
        let dir = try SGDFPBinary.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let binary = try #require(SGDFPBinary.path)
        let p1 = SGDFPBinary.repositoryRoot.appendingPathComponent("notebooks-data/P1.toml").path
        let r = try SGDFPBinary.runShell("trap '' XFSZ; ulimit -f \(blocks); exec '\(binary)' solve '\(p1)' --stop 2 --planning estimate -o out.h5 -q", in: dir)
        let lines = r.stderr.split(separator: "\n")
        #expect(r.status == 1 && lines.count == 1 && lines[0].hasPrefix("sgdfp: error: ") && r.stderr.contains("out.h5 failed: File too large")
                && !r.stderr.contains("partial"), "\(r.status): \(r.stderr)")
        let left = try SGDFPBinary.files(in: dir)
        #expect(left.isEmpty, "\(left)")
    }
}

/// A full file system, for real: a small tmpfs mounted for the test (where the machine lets the tests mount
/// one). A run that does not fit is one error and leaves nothing; one whose HDF5 file fits but whose sidecar
/// does not keeps the file and says so in one error line; the warning before the run names the shortfall
/// where the fields alone do not fit.
@Suite(.enabled(if: SmallFileSystem.available, "mounting a tmpfs needs privileges"))
struct SmallFileSystemTests {
    @Test func aFullFileSystemIsOneErrorAndNothingIsLeft() throws {
        let p1 = SGDFPBinary.repositoryRoot.appendingPathComponent("notebooks-data/P1.toml").path
        let home = try SGDFPBinary.scratch()
        defer { try? FileManager.default.removeItem(at: home) }
        let whole = try SGDFPBinary.run(["solve", p1, "--stop", "2", "--planning", "estimate", "-o", "o.h5", "-q"], in: home)
        try #require(whole.status == 0)
        let size = try #require(try FileManager.default.attributesOfItem(atPath: home.appendingPathComponent("o.h5").path)[.size] as? Int)
        for (kilobytes, fits) in [(400, false), ((size + 4095) / 4096 * 4 + 4, true)] {
            let mount = try SmallFileSystem(kilobytes: kilobytes)
            defer { mount.remove() }
            let r = try SGDFPBinary.run(["solve", p1, "--stop", "2", "--planning", "estimate", "-o", mount.path + "/o.h5", "-q"], in: home)
            let errors = r.stderr.split(separator: "\n").filter { $0.hasPrefix("sgdfp: error:") }
            #expect(r.status == 1 && errors.count == 1 && r.stderr.contains("No space left on device")
                    && (fits || r.stderr.contains("may need up to")), "\(kilobytes) kB: \(r.stderr)")
            let left = try FileManager.default.contentsOfDirectory(atPath: mount.path)
            #expect(left == (fits ? ["o.h5"] : []), "\(kilobytes) kB: left \(left)")
            if fits { #expect(r.stderr.contains("o.h5 is complete, but its XDMF sidecar")) }
        }
    }
}

/// A tmpfs of a given size under the scratch directory, unmounted by `remove`.
struct SmallFileSystem {
    let path: String

    static var available: Bool {
        guard let probe = try? SmallFileSystem(kilobytes: 64) else { return false }
        probe.remove()
        return true
    }

    init(kilobytes: Int) throws {
        let url = try SGDFPBinary.scratch()
        path = url.path
        let r = try SGDFPBinary.runShell("mount -t tmpfs -o size=\(kilobytes)k tmpfs '\(path)' 2>/dev/null", in: url)
        guard r.status == 0 else {
            try? FileManager.default.removeItem(at: url)
            throw CocoaError(.featureUnsupported)
        }
    }

    func remove() {
        _ = try? SGDFPBinary.runShell("umount '\(path)'", in: URL(fileURLWithPath: "/"))
        try? FileManager.default.removeItem(atPath: path)
    }
}
