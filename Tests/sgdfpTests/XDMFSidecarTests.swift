import Foundation
import Testing

/// The ParaView sidecars: `scripts/check_xdmf.py` checks every referenced dataset against the HDF5 file
/// (existence, shape, hyperslab bounds, frame times), for each output kind, and must reject a broken one.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["SGDFP_PYTHON"] != nil, "set SGDFP_PYTHON (make test does)"))
struct XDMFSidecarTests {
    private func check(_ files: [String], in dir: URL) throws -> (Int32, String) {
        let script = SGDFPBinary.repositoryRoot.appendingPathComponent("scripts/check_xdmf.py").path
        return try SGDFPBinary.python([script] + files.map { dir.appendingPathComponent($0).path })
    }

    @Test func everyOutputKindGetsASidecarThatMatchesItsFile() throws {
        let dir = try SGDFPBinary.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let root = SGDFPBinary.repositoryRoot.appendingPathComponent("notebooks-data")
        for arguments in [["solve", "--points", "48", "--stop", "1", "-o", "run.h5", "-q"],
                          ["analyze", "run.h5", "-q"],
                          ["solve", root.appendingPathComponent("P3.toml").path, "--points", "32", "--stop", "0.1", "--output-every", "0.05", "-o", "p3.h5", "-q"],
                          ["stationary", root.appendingPathComponent("P4.toml").path, "--points", "16", "--residual", "1e-3", "-o", "s4.h5", "-q"]] {
            let r = try SGDFPBinary.run(arguments, in: dir)
            #expect(r.status == 0, "\(arguments): \(r.stderr)")
        }
        let sidecars = ["run.xmf", "p3.xmf", "s4.xmf"]
        let (status, message) = try check(sidecars, in: dir)
        #expect(status == 0, "\(message)")
        let run = try String(contentsOf: dir.appendingPathComponent("run.xmf"), encoding: .utf8)
        // d = 1: one temporal collection over (theta, v) with the density, the analysis and the current vector.
        #expect(run.components(separatedBy: "<Time Value=").count - 1 == 3, "frames at t = 0, 0.5, 1")
        #expect(run.contains("run.h5:/density") && run.contains("Name=\"current\" AttributeType=\"Vector\""))
        // d = 2: the six marginal planes, over time for solve, with the marginal current for stationary.
        let p3 = try String(contentsOf: dir.appendingPathComponent("p3.xmf"), encoding: .utf8)
        #expect(p3.components(separatedBy: "CollectionType=\"Temporal\"").count - 1 == 6)
        let s4 = try String(contentsOf: dir.appendingPathComponent("s4.xmf"), encoding: .utf8)
        #expect(s4.contains("s4.h5:/stationary_density_theta1_v1") && s4.contains("Name=\"marginal_current\""))

        // The check bites: a wrong shape and a missing dataset are both reported.
        let broken = run.replacingOccurrences(of: "Dimensions=\"3 48 48\"", with: "Dimensions=\"4 48 48\"")
            .replacingOccurrences(of: "run.h5:/exact_density", with: "run.h5:/no_such_density")
        try broken.write(to: dir.appendingPathComponent("broken.xmf"), atomically: true, encoding: .utf8)
        let (brokenStatus, brokenMessage) = try check(["broken.xmf"], in: dir)
        #expect(brokenStatus == 1 && brokenMessage.contains("has shape") && brokenMessage.contains("no dataset"), "\(brokenMessage)")
    }

    @Test func noXDMFAndAForeignSidecarAreRespected() throws {
        let dir = try SGDFPBinary.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let fast = ["solve", "--points", "48", "--stop", "0.5", "-q"]
        #expect(try SGDFPBinary.run(fast + ["-o", "plain.h5", "--no-xdmf"], in: dir).status == 0)
        #expect(try SGDFPBinary.files(in: dir) == ["plain.h5"])
        // A .xmf that sgdfp did not write is kept, and the run stops before any work.
        try Data("mine".utf8).write(to: dir.appendingPathComponent("run.xmf"))
        let refused = try SGDFPBinary.run(fast + ["-o", "run.h5"], in: dir)
        #expect(refused.status == 1 && refused.stderr.contains("was not written by sgdfp"), "\(refused.stderr)")
        #expect(try SGDFPBinary.files(in: dir) == ["plain.h5", "run.xmf"])
        #expect(try String(contentsOf: dir.appendingPathComponent("run.xmf"), encoding: .utf8) == "mine")
        // Its own sidecar is replaced with the run, without --overwrite.
        #expect(try SGDFPBinary.run(fast + ["-o", "own.h5"], in: dir).status == 0)
        #expect(try SGDFPBinary.run(fast + ["-o", "own2.h5"], in: dir).status == 0)
        try FileManager.default.removeItem(at: dir.appendingPathComponent("own.h5"))
        try FileManager.default.moveItem(at: dir.appendingPathComponent("own2.h5"), to: dir.appendingPathComponent("own.h5"))
        #expect(try SGDFPBinary.run(["analyze", "own.h5", "-q"], in: dir).status == 0)
        #expect(try String(contentsOf: dir.appendingPathComponent("own.xmf"), encoding: .utf8).contains("current_theta"))
        // Rewriting a file with --no-xdmf removes its own sidecar, which would describe the old file.
        #expect(try SGDFPBinary.run(fast + ["-o", "own.h5", "--overwrite", "--no-xdmf"], in: dir).status == 0)
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("own.xmf").path))
    }
}
