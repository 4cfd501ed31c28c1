import Foundation
import PhaseSpaceIO
import Testing

@Suite struct InspectCommandTests {
    @Test func everyOutputKindIsDescribedInTextAndJSON() throws {
        let dir = try SGDFPBinary.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = SGDFPBinary.repositoryRoot.appendingPathComponent("notebooks-data")
        let runs: [(file: String, arguments: [String], kind: String, variable: String)] = [
            ("solve.h5", ["solve", "--points", "48", "--stop", "0.5", "-o", "solve.h5", "-q"], "solve (density over time)", "density"),
            ("analysed.h5", ["analyze", "solve.h5", "-o", "analysed.h5", "-q"], "solve, analysed", "current_v"),
            ("stationary.h5", ["stationary", "-o", "stationary.h5", "-q"], "stationary", "stationary_density"),
            ("validate.h5", ["validate", data.appendingPathComponent("P1.toml").path, "--points", "64", "-o", "validate.h5", "-q"], "validate", "stationary_density"),
            ("simulate.h5", ["simulate", "--chains", "20", "--steps", "400", "-o", "simulate.h5", "-q"], "simulate", "sgd_histogram"),
            ("diffusion.h5", ["diffusion", "--to", "1e4", "-o", "diffusion.h5"], "diffusion (anomalous", "msd_discrete"),
            ("fdt.h5", ["diffusion", data.appendingPathComponent("P1.toml").path, "--fdt", "-o", "fdt.h5"], "diffusion --fdt/--replicas", "effective_temperature"),
            ("flow.h5", ["modified-flow", data.appendingPathComponent("P6.toml").path, "--chains", "5", "-o", "flow.h5", "-q"], "modified-flow", "psi_discrete"),
        ]
        for run in runs {
            let made = try SGDFPBinary.run(run.arguments, in: dir)
            #expect(made.status == 0, "\(run.arguments): \(made.stderr)")
            let text = try SGDFPBinary.run(["inspect", run.file], in: dir)
            #expect(text.status == 0, "\(text.stderr)")
            #expect(text.stdout.hasPrefix("\(run.file): \(run.kind)"), "\(text.stdout.prefix(200))")
            #expect(text.stdout.contains(run.variable), "\(run.file)")
            let json = try SGDFPBinary.run(["inspect", "--json", run.file], in: dir)
            #expect(json.status == 0, "\(json.stderr)")
            let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
            let variables = (object?["variables"] as? [[String: Any]])?.compactMap { $0["name"] as? String } ?? []
            #expect(variables.contains(run.variable) && (object?["kind"] as? String)?.hasPrefix(run.kind) == true, "\(run.file)")
        }
        // The run's model, grid and times, and the verdicts of a validation.
        let solve = try SGDFPBinary.run(["inspect", "solve.h5"], in: dir).stdout
        #expect(solve.contains("learning_rate = 0.1") && solve.contains("temperature = 0.5"))
        #expect(solve.contains("theta  48") && solve.contains("Times: 2 frames from t = 0 to 0.5"), "\(solve)")
        #expect(solve.contains("(t, theta, v)") && solve.contains("2×48×48"))
        let validate = try SGDFPBinary.run(["inspect", "--json", "validate.h5"], in: dir).stdout
        let report = (try JSONSerialization.jsonObject(with: Data(validate.utf8)) as? [String: Any])?["validation"] as? [String: Any]
        #expect((report?["claims"] as? [Any])?.isEmpty == false)
        #expect(try SGDFPBinary.run(["inspect", "validate.h5"], in: dir).stdout.contains("Validation (every verdict agrees"))
    }

    @Test func otherFilesAreRefusedInOneSentence() throws {
        let dir = try SGDFPBinary.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let foreign = try NetCDFFile.create(at: dir.appendingPathComponent("foreign.h5").path)
        try foreign.setAttribute("title", .text("not ours"))
        try foreign.close()
        try Data("plain text".utf8).write(to: dir.appendingPathComponent("notes.h5"))
        for (file, message) in [("foreign.h5", "not an sgdfp output"), ("notes.h5", "not an HDF5"), ("missing.h5", "does not exist")] {
            let r = try SGDFPBinary.run(["inspect", file], in: dir)
            #expect(r.status == 1 && r.stdout.isEmpty, "\(file)")
            let lines = r.stderr.split(separator: "\n")
            #expect(lines.count == 1 && lines[0].hasPrefix("sgdfp: error:") && r.stderr.contains(message), "\(r.stderr)")
        }
    }
}
