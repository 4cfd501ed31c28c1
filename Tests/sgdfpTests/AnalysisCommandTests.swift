import Foundation
import PhaseSpaceIO
import Testing
import Validation

/// `sgdfp stationary`, `analyze` and `validate` on real files.
@Suite struct AnalysisCommandTests {
    static var notebooks: URL { SGDFPBinary.repositoryRoot.appendingPathComponent("notebooks-data") }

    @Test func stationaryWritesTheDensityTheModifiedLossAndTheCurrent() throws {
        let dir = try SGDFPBinary.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try SGDFPBinary.run(["stationary", Self.notebooks.appendingPathComponent("P1.toml").path, "-o", "p1.h5"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("converged") && r.stdout.contains("clockwise"), "\(r.stdout)")
        let file = try NetCDFReader(path: dir.appendingPathComponent("p1.h5").path)
        defer { file.close() }
        for name in ["stationary_density", "exact_stationary_density", "modified_loss", "modified_loss_psi", "training_loss",
                     "current_theta", "current_v", "current_irreversible_v", "current_divergence"] {
            #expect(try file.dimensions(of: name) == ["theta", "v"], "\(name)")
        }
        #expect(try file.dimensions(of: "modified_loss_theta") == ["theta"])
        #expect(try file.dimensions(of: "fitted_precision") == ["component", "component_b"])
        let u = try file.read("fitted_precision"), exact = try file.read("exact_precision")
        #expect(zip(u, [2, 0, 0, 0.19]).allSatisfy { abs($0 - $1) <= 1e-9 })
        #expect(zip(exact, [2, 0, 0, 0.19]).allSatisfy { abs($0 - $1) <= 1e-12 })
        #expect(try file.attribute("stationary_residual")!.numbers![0] <= 1e-10)
        #expect(abs(try file.attribute("current_eigen_plane_circulations")!.numbers![0] + 10.526316) <= 1e-5)
        // Masked points carry the fill value, declared as _FillValue.
        #expect(try file.read("modified_loss").contains(9.969209968386869e36))
    }

    @Test func analyzeAddsTheAnalysisToASolveOutputAndKeepsEverythingElse() throws {
        let dir = try SGDFPBinary.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let solve = try SGDFPBinary.run(["solve", "--points", "64", "--stop", "2", "-o", "run.h5", "-q"], in: dir)
        #expect(solve.status == 0, "\(solve.stderr)")
        let path = dir.appendingPathComponent("run.h5").path
        let before = try NetCDFReader(path: path)
        let names = before.variableNames
        let density = try before.read("density"), mean = try before.read("mean")
        before.close()

        let r = try SGDFPBinary.run(["analyze", "run.h5", "--time", "1"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let after = try NetCDFReader(path: path)
        defer { after.close() }
        #expect(Array(after.variableNames.prefix(names.count)) == names)
        #expect(try after.read("density") == density && after.read("mean") == mean)
        #expect(try after.dimensions(of: "current_v") == ["theta", "v"])
        #expect(try after.attribute("analysis_time") == .double(1))
        #expect(try after.attribute("long_name", of: "current_v")?.text?.contains("at t = 1") == true)

        let again = try SGDFPBinary.run(["analyze", "run.h5"], in: dir)
        #expect(again.status == 1 && again.stderr.contains("already holds an analysis"))
    }

    @Test func analyzeRefusesAFileThatIsNotAnSgdfpOutput() throws {
        let dir = try SGDFPBinary.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        try "not hdf5".write(to: dir.appendingPathComponent("notes.h5"), atomically: true, encoding: .utf8)
        let r = try SGDFPBinary.run(["analyze", "notes.h5"], in: dir)
        #expect(r.status == 1)
        #expect(r.stderr.contains("is not an HDF5"), "\(r.stderr)")
        #expect(try String(contentsOf: dir.appendingPathComponent("notes.h5"), encoding: .utf8) == "not hdf5")
        let stationary = try SGDFPBinary.run(["stationary", "-o", "ss.h5", "-q"], in: dir)
        #expect(stationary.status == 0, "\(stationary.stderr)")
        let refused = try SGDFPBinary.run(["analyze", "ss.h5"], in: dir)
        #expect(refused.status == 1 && refused.stderr.contains("not an sgdfp solve output"), "\(refused.stderr)")
    }

    @Test(arguments: ["P1", "P4"])
    func validateAgreesWithTheTheoryAndItsReportRoundTrips(set: String) throws {
        let dir = try SGDFPBinary.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try SGDFPBinary.run(["validate", Self.notebooks.appendingPathComponent("\(set).toml").path, "-o", "v.h5"], in: dir)
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        let json = try String(contentsOf: dir.appendingPathComponent("v.json"), encoding: .utf8)
        let report = try ValidationReport.decode(json: json)
        #expect(try report.json() == json)
        #expect(report.allAgree)
        let verdict = { (id: String) in report.claims.first { $0.id == id }!.verdict }
        #expect(verdict("detailed_balance") == (set == "P4" ? .doesNotHold : .holds))
        #expect(verdict("gibbs_training_loss") == (set == "P4" ? .doesNotHold : .holds))
        #expect(verdict("gibbs_modified_loss") == (set == "P4" ? .notApplicable : .holds))
        let file = try NetCDFReader(path: dir.appendingPathComponent("v.h5").path)
        defer { file.close() }
        #expect(try file.attribute("validation_report")?.text == json)
        #expect(try file.attribute("validation_rotation") == .text("holds"))
    }

    @Test func validateSeesTheIsotropicThetaCovarianceOfThePaperNoiseWithoutWeightDecay() throws {
        let dir = try SGDFPBinary.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try SGDFPBinary.run(["validate", Self.notebooks.appendingPathComponent("P3.toml").path, "--set", "sgd.weight_decay=0",
                                     "-o", "p3.h5", "-q"], in: dir)
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        let report = try ValidationReport.decode(json: String(contentsOf: dir.appendingPathComponent("p3.json"), encoding: .utf8))
        let byID = Dictionary(uniqueKeysWithValues: report.claims.map { ($0.id, $0) })
        #expect(byID["isotropic_theta"]?.verdict == .holds && byID["isotropic_theta"]!.measured! <= 1e-8)
        #expect(byID["flat_confined"]?.verdict == .notApplicable)
        #expect(byID["gibbs_modified_loss"]?.verdict == .holds)
        #expect(byID["detailed_balance"]?.verdict == .holds)
    }

    /// On a grid too coarse for the claims the grid's own error could decide them either way: validate says so
    /// and exits 2, and calls no true claim false, in either frame and in 2-D and 4-D (P3's and P4's 16⁴ frame
    /// grids are steady between 16, 14 and 12 points but wrong by percents).
    @Test(arguments: [("P1.toml", ["--set", "grid.frame=\"fixed\"", "--points", "16"], "--points 24"),
                      ("P1.toml", ["--set", "grid.frame_points=16"], "grid.frame_points=24"),
                      ("P3.toml", ["--set", "grid.frame_points=16"], "grid.frame_points=24"),
                      ("P4.toml", ["--set", "grid.frame_points=16"], "grid.frame_points=24")])
    func validateOnACoarseGridIsInconclusiveNeverWrong(_ run: String, _ options: [String], _ advice: String) throws {
        let dir = try SGDFPBinary.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try SGDFPBinary.run(["validate", Self.notebooks.appendingPathComponent(run).path] + options + ["-o", "v.h5", "-q"], in: dir)
        #expect(r.status == 2, "\(r.stdout)\(r.stderr)")
        let report = try ValidationReport.decode(json: String(contentsOf: dir.appendingPathComponent("v.json"), encoding: .utf8))
        #expect(report.allAgree && report.claims.allSatisfy { $0.verdict != .doesNotHold || $0.expected == .doesNotHold }, "\(r.stdout)")
        #expect(report.inconclusive.contains("lyapunov") && r.stdout.contains("inconclusive on this grid"))
        #expect(report.claims.first { $0.id == "lyapunov" }!.detail.contains(advice), "\(r.stdout)")
        let file = try NetCDFReader(path: dir.appendingPathComponent("v.h5").path)
        defer { file.close() }
        #expect(try file.attribute("validation_lyapunov") == .text("inconclusive on this grid"))
    }

    /// validate says on which grids it solves, as stationary does: the frame of the exact law and the output grid.
    @Test func validatePrintsItsGrids() throws {
        let dir = try SGDFPBinary.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let p1 = Self.notebooks.appendingPathComponent("P1.toml").path
        let adapted = try SGDFPBinary.run(["validate", p1, "-o", "v.h5"], in: dir)
        #expect(adapted.status == 0 && adapted.stdout.contains("that of the exact stationary law, 64 points per frame axis on ±7.5")
                && adapted.stdout.contains("Grid: 16384 points"), "\(adapted.stdout)")
        let fixed = try SGDFPBinary.run(["validate", p1, "--set", "grid.frame=\"fixed\"", "--points", "64", "-o", "f.h5"], in: dir)
        #expect(fixed.status == 0 && !fixed.stdout.contains("Adapted frame") && fixed.stdout.contains("Grid: 4096 points"), "\(fixed.stdout)")
    }

    @Test func validateOnStateDependentNoiseMarksTheGaussianClaimsNotApplicable() throws {
        let dir = try SGDFPBinary.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try SGDFPBinary.run(["validate", Self.notebooks.appendingPathComponent("M1.toml").path, "-o", "m1.h5", "-q"], in: dir)
        let report = try ValidationReport.decode(json: String(contentsOf: dir.appendingPathComponent("m1.json"), encoding: .utf8))
        // Every claim the theory makes for state-dependent noise holds on M1, so the run agrees and exits 0.
        #expect(r.status == 0 && report.allAgree, "\(r.stdout)\(r.stderr)")
        let byID = Dictionary(uniqueKeysWithValues: report.claims.map { ($0.id, $0) })
        for id in ["stationary", "current_nonzero", "current_theta", "current_divergence", "current_moment", "rotation"] {
            #expect(byID[id]?.expected == .holds && byID[id]?.verdict == .holds, "\(id)")
        }
        #expect(byID["lyapunov"]?.verdict == .notApplicable)
        #expect(byID["gibbs_modified_loss"]?.verdict == .notApplicable)
        #expect(byID["gibbs_training_loss"]?.expected == nil && byID["gibbs_training_loss"]?.verdict != .notApplicable)
        #expect(byID["detailed_balance"]?.measured != nil && byID["detailed_balance"]?.expected == nil)
    }
}

@Suite struct AnalysisBadInputTests {
    @Test func stationaryRefusesADegenerateLawAndATooSmallBox() throws {
        let dir = try SGDFPBinary.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let p6 = SGDFPBinary.repositoryRoot.appendingPathComponent("notebooks-data/P6.toml").path
        let degenerate = try SGDFPBinary.run(["stationary", p6, "-o", "p6.h5"], in: dir)
        #expect(degenerate.status == 1 && degenerate.stderr.contains("no density on a grid"), "\(degenerate.stderr)")
        // The fixed frame solves on the box and finds the density at its edge; the adapted frame draws its output
        // there and refuses the box before solving.
        let small = try SGDFPBinary.run(["stationary", "-o", "small.h5", "--set", "grid.box=[1.0, 3.0]", "--set", "grid.frame=\"fixed\""], in: dir)
        #expect(small.status == 1 && small.stderr.contains("reaches the box edge along"), "\(small.stderr)")
        let drawn = try SGDFPBinary.run(["stationary", "-o", "small.h5", "--set", "grid.box=[1.0, 3.0]"], in: dir)
        #expect(drawn.status == 1 && drawn.stderr.contains("is too small: the density reaches"), "\(drawn.stderr)")
        #expect(try SGDFPBinary.files(in: dir).isEmpty, "nothing is left behind")
    }

    /// An adapted stationary solve has two grids: a refusal names the one whose setting makes the difference,
    /// and a frame grid too coarse for the law it holds is an error unless the user keeps the result.
    @Test func stationaryNamesTheGridToChangeAndRefusesAnUnresolvedFrame() throws {
        let dir = try SGDFPBinary.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = SGDFPBinary.repositoryRoot.appendingPathComponent("notebooks-data")
        let p1 = data.appendingPathComponent("P1.toml").path, p3 = data.appendingPathComponent("P3.toml").path
        for (arguments, fragment) in [([p1, "--points", "1000000"], "reduce [grid] points."),
                                      ([p3, "--set", "grid.frame_points=1024"], "reduce [grid] frame_points."),
                                      ([p3, "--set", "grid.frame_box=40"], "resolve N(0, I) only to 0.4; use more [grid] frame_points")] {
            let r = try SGDFPBinary.run(["stationary"] + arguments + ["-o", "s.h5", "-q", "--planning", "estimate"], in: dir)
            let lines = r.stderr.split(separator: "\n").filter { $0.hasPrefix("sgdfp: error:") }
            #expect(r.status == 1 && lines.count == 1 && r.stderr.contains(fragment), "\(arguments): \(r.stderr)")
            #expect(try SGDFPBinary.files(in: dir).isEmpty)
        }
        let kept = try SGDFPBinary.run(["stationary", p3, "--set", "grid.frame_box=40", "--set", "output.keep_inaccurate=true", "-o", "s.h5", "-q",
                                        "--planning", "estimate"], in: dir)
        #expect(kept.status == 0, "\(kept.stderr)")
    }
}
