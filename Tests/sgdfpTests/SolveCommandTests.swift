import Foundation
import PhaseSpaceIO
import Testing

@Suite struct SolveCommandTests {
    @Test func builtInExampleWritesAReadableFile() throws {
        let dir = try SGDFPBinary.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try SGDFPBinary.run(["solve", "--points", "64", "--stop", "1", "--planning", "estimate"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        for fragment in ["mass m = 0.095", "underdamped", "theta", "L¹ error vs exact", "exact (auto)", "wrote sgdfp-example.h5"] {
            #expect(r.stdout.contains(fragment), "missing '\(fragment)' in:\n\(r.stdout)")
        }
        let file = try NetCDFReader(path: dir.appendingPathComponent("sgdfp-example.h5").path)
        defer { file.close() }
        #expect(try file.shape(of: "density") == [3, 64, 64])
        #expect(try file.dimensions(of: "density") == ["t", "theta", "v"])
        #expect(try file.read("t") == [0, 0.5, 1])
        let mass = try file.read("mass")
        #expect(mass.allSatisfy { abs($0 - 1) < 1e-9 })   // the start is a normalised Gaussian well inside the box
        #expect(try file.attribute("Conventions") == .text("CF-1.10"))
        let config = try file.attribute("configuration")?.text ?? ""
        #expect(config.contains("learning_rate = 0.1"))
        #expect(try file.attribute("history")?.text?.contains("sgdfp solve") == true)
        let exactMean = try file.read("exact_mean"), mean = try file.read("mean")
        #expect(zip(exactMean, mean).allSatisfy { abs($0 - $1) < 1e-6 })
    }

    /// A flat loss without noise collapses the law below a fixed grid: the run stops with an error and no
    /// file once it strays by more than 1e-2 in L¹ (it reached 6.2 by t = 4), unless keep_inaccurate is set;
    /// in the adapted frame the same run is exact.
    @Test func inaccurateSolveIsAnErrorUnlessKept() throws {
        let dir = try SGDFPBinary.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let base = ["solve", "--set", "loss.hessian=0.0", "--stop", "4", "--points", "64", "--planning", "estimate", "-q", "-o", "c.h5", "--set", "grid.frame=\"fixed\""]
        let refused = try SGDFPBinary.run(base, in: dir)
        #expect(refused.status == 1 && refused.stderr.contains("away from the exact law") && refused.stderr.contains("keep_inaccurate"), "\(refused.stderr)")
        #expect(try SGDFPBinary.files(in: dir).isEmpty)
        let kept = try SGDFPBinary.run(base + ["--set", "output.keep_inaccurate=true"], in: dir)
        #expect(kept.status == 0 && FileManager.default.fileExists(atPath: dir.appendingPathComponent("c.h5").path), "\(kept.stderr)")
        let adapted = try SGDFPBinary.run(base + ["--set", "grid.frame=\"adapted\"", "-o", "a.h5"], in: dir)
        #expect(adapted.status == 0, "\(adapted.stderr)")
    }

    @Test func runFileAndContinuationFromTheLastFrame() throws {
        let dir = try SGDFPBinary.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let toml = """
            [sgd]
            learning_rate = 0.1
            momentum = 0.9
            [initial]
            mean = [1.0, 0.0]
            covariance = [0.1, 1.0]
            [grid]
            points = 64
            box = [5.5, 18.0]
            [time]
            stop = 0.5
            output_every = 0.25
            """
        try toml.write(to: dir.appendingPathComponent("run.toml"), atomically: true, encoding: .utf8)
        // The box holds the law for all times (7 stationary deviations), so the continuation fits in it.
        let first = try SGDFPBinary.run(["solve", "run.toml", "-o", "a.h5", "--quiet", "--planning", "estimate"], in: dir)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.isEmpty)
        let second = try SGDFPBinary.run(["solve", "run.toml", "-o", "b.h5", "--quiet", "--planning", "estimate",
                                          "--set", "initial.kind=file", "--set", "initial.file=a.h5", "--stop", "1"], in: dir)
        #expect(second.status == 0, "\(second.stderr)")
        let b = try NetCDFReader(path: dir.appendingPathComponent("b.h5").path)
        defer { b.close() }
        #expect(try b.read("t") == [0.5, 0.75, 1])
        let a = try NetCDFReader(path: dir.appendingPathComponent("a.h5").path)
        defer { a.close() }
        // The restart passes through one velocity transform and back: equal to round-off.
        let last = try a.readRecord("density", index: 2), restart = try b.readRecord("density", index: 0)
        let peak = last.map(abs).max()!
        #expect(zip(last, restart).allSatisfy { abs($0 - $1) <= 1e-13 * peak })
    }

    /// Fields are written uncompressed unless [output] compression asks for deflate (after shuffle), which
    /// shrinks the file and leaves every value as it was.
    /// In 4-D the full exact density would double the density's share of the file; by default only its marginals and moments are
    /// written, and `[output] exact_density = true` adds it. For one parameter it is there by default.
    @Test func exactFullDensityIsOptionalInFourDimensions() throws {
        let dir = try SGDFPBinary.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let p3 = SGDFPBinary.repositoryRoot.appendingPathComponent("notebooks-data/P3.toml").path
        var sizes: [Int] = []
        for (name, setting) in [("default.h5", [String]()), ("exact.h5", ["--set", "output.exact_density=true"])] {
            let r = try SGDFPBinary.run(["solve", p3, "--stop", "0.5", "-q", "--no-xdmf", "--planning", "estimate", "--set", "grid.points=16",
                                         "--set", "output.full_density=true", "-o", name] + setting, in: dir)
            try #require(r.status == 0, "\(r.stderr)")
            let file = try NetCDFReader(path: dir.appendingPathComponent(name).path)
            defer { file.close() }
            #expect(file.hasVariable("density") && file.hasVariable("exact_density_theta1_v2") && file.hasVariable("exact_mean"))
            #expect(file.hasVariable("exact_density") == !setting.isEmpty, "\(name)")
            sizes.append(try #require(try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent(name).path)[.size] as? Int))
        }
        // Two frames of 16⁴ float64 values more (the rest of the file is the same, among it the 32⁴ frame state).
        let field = 2 * 65_536 * 8
        #expect(sizes[1] - sizes[0] >= field && sizes[1] - sizes[0] < field + 65_536, "\(sizes)")
        let oneParameter = try SGDFPBinary.run(["solve", "--points", "32", "--stop", "0.5", "-q", "--no-xdmf", "-o", "d1.h5"], in: dir)
        try #require(oneParameter.status == 0, "\(oneParameter.stderr)")
        let file = try NetCDFReader(path: dir.appendingPathComponent("d1.h5").path)
        defer { file.close() }
        #expect(file.hasVariable("exact_density"))
    }

    @Test func compressionOnlyWhenAskedFor() throws {
        let dir = try SGDFPBinary.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        var sizes: [Int] = []
        for level in [0, 1] {
            let r = try SGDFPBinary.run(["solve", "--points", "64", "--stop", "2", "--set", "output.compression=\(level)", "-o", "c\(level).h5", "-q", "--no-xdmf"], in: dir)
            try #require(r.status == 0, "\(r.stderr)")
            let filters = try SGDFPBinary.runShell("h5dump -p -H -d density c\(level).h5", in: dir).stdout
            #expect(filters.contains("DEFLATE") == (level > 0) && filters.contains("SHUFFLE") == (level > 0), "\(filters)")
            sizes.append(try #require(try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent("c\(level).h5").path)[.size] as? Int))
        }
        #expect(sizes[1] < sizes[0], "\(sizes)")
        let same = try SGDFPBinary.runShell("h5diff c0.h5 c1.h5 density && h5diff c0.h5 c1.h5 exact_density", in: dir)
        #expect(same.status == 0, "\(same.stdout)\(same.stderr)")
        let refused = try SGDFPBinary.run(["solve", "--set", "output.compression=10", "-o", "x.h5"], in: dir)
        #expect(refused.status == 1 && refused.stderr.contains("compression"), "\(refused.stderr)")
    }

    /// A wisdom file named without a directory is written beside the run (a bare name once trapped inside
    /// Foundation's path handling).
    @Test func wisdomUnderABareFileName() throws {
        let dir = try SGDFPBinary.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try SGDFPBinary.run(["solve", "--points", "32", "--stop", "0.2", "--set", "grid.wisdom=\"x\"", "-o", "w.h5", "-q", "--no-xdmf"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("x").path))
    }
}

@Suite struct ProgressLogTests {
    /// On a log (stderr not a terminal) progress is printed at most every ten seconds; the last line must be
    /// the state at the end, never an earlier one with a time left that did not come.
    @Test func aLogEndsOnTheFinalState() throws {
        let dir = try SGDFPBinary.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let solve = try SGDFPBinary.run(["solve", "--points", "64", "--stop", "2", "-o", "run.h5", "--planning", "estimate"], in: dir)
        let marching = solve.stderr.split(separator: "\n").filter { $0.hasPrefix("t = ") }
        #expect(solve.status == 0 && marching.last?.hasPrefix("t = 2 / 2 (100%)") == true && marching.last?.contains("left") == false, "\(solve.stderr)")
        let stationary = try SGDFPBinary.run(["stationary", SGDFPBinary.repositoryRoot.appendingPathComponent("notebooks-data/P1.toml").path,
                                              "-o", "s.h5", "--set", "grid.frame=\"fixed\"", "--residual", "1e-13", "--planning", "estimate"], in: dir)
        let last = stationary.stderr.split(separator: "\n").last { $0.hasPrefix("stationary solve:") }
        let table = stationary.stdout.split(separator: "\n").first { $0.hasPrefix("propagator applications") }
        let applications = table.flatMap { $0.split(separator: " ", omittingEmptySubsequences: true).dropFirst(3).first }
        #expect(last?.contains("stationary solve: \(applications ?? "?") propagator applications") == true && last?.contains("left") == false,
                "\(stationary.stderr)\n\(table ?? "")")
    }
}
