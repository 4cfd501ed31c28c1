import Foundation
import PhaseSpaceIO
import Testing

@Suite struct SimulateCommandTests {
    static var notebooks: URL { SGDFPBinary.repositoryRoot.appendingPathComponent("notebooks-data") }

    @Test func simulateP1MatchesTheDiscreteChainAndWritesTheHistogramOnTheSolverGrid() throws {
        let dir = try SGDFPBinary.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try SGDFPBinary.run(["simulate", Self.notebooks.appendingPathComponent("P1.toml").path, "--chains", "500", "--steps", "8000",
                                     "--start", "stationary", "-o", "sim.h5"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        for fragment in ["Var θ", "0.513514", "5.40541", "1.02703", "SGD steps per second"] {
            #expect(r.stdout.contains(fragment), "missing \(fragment) in\n\(r.stdout)")
        }
        let file = try NetCDFReader(path: dir.appendingPathComponent("sim.h5").path)
        defer { file.close() }
        #expect(try file.dimensions(of: "sgd_histogram") == ["theta", "v"])
        #expect(try file.dimensions(of: "sgd_covariance") == ["t", "component", "component_b"])
        #expect(try file.dimensions(of: "sgd_trajectory") == ["t", "chain", "component"])
        let sim = try file.read("sgd_stationary_covariance"), err = try file.read("sgd_stationary_covariance_error")
        let exact = try file.read("discrete_stationary_covariance")
        for i in [0, 3] { #expect(abs(sim[i] - exact[i]) <= 4 * err[i]) }
        // The histogram is a density: it integrates to the share of samples inside the box.
        let theta = try file.read("theta"), v = try file.read("v")
        let mass = try file.read("sgd_histogram").reduce(0, +) * (theta[1] - theta[0]) * (v[1] - v[0])
        #expect(abs(mass - 1) < 1e-9)
    }

    @Test func simulateEstimatesHAndSigmaFromACSVDataSetAndRuns() throws {
        let dir = try SGDFPBinary.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        // y = 2x₁ − x₂ + noise, on 300 samples of two correlated features.
        var lines = ["x1,x2,y"]
        var state: UInt64 = 12345
        func uniform() -> Double { state = state &* 6364136223846793005 &+ 1442695040888963407; return Double(state >> 11) * 0x1p-53 }
        for _ in 0..<300 {
            let x1 = uniform() * 2 - 1, x2 = 0.5 * x1 + uniform() - 0.5
            lines.append("\(x1),\(x2),\(2 * x1 - x2 + 0.3 * (uniform() - 0.5))")
        }
        try lines.joined(separator: "\n").write(to: dir.appendingPathComponent("data.csv"), atomically: true, encoding: .utf8)
        let r = try SGDFPBinary.run(["simulate", "--data", "data.csv", "--set", "loss.hessian=[[1.0, 0.0], [0.0, 1.0]]",
                                     "--set", "loss.minimum=[0.0, 0.0]", "--set", "initial.mean=[0.0, 0.0, 0.0, 0.0]",
                                     "--set", "initial.covariance=[0.01, 0.01, 0.01, 0.01]", "--set", "sgd.batch_size=4",
                                     "--sampling", "without", "--start", "stationary", "--chains", "100", "--steps", "2000", "-o", "data.h5"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("linear regression on data.csv (300 samples)") && r.stdout.contains("without replacement"), "\(r.stdout)")
        // The model printed is the data's: two modes of the empirical Hessian.
        #expect(r.stdout.contains("Model: 2 parameters, matrix noise"), "\(r.stdout)")
        let file = try NetCDFReader(path: dir.appendingPathComponent("data.h5").path)
        defer { file.close() }
        let mean = try file.read("sgd_stationary_mean")
        #expect(abs(mean[0] - 2) < 0.1 && abs(mean[1] + 1) < 0.1, "\(mean)")
    }

    @Test func simulateRefusesBadData() throws {
        let dir = try SGDFPBinary.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        try "1,2\n3,x\n".write(to: dir.appendingPathComponent("bad.csv"), atomically: true, encoding: .utf8)
        let r = try SGDFPBinary.run(["simulate", "--data", "bad.csv", "-o", "bad.h5"], in: dir)
        #expect(r.status == 1 && r.stderr.contains("is not a number"), "\(r.stderr)")
        #expect(try SGDFPBinary.files(in: dir) == ["bad.csv"])
        // Two features set d = 2; the built-in example's [initial] law is for d = 1: a sentence, not a trap.
        try "x1,x2,y\n1,2,3\n2,1,0\n0.5,0.3,1\n1,1,1\n0,1,2\n".write(to: dir.appendingPathComponent("two.csv"), atomically: true, encoding: .utf8)
        let mismatch = try SGDFPBinary.run(["simulate", "--data", "two.csv", "--steps", "10", "-o", "two.h5"], in: dir)
        #expect(mismatch.status == 1 && mismatch.stderr.contains("[initial]") && mismatch.stderr.contains("from the features"), "\(mismatch.stderr)")
        #expect(try SGDFPBinary.files(in: dir).sorted() == ["bad.csv", "two.csv"])
    }
}
