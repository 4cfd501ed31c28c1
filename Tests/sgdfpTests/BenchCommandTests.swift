import Foundation
import RunConfiguration
import Testing

/// `sgdfp bench` runs the run files of notebooks-data/ (built into the tool); `--export` writes each case as
/// a run file with the same model and start, so a bench row and a `solve` of the export are the same problem.
@Suite struct BenchCommandTests {
    @Test func benchCasesAreTheRunFilesProblems() throws {
        let dir = try SGDFPBinary.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try SGDFPBinary.run(["bench", "--cases", "all", "--export", "cases"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let files = ["kramers-256": "kramers-2d", "p1-256": "P1", "p3-48": "P3", "p4-48": "P4", "m1-256": "M1"]
        for (bench, runFile) in files {
            let exported = try RunConfiguration.load(path: dir.appendingPathComponent("cases/\(bench).toml").path)
            let original = try RunConfiguration.load(
                path: SGDFPBinary.repositoryRoot.appendingPathComponent("notebooks-data/\(runFile).toml").path)
            #expect(exported.sgd == original.sgd, "\(bench): [sgd]")
            #expect(exported.loss == original.loss, "\(bench): [loss]")
            #expect(exported.noise == original.noise, "\(bench): [noise]")
            #expect(exported.initial == original.initial, "\(bench): [initial]")
        }
        // kramers-2d's box is part of the benchmark problem.
        let kramers = try RunConfiguration.load(path: dir.appendingPathComponent("cases/kramers-256.toml").path)
        #expect(kramers.grid.box == .halfWidths([3, 3]))
    }

    @Test func unknownCaseIsRefused() throws {
        let dir = try SGDFPBinary.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try SGDFPBinary.run(["bench", "--cases", "p9-12"], in: dir)
        #expect(r.status != 0)
        #expect(r.stderr.contains("Unknown case 'p9-12'"), "\(r.stderr)")
    }

    @Test func sgdThroughputTableHasEveryRow() throws {
        let dir = try SGDFPBinary.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try SGDFPBinary.run(["bench", "--sgd", "--repeats", "1"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let rows = r.stdout.split(separator: "\n").filter { $0.hasPrefix("2 ") || $0.hasPrefix("200 ") }
        #expect(rows.count == 6, "\(r.stdout)")
        #expect(r.stdout.contains("1.00×"))
    }
}
