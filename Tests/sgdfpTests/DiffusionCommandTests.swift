import Foundation
import PhaseSpaceIO
import Testing

@Suite struct DiffusionCommandTests {
    @Test func diffusionPrintsTheSlopesOfPhysicsTable98AndWritesTheCurves() throws {
        let dir = try SGDFPBinary.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try SGDFPBinary.run(["diffusion", "--to", "1e5", "--simulate", "50", "--simulate-to", "300", "-o", "d.h5"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("fitted exponent") && r.stdout.contains("local displacement"), "\(r.stdout)")
        let file = try NetCDFReader(path: dir.appendingPathComponent("d.h5").path)
        defer { file.close() }
        let steps = try file.read("step")
        #expect(zip(steps, (0..<9).map { 10 * pow(10, Double($0) / 2) }).allSatisfy { abs($0 - $1) <= 1e-9 * $1 })
        #expect(try file.read("whole_step") == [10, 32, 100, 316, 1000, 3162, 10000, 31623, 100000])
        let slopes = try file.read("local_slope")
        // physics.md §9.8, η = 0.01, β = 0.9, S = 32, h_i = i⁻², 2000 modes, at k = 10^(j/2).
        for (index, expected) in [(1, 1.24), (2, 0.61), (3, 0.55), (4, 0.52), (5, 0.51), (6, 0.50), (7, 0.50), (8, 0.49)] {
            #expect(abs(slopes[index] - expected) <= 0.01, "slope \(index): \(slopes[index])")
        }
        let sgd = try file.read("msd_sgd"), exact = try file.read("msd_discrete"), error = try file.read("msd_sgd_error")
        for i in 0..<3 { #expect(abs(sgd[i] - exact[i]) <= 4 * error[i], "k index \(i)") }
        #expect(sgd[3].isNaN)   // 316 > --simulate-to
        #expect(try file.attribute("exponent_fit")?.text == "fig1")
    }

    /// The protocol chosen is the one printed and written, and its exponent is the library's for that window.
    @Test func fitChoosesThePapersProtocol() throws {
        let dir = try SGDFPBinary.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        var exponents: [Double] = []
        for fit in ["fig1", "fig7", "fig8"] {
            let r = try SGDFPBinary.run(["diffusion", "--to", "1e5", "--fit", fit, "-q", "-o", "\(fit).h5"], in: dir)
            #expect(r.status == 0 && r.stdout.contains("the paper's Fig. \(fit.dropFirst(3))"), "\(r.stdout) \(r.stderr)")
            let file = try NetCDFReader(path: dir.appendingPathComponent("\(fit).h5").path)
            defer { file.close() }
            #expect(try file.attribute("exponent_fit")?.text == fit)
            exponents.append(try #require(file.attribute("fitted_exponent_continuous")?.numbers?.first))
        }
        #expect(Set(exponents).count == 3, "\(exponents)")
        let refused = try SGDFPBinary.run(["diffusion", "--fit", "fig2", "-o", "x.h5"], in: dir)
        #expect(refused.status == 1 && refused.stderr.hasPrefix("sgdfp: error:") && !FileManager.default.fileExists(atPath: dir.appendingPathComponent("x.h5").path))
    }

    @Test func replicasFromTheFokkerPlanckSolverMatchTheTheory() throws {
        let dir = try SGDFPBinary.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let p1 = SGDFPBinary.repositoryRoot.appendingPathComponent("notebooks-data/P1.toml").path
        let r = try SGDFPBinary.run(["diffusion", p1, "--replicas", "--fdt", "-o", "r.h5"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let file = try NetCDFReader(path: dir.appendingPathComponent("r.h5").path)
        defer { file.close() }
        let theory = try file.read("replica_distance"), fp = try file.read("replica_distance_fokker_planck")
        #expect(zip(theory, [0.00669, 0.3831, 0.6441, 0.8733, 0.9943]).allSatisfy { abs($0 - $1) <= 1e-3 * $1 })
        #expect(zip(theory, fp).allSatisfy { abs($0 - $1) <= 1e-6 })
        // P1 is in equilibrium: T_eff ≡ 0.5 at every lag.
        #expect(try file.read("effective_temperature").allSatisfy { abs($0 - 0.5) <= 1e-9 })
    }
}
