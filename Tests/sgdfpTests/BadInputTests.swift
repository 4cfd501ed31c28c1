import Foundation
import Testing

/// Each bad input gives a one-sentence error naming what to change, a nonzero exit status, and leaves no file.
@Suite struct BadInputTests {
    struct Case: Sendable, CustomStringConvertible {
        let name: String
        let arguments: [String]
        let expected: String   // a fragment the message must contain
        var description: String { name }
    }

    static let fast = ["--points", "48", "--stop", "0.1", "--output-every", "0.1", "--planning", "estimate", "-o", "out.h5"]

    static let cases: [Case] = [
        Case(name: "non-symmetric Hessian", arguments: ["--set", "loss.hessian=[[1, 0.5], [0, 1]]"], expected: "symmetric"),
        Case(name: "ragged Hessian", arguments: ["--set", "loss.hessian=[[1, 0], [0]]"], expected: "hessian"),
        Case(name: "three-parameter Hessian on the grid", arguments: ["--set", "loss.hessian=[[1, 0, 0], [0, 1, 0], [0, 0, 1]]"], expected: "hessian"),
        Case(name: "wrongly sized minimum", arguments: ["--set", "loss.hessian=[[1, 0], [0, 1]]", "--set", "loss.minimum=[0, 0, 0]"], expected: "minimum"),
        Case(name: "noise matrix not PSD", arguments: ["--set", "loss.hessian=[[1, 0], [0, 1]]", "--noise", "matrix", "--set", "noise.matrix=[[1, 2], [2, 1]]"], expected: "semi-definite"),
        Case(name: "non-positive learning rate", arguments: ["--learning-rate=-0.1"], expected: "learning_rate"),
        Case(name: "momentum of one", arguments: ["--momentum", "1.0"], expected: "momentum"),
        Case(name: "batch size zero", arguments: ["--batch-size", "0"], expected: "batch_size"),
        Case(name: "unstable discrete SGD", arguments: ["--learning-rate", "5"], expected: "learning"),
        Case(name: "box too small", arguments: ["--set", "grid.box=[1.0, 1.0]"], expected: "box"),
        Case(name: "grid larger than memory", arguments: ["--points", "2000000"], expected: "memory"),
        Case(name: "unknown key", arguments: ["--set", "sgd.learnin_rate=0.1"], expected: "learnin_rate"),
        Case(name: "unknown scheme", arguments: ["--scheme", "euler"], expected: "scheme"),
        Case(name: "exact propagator with state-dependent noise", arguments: ["--noise", "loss-hessian", "--batch-size", "4", "--scheme", "exact"], expected: "exact-strang"),
        Case(name: "initial density narrower than the grid", arguments: ["--set", "initial.covariance=[[1e-4, 0], [0, 1]]", "--set", "grid.frame=\"fixed\""], expected: "points"),
    ]

    @Test(arguments: cases)
    func refusesWithAClearMessageAndLeavesNoFile(_ c: Case) throws {
        let dir = try SGDFPBinary.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        // Later flags win, so the case's own --points overrides the fast default.
        let r = try SGDFPBinary.run(["solve"] + Self.fast + c.arguments, in: dir)
        #expect(r.status != 0, "\(c.name) was accepted")
        let lines = r.stderr.split(separator: "\n").filter { $0.hasPrefix("sgdfp: error:") }
        #expect(lines.count == 1, "stderr: \(r.stderr)")
        #expect(r.stderr.contains(c.expected), "message for \(c.name): \(r.stderr)")
        #expect(try SGDFPBinary.files(in: dir).isEmpty, "left files behind")
    }

    @Test func refusesToOverwriteAnExistingFile() throws {
        let dir = try SGDFPBinary.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let existing = dir.appendingPathComponent("out.h5")
        try Data("keep me".utf8).write(to: existing)
        let r = try SGDFPBinary.run(["solve"] + Self.fast, in: dir)
        #expect(r.status != 0)
        #expect(r.stderr.contains("--overwrite"))
        #expect(try String(contentsOf: existing, encoding: .utf8) == "keep me")
        #expect(try SGDFPBinary.files(in: dir) == ["out.h5"])
        let again = try SGDFPBinary.run(["solve"] + Self.fast + ["--overwrite", "--quiet"], in: dir)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try SGDFPBinary.files(in: dir) == ["out.h5", "out.xmf"])
    }

    @Test("A file to continue from with an integer density or times that do not increase is refused with a sentence")
    func integerOrTimeReversedDensity() throws {
        let dir = try SGDFPBinary.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        try #require(try SGDFPBinary.run(["solve", "--points", "64", "--stop", "0.3", "--output-every", "0.1", "--planning", "estimate", "-o", "good.h5", "--no-xdmf", "-q"], in: dir).status == 0)
        let script = """
            import h5py, shutil, sys
            d = sys.argv[1]
            shutil.copy(d + "/good.h5", d + "/reversed.h5")
            with h5py.File(d + "/reversed.h5", "r+") as f:
                f["t"][...] = f["t"][()][::-1]
            shutil.copy(d + "/good.h5", d + "/integer.h5")
            with h5py.File(d + "/integer.h5", "r+") as f:
                values = f["density"][()]
                del f["density"]
                f.create_dataset("density", data=(values * 1000).astype("int32"), maxshape=(None,) + values.shape[1:])
                for i, name in enumerate(["t", "theta", "v"]):
                    f["density"].dims[i].attach_scale(f[name])
            """
        let (status, message) = try SGDFPBinary.python(["-c", script, dir.path])
        try #require(status == 0, "\(message)")
        for (file, fragment) in [("reversed.h5", "do not increase"), ("integer.h5", "holds integers")] {
            let r = try SGDFPBinary.run(["solve", "--set", "initial.kind=file", "--set", "initial.file=\(file)", "--stop", "1", "-o", "next.h5", "-q"], in: dir)
            let lines = r.stderr.split(separator: "\n")
            #expect(r.status == 1 && lines.count == 1 && r.stderr.hasPrefix("sgdfp: error:") && r.stderr.contains(fragment), "\(file): \(r.stderr)")
            let analyzed = try SGDFPBinary.run(["analyze", file, "-o", "an.h5", "-q"], in: dir)
            #expect(analyzed.status == 1 && analyzed.stderr.contains(fragment), "\(file): \(analyzed.stderr)")
        }
        #expect(try SGDFPBinary.files(in: dir) == ["good.h5", "integer.h5", "reversed.h5"])
    }
}

@Suite struct HelpTests {
    /// The argument parser prints every option's default itself; a help string that repeats it reads
    /// "(default 1e-10). (default: 1e-10)". Defaults that depend on the run say so in words instead.
    @Test func everyDefaultIsStatedOnce() throws {
        let dir = try SGDFPBinary.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let twice = try NSRegularExpression(pattern: #"\(default [^)]*\)\.? \(default: "#)
        for command in ["solve", "stationary", "analyze", "validate", "simulate", "diffusion", "modified-flow", "inspect", "bench"] {
            let r = try SGDFPBinary.run([command, "--help"], in: dir)
            #expect(r.status == 0 && r.stdout.contains("OPTIONS"), "\(command): \(r.stderr)")
            let text = r.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            let hits = twice.matches(in: text, range: NSRange(text.startIndex..., in: text)).map { String(text[Range($0.range, in: text)!]) }
            #expect(hits.isEmpty, "\(command): \(hits)")
        }
    }
}
