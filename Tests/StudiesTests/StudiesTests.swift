import Foundation
import FokkerPlanck
import LangevinModel
import PhaseSpaceIO
import RunConfiguration
import StationaryDistribution
import Testing
@testable import Studies

/// The studies as a library: what they compute against the exact theory, and that every file they write
/// carries the same root attributes and its kind.
@Suite struct StudiesTests {
    static let runFiles = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("notebooks-data")

    static func scratch() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sgdfp-studies-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func config(_ name: String, _ overrides: [(String, String)] = []) throws -> RunConfiguration {
        var c = try RunConfiguration.load(path: runFiles.appendingPathComponent(name).path)
        try c.apply(override: "grid.wisdom", value: "none")
        for (k, v) in overrides { try c.apply(override: k, value: v) }
        return try c.validated()
    }

    static let common = ["Conventions", "title", "source", "history", "hdf5_version", "time_convention", OutputKind.attribute, "fftw_version"]

    static func rootAttributes(_ path: String) throws -> (names: Set<String>, kind: String?) {
        let reader = try NetCDFReader(path: path)
        defer { reader.close() }
        return (Set(try reader.attributeNames()), try reader.attribute(OutputKind.attribute)?.text)
    }

    @Test("SolveStudy on P1: every frame within 1e-8 (L¹) of the exact Gaussian, mass to round-off, and the file says it is a solve")
    func solveMatchesTheExactLaw() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let setup = try RunSetup.build(try Self.config("P1.toml", [("grid.points", "96"), ("time.stop", "4")]))
        var events = 0
        let path = dir.appendingPathComponent("p1.h5").path
        let report = try SolveStudy(setup: setup, outputPath: path, overwrite: false, effort: .estimate, invocation: Invocation(commandLine: "test"))
            .run { _ in events += 1 }
        // 96² resolves the start (0.45 of the stationary widths) to the 1e-9 level; the exact propagator adds round-off.
        #expect(try #require(report.worstL1) <= 1e-8)
        #expect(try #require(report.worstCovarianceError) <= 1e-8)
        #expect(try #require(report.simulation).finalMassError <= 1e-12)
        #expect(report.frames == 9 && events >= 1)
        let root = try Self.rootAttributes(path)
        #expect(root.kind == "solve")
        #expect(Set(Self.common + ["configuration", "stationary_point", "parameter_dimension", "time_scheme"]).isSubset(of: root.names))
    }

    @Test("SolveStudy in the adapted frame: P1 from a start ten times narrower than its law, 64² in the frame, writes the frame of every frame and the last frame state, from which a continued run lands where one run lands; so does a Lawson scheme; exact-strang and files without a frame state are refused with a sentence")
    func solveInTheAdaptedFrame() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let overrides = [("grid.frame", "\"adapted\""), ("grid.points", "48"), ("time.stop", "4"), ("initial.mean", "[2.0, 0.0]"),
                         ("initial.covariance", "[0.005, 0.0526]")]
        let setup = try RunSetup.build(try Self.config("P1.toml", overrides))
        #expect(setup.adaptedFrame?.grid.shape == [64, 64])
        #expect(setup.adaptedFrame?.reason.contains("64 points per frame axis") == true)
        let path = dir.appendingPathComponent("adapted.h5").path
        let report = try SolveStudy(setup: setup, outputPath: path, overwrite: false, effort: .estimate, invocation: Invocation(commandLine: "test"))
            .run()
        // N(0, I) on 64 points of ±7.5 is resolved to round-off: the errors are those of rounding in the maps.
        #expect(try #require(report.worstL1) <= 1e-10)
        #expect(try #require(report.worstCovarianceError) <= 1e-10)
        let reader = try NetCDFReader(path: path)
        defer { reader.close() }
        #expect(reader.hasVariable(RunVariable.frameMean) && reader.hasVariable(RunVariable.frameFactor))
        #expect(try reader.attribute("frame")?.text == "adapted")

        let strang = try Self.config("P1.toml", overrides + [("time.scheme", "\"exact-strang\"")])
        #expect(throws: StudyError.self) { try RunSetup.build(strang) }
        // A Lawson scheme in the frame: its time error (tolerance 1e-10 per step) over the same floor.
        let lawson = try SolveStudy(setup: try RunSetup.build(try Self.config("P1.toml", overrides + [("time.scheme", "\"lawson-dp54\""), ("time.tolerance", "1e-10")])),
                                    outputPath: dir.appendingPathComponent("lawson.h5").path, overwrite: false, effort: .estimate,
                                    invocation: Invocation(commandLine: "test")).run()
        #expect(try #require(lawson.worstL1) <= 1e-9 && #require(lawson.worstCovarianceError) <= 1e-9)

        // Continued from the file's frame state to t = 6, the run lands where one run to t = 6 lands.
        let continued = try RunSetup.build(try Self.config("P1.toml", [("grid.frame", "\"adapted\""), ("initial.kind", "\"file\""),
                                                                         ("initial.file", "\"\(path)\""), ("time.stop", "6")]))
        let second = try SolveStudy(setup: continued, outputPath: dir.appendingPathComponent("continued.h5").path, overwrite: false, effort: .estimate,
                                    invocation: Invocation(commandLine: "test")).run()
        let direct = try SolveStudy(setup: try RunSetup.build(try Self.config("P1.toml", overrides.filter { $0.0 != "time.stop" } + [("time.stop", "6")])),
                                    outputPath: dir.appendingPathComponent("direct.h5").path, overwrite: false, effort: .estimate,
                                    invocation: Invocation(commandLine: "test")).run()
        let a = try #require(second.finalMoments), b = try #require(direct.finalMoments)
        #expect(second.finalTime == 6 && zip(a.covariance + a.mean, b.covariance + b.mean).allSatisfy { abs($0 - $1) <= 1e-12 * max(1, abs($1)) },
                "continued \(a.mean) \(a.covariance), direct \(b.mean) \(b.covariance)")
        // A file solved in the fixed frame has no frame state to continue from in the adapted frame.
        let fixedPath = dir.appendingPathComponent("fixed.h5").path
        _ = try SolveStudy(setup: try RunSetup.build(try Self.config("P1.toml", [("grid.frame", "\"fixed\""), ("grid.points", "64"), ("time.stop", "1")])), outputPath: fixedPath,
                           overwrite: false, effort: .estimate, invocation: Invocation(commandLine: "test")).run()
        let fromFixed = try Self.config("P1.toml", [("grid.frame", "\"adapted\""), ("initial.kind", "\"file\""), ("initial.file", "\"\(fixedPath)\""), ("time.stop", "2")])
        #expect(throws: StudyError.self) { try RunSetup.build(fromFixed) }
        // Continuing under another model is refused, unless asked for (a schedule), and then said.
        let file = [("initial.kind", "\"file\""), ("initial.file", "\"\(fixedPath)\""), ("time.stop", "2")]
        #expect(try RunSetup.build(try Self.config("P1.toml", file)).warnings.allSatisfy { !$0.contains("was solved with other") })
        let refused = #expect(throws: StudyError.self) { try RunSetup.build(try Self.config("P1.toml", file + [("sgd.learning_rate", "0.05")])) }
        #expect(refused?.description.contains("[initial] model_change = true") == true)
        let changed = try RunSetup.build(try Self.config("P1.toml", file + [("sgd.learning_rate", "0.05"), ("initial.model_change", "true")])).warnings
        #expect(changed.contains { $0.contains("was solved with other [sgd] values") }, "\(changed)")
    }

    @Test("In the adapted frame the default output grid draws the narrowest law of the run: every written field (the 2-D density of P1, the six marginals of P3) within 1e-8 relative L¹ of the exact one at every frame, from starts about ten times narrower than the stationary law")
    func defaultOutputGridDrawsTheNarrowestLaw() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let cases: [(file: String, overrides: [(String, String)], fields: [String])] = [
            ("P1.toml", [("initial.mean", "[2.0, 0.0]"), ("initial.covariance", "[0.005, 0.0526]")], [RunVariable.density]),
            ("P3.toml", [("initial.mean", "[2.0, 1.0, 0.0, 0.0]"), ("initial.covariance", "[0.0004, 0.0004, 0.008, 0.008]")],
             ["theta1_theta2", "theta1_v1", "theta1_v2", "theta2_v1", "theta2_v2", "v1_v2"].map(RunVariable.marginal))]
        for (file, overrides, fields) in cases {
            var config = try Self.config(file, overrides + [("grid.frame", "\"adapted\""), ("time.stop", "2"), ("time.output_every", "1")])
            config.grid.points = nil
            let setup = try RunSetup.build(config)
            // No axis is drawn more coarsely than the planner's 2.16 spacings per conditional deviation, none below 128 points.
            #expect(setup.warnings.allSatisfy { !$0.contains("band-limited picture") }, "\(setup.warnings)")
            #expect(setup.grid.axes.allSatisfy { $0.points >= GridSection.defaultPoints } && setup.grid.axes.contains { $0.points > GridSection.defaultPoints })
            #expect(setup.writeFullDensity == (setup.grid.parameterDimension == 1))
            let path = dir.appendingPathComponent("\(file).h5").path
            _ = try SolveStudy(setup: setup, outputPath: path, overwrite: false, effort: .estimate, invocation: Invocation(commandLine: "test")).run()
            let reader = try NetCDFReader(path: path)
            defer { reader.close() }
            for field in fields {
                for frame in 0..<3 {
                    let drawn = try reader.readRecord(field, index: frame), exact = try reader.readRecord("exact_" + field, index: frame)
                    let l1 = zip(drawn, exact).reduce(0) { $0 + abs($1.0 - $1.1) } / exact.reduce(0) { $0 + abs($1) }
                    #expect(l1 <= 1e-8, "\(file) \(field) at frame \(frame): relative L¹ \(l1)")
                }
            }
        }
    }

    @Test("A frame whose own checks fail stops the solve: L¹ from the exact law, negative mass beyond 1e-2, a variance that is not positive")
    func framesThatFailTheirOwnChecks() throws {
        let axes = ["theta", "v"], good = [0.5, 0.1, 0.1, 2.0]
        try SolveFrameWriter.checkAccuracy(time: 1, l1: 1e-3, negativeMass: 1e-4, covariance: good, axes: axes)
        try SolveFrameWriter.checkAccuracy(time: 1, l1: nil, negativeMass: 0, covariance: good, axes: axes)
        let cases: [(Double?, Double, [Double], String)] = [(0.02, 0, good, "relative L¹"), (nil, 0.03, good, "negative part of mass 0.03"),
                                                            (nil, 0, [0.5, 0, 0, -1e-3], "along v is -0.001"), (1e-3, 0, [Double.nan, 0, 0, 1], "along theta is nan")]
        for (l1, negative, covariance, fragment) in cases {
            let error = #expect(throws: StudyError.self) {
                try SolveFrameWriter.checkAccuracy(time: 2, l1: l1, negativeMass: negative, covariance: covariance, axes: axes)
            }
            #expect(error?.description.contains(fragment) == true && error?.description.contains("keep_inaccurate") == true, "\(String(describing: error))")
        }
    }

    @Test("A continued run that reaches the edge of the file's box is told to widen the box of the first solve, not its own")
    func continuedRunAtTheBoxEdge() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        // Boxed for t ≤ 0.2 from a start narrower than the stationary law, which then outgrows the box.
        let first = dir.appendingPathComponent("short.h5").path
        _ = try SolveStudy(setup: try RunSetup.build(try Self.config("P1.toml", [("grid.frame", "\"fixed\""), ("grid.points", "[64, 128]"), ("grid.box", "[1.5, 12.0]"), ("time.stop", "0.2"),
                                                                                   ("time.output_every", "0.1"), ("initial.mean", "[0.0, 0.0]"),
                                                                                   ("initial.covariance", "[0.01, 0.1]")])),
                           outputPath: first, overwrite: false, effort: .estimate, invocation: Invocation(commandLine: "test")).run()
        let continued = try RunSetup.build(try Self.config("P1.toml", [("initial.kind", "\"file\""), ("initial.file", "\"\(first)\""), ("time.stop", "10")]))
        do {
            _ = try SolveStudy(setup: continued, outputPath: dir.appendingPathComponent("long.h5").path, overwrite: false, effort: .estimate,
                               invocation: Invocation(commandLine: "test")).run()
            Issue.record("the continued run did not reach the box edge")
        } catch let error as StudyError {
            #expect(error.description.contains("a continued run keeps the grid of") && error.description.contains("solve the start again"), "\(error)")
        }
    }

    @Test("StationaryStudy in the fixed frame on P1 (128²) and P4 (24⁴): the covariance of the solved density is the Lyapunov P")
    func stationaryMatchesTheLyapunovCovariance() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        for (name, points, tolerance) in [("P1.toml", "128", 1e-10), ("P4.toml", "24", 1e-3)] {
            let study = try StationaryStudy(configuration: try Self.config(name, [("grid.points", points), ("grid.frame", "\"fixed\"")]),
                                            settings: StationarySolverSettings(residualTolerance: 1e-10))
            #expect(try study.grids.frame == nil)
            let result = try study.run(output: dir.appendingPathComponent("\(name).h5").path, overwrite: false)
            let exact = try GaussianTheory.stationaryCovariance(study.sde)
            let error = zip(result.moments.covariance, exact.elements).map { abs($0 - $1) }.max()! / exact.maxAbs
            // 24⁴ holds P4's stationary law to a few 1e-4 (the grid floor); 128² holds P1's to round-off.
            #expect(error <= tolerance, "\(name): \(error)")
            #expect(try Self.rootAttributes(dir.appendingPathComponent("\(name).h5").path).kind == "stationary")
        }
    }

    /// In the frame of the exact stationary law that law is N(0, I): 36 points on ±7.5 hold it to the spectral
    /// tail e^{−½(36π/15)²} ≈ 5e-13 and the box tail e^{−28} ≈ 7e-13, so the moments, Q and the entropy
    /// production (integrals of the solution and its first derivatives) carry errors near 1e-11, with two to
    /// three digits of margin to the acceptance bounds below. The drawn marginals are exact on any output grid.
    @Test("StationaryStudy in the adapted frame on P3 and P4 at the default grid: covariance ≤ 1e-9, Q ≤ 1e-8, P4's entropy production to 1e-6, marginals to 1e-8")
    func stationaryInTheAdaptedFrame() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        for name in ["P3.toml", "P4.toml"] {
            // The run files' 32 output points draw the marginals band-limited (1e-6); the default 128 draw them exactly.
            let study = try StationaryStudy(configuration: try Self.config(name, [("grid.points", "128")]),
                                            settings: StationarySolverSettings(residualTolerance: 1e-10))
            #expect(try study.grids.frame?.grid.shape == [36, 36, 36, 36])
            let path = dir.appendingPathComponent("\(name).h5").path
            let result = try study.run(output: path, overwrite: false)
            let theory = try StationaryTheory(study.sde)
            let covariance = zip(result.moments.covariance, theory.law.covariance.elements).map { abs($0 - $1) }.max()! / theory.law.covariance.maxAbs
            let q = (result.analysis.summary.firstMoment - theory.circulation).maxAbs / theory.circulation.maxAbs
            #expect(covariance <= 1e-9 && q <= 1e-8, "\(name): covariance \(covariance), Q \(q)")
            #expect(result.solution.converged && result.l1ToExact! <= 1e-10, "\(name): residual \(result.solution.residual), L¹ \(result.l1ToExact!)")
            if name == "P4.toml" {
                let exact = theory.entropyProduction!
                #expect(abs(exact - 1.67832) <= 5e-6)  // physics.md §9.4 quotes six digits
                #expect(abs(result.analysis.summary.entropyProduction! - exact) <= 1e-6 * exact, "\(result.analysis.summary.entropyProduction!)")
            }
            let reader = try NetCDFReader(path: path)
            for plane in ["theta1_theta2", "theta1_v1", "theta2_v2", "v1_v2"] {
                let solved = try reader.read("stationary_density_\(plane)"), exact = try reader.read("exact_stationary_density_\(plane)")
                let l1 = zip(solved, exact).map { abs($0 - $1) }.reduce(0, +) / exact.map(abs).reduce(0, +)
                #expect(l1 <= 1e-8, "\(name) \(plane): \(l1)")
            }
            #expect(try reader.attribute("stationary_frame") == .text("adapted"))
        }
    }

    /// 32⁴ frame points hold the transient Gaussian to about 1e-10 (physics.md §9.6's start, narrower than the
    /// law it relaxes to), so its current's integrals are exact to 1e-9 relative, without the 4-D density in the file.
    @Test("AnalyzeStudy on the last frame of an adapted 4-D solve that wrote only marginals: from the frame state, ∫J, ∫(x−x*)Jᵀ, ∫|J|²/p and the entropy production of the transient law, which stands beside them")
    func analyzeFromTheFrameState() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("p4.h5").path
        let setup = try RunSetup.build(try Self.config("P4.toml", [("time.stop", "1"), ("output.full_density", "false")]))
        #expect(setup.adaptedFrame != nil && !setup.writeFullDensity)
        _ = try SolveStudy(setup: setup, outputPath: path, overwrite: false, effort: .estimate).run()
        let study = try AnalyzeStudy(file: path, time: nil, threshold: 1e-6)
        let sde = setup.sde, start = setup.configuration.initial.components[0], n = sde.phaseDimension
        let law = GaussianTheory.propagate(Gaussian(mean: start.mean, covariance: Matrix(rows: n, cols: n, elements: start.covariance.flatMap { $0 })), sde, time: 1)
        let offset = zip(law.mean, sde.stationaryPoint).map { $0 - $1 }
        let a = sde.driftMatrix
        let expected = -1.0 * ((law.covariance + Matrix.outer(offset, offset)) * a.transposed) + sde.diffusion(at: sde.regularizedMinimum)
        let s = study.analysis.summary
        #expect(study.time == 1)
        #expect((s.firstMoment - expected).maxAbs <= 1e-9 * expected.maxAbs, "\((s.firstMoment - expected).maxAbs)")
        #expect(zip(s.total, a * offset).allSatisfy { abs($0 + $1) <= 1e-9 * (a * offset).map(abs).max()! })
        // Beside the measurements stand the exact values of this frame's own law, not the stationary ones.
        let theory = try #require(study.analysis.theory)
        #expect(study.analysis.exactLabel == "exact at t = 1" && (theory.circulation - expected).maxAbs <= 1e-12 * expected.maxAbs)
        #expect(abs(s.squaredIntegral / theory.currentSquaredIntegral - 1) <= 1e-8, "\(s.squaredIntegral) \(theory.currentSquaredIntegral)")
        #expect(abs(s.entropyProduction! / theory.entropyProduction! - 1) <= 1e-8, "\(s.entropyProduction!) \(theory.entropyProduction!)")
        #expect(abs(s.thetaPlaneCirculation! - theory.thetaPlaneCirculation!) <= 1e-9 * abs(theory.thetaPlaneCirculation!))
        #expect(zip(s.rotationFrequencies, theory.rotationFrequencies).allSatisfy { abs($0 / $1 - 1) <= 1e-9 } && theory.rotationFrequencies != sde.modes.map(\.omega))
        try study.write(to: dir.appendingPathComponent("analysed.h5").path, overwrite: false)
        let reader = try NetCDFReader(path: dir.appendingPathComponent("analysed.h5").path)
        #expect(reader.hasVariable("marginal_current_theta1_v1_theta1") && reader.hasVariable("modified_loss_theta") && !reader.hasVariable("current_theta1"))
    }

    @Test("The discretisation floor is the larger of the spectral and the box tail of the narrowest law, falls with the points, and goes into the solve's file")
    func discretisationFloor() throws {
        // 2.16 spacings per deviation, the planner's minimum, leave e^{−½(2.16π)²} ≈ 1e-10 at the last mode.
        #expect(abs(GridPlanner.spectralFloor(deviationsPerSpacing: 2.16, boxDeviations: 20) / 1.0e-10 - 1) < 0.03)
        #expect(GridPlanner.spectralFloor(deviationsPerSpacing: 100, boxDeviations: 7) == exp(-24.5))
        let adapted = try RunSetup.build(try Self.config("P3.toml"))
        #expect(adapted.discretisationFloor == GridPlanner.spectralFloor(deviationsPerSpacing: 32 / 15, boxDeviations: 7.5))
        let coarse = try RunSetup.build(try Self.config("P1.toml", [("grid.frame", "\"fixed\""), ("grid.points", "48")]))
        let fine = try RunSetup.build(try Self.config("P1.toml", [("grid.frame", "\"fixed\""), ("grid.points", "64")]))
        #expect(coarse.discretisationFloor! > fine.discretisationFloor!, "\(coarse.discretisationFloor!) \(fine.discretisationFloor!)")
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("p1.h5").path
        _ = try SolveStudy(setup: fine, outputPath: path, overwrite: false, effort: .estimate).run()
        #expect(try NetCDFReader(path: path).attribute("discretisation_floor") == .double(fine.discretisationFloor!))
    }

    @Test("Every study's file carries the common root attributes and its own sgdfp_kind")
    func everyKindHasTheCommonRootAttributes() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
        let p1 = try Self.config("P1.toml", [("grid.points", "64"), ("time.stop", "1")])
        _ = try SolveStudy(setup: try RunSetup.build(p1), outputPath: path("solve.h5"), overwrite: false, effort: .estimate).run()
        try AnalyzeStudy(file: path("solve.h5"), time: nil, threshold: 1e-6).write(to: path("analysed.h5"), overwrite: false)
        _ = try ValidationStudy(configuration: p1, runName: "P1").run(output: path("validate.h5"), overwrite: false)
        var options = SimulationStudy.Options()
        (options.chains, options.steps) = (10, 200)
        _ = try SimulationStudy(configuration: p1, options: options).run(output: path("simulate.h5"), overwrite: false)
        var diffusion = DiffusionStudy.Options(curvatures: DiffusionSpectrum.powerLaw(exponent: 2, modes: 50))
        diffusion.to = 1e3
        let spectrum = try DiffusionStudy(options: diffusion)
        try spectrum.write(spectrum.run(), to: path("diffusion.h5"), overwrite: false)
        let fluctuations = try FluctuationStudy(configuration: p1, fdt: true, replicas: false, chains: nil)
        try fluctuations.write(try fluctuations.effectiveTemperature(), nil, to: path("fluctuations.h5"), overwrite: false)
        var flow = try ModifiedFlowStudy(configuration: try Self.config("P6.toml"))
        flow.chains = 2
        try flow.write(rates: flow.rates, translation: flow.translationLaw(), to: path("flow.h5"), overwrite: false)

        let kinds: [(String, OutputKind, [String])] = [
            ("solve.h5", .solve, ["configuration", "stationary_point"]), ("analysed.h5", .analysedSolve, ["analysis_time"]),
            ("validate.h5", .validate, ["configuration", "validation_report"]), ("simulate.h5", .simulate, ["configuration", "stationary_point"]),
            ("diffusion.h5", .diffusion, ["curvatures"]), ("fluctuations.h5", .fluctuations, ["configuration"]),
            ("flow.h5", .modifiedFlow, ["configuration"]),
        ]
        for (file, kind, extra) in kinds {
            let root = try Self.rootAttributes(path(file))
            #expect(root.kind == kind.rawValue, "\(file)")
            #expect(Set(Self.common + extra).isSubset(of: root.names), "\(file): \(Set(Self.common + extra).subtracting(root.names))")
            #expect(try FileSummary(path: path(file)).kind == FileSummary.describe(kind))
        }
    }

    @Test("A grid read from a file refuses odd, short, uneven and off-centre axes")
    func fileGridChecks() throws {
        func axis(_ values: [Double]) -> PhaseSpaceAxis { PhaseSpaceAxis(name: "theta", longName: "", units: "1", values: values) }
        let good = (0..<8).map { -2 + 0.5 * Double($0) }
        let (grid, origin) = try FileGrid.grid(of: [axis(good), axis(good)], path: "f.h5")
        #expect(grid.shape == [8, 8] && origin == [0, 0] && grid.axes[0].halfWidth == 2)
        for bad in [Array(good.prefix(7)), Array(good.prefix(2)), good.enumerated().map { $0.offset == 3 ? $0.element + 0.1 : $0.element }] {
            #expect(throws: StudyError.self) { try FileGrid.grid(of: [axis(bad), axis(good)], path: "f.h5") }
        }
        #expect(throws: StudyError.self) { try FileGrid.grid(of: [axis(good), axis(good)], path: "f.h5", centre: [0.5, 0]) }
    }

    @Test("A refused or failing write leaves nothing behind and keeps an existing file")
    func failureLeavesNothing() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("run.h5").path
        try "keep".write(toFile: path, atomically: true, encoding: .utf8)
        let setup = try RunSetup.build(try Self.config("P1.toml", [("grid.points", "64"), ("time.stop", "1")]))
        #expect(throws: PhaseSpaceIOError.self) { _ = try SolveStudy(setup: setup, outputPath: path, overwrite: false, effort: .estimate).run() }
        // A body that fails half-way through a file: the temporary file goes, the destination stays.
        struct Halfway: Error {}
        #expect(throws: Halfway.self) {
            try OutputFile.write(to: path, overwrite: true, kind: .solve, provenance: OutputProvenance(title: "t", source: "sgdfp", history: "h")) { file in
                try file.defineDimension("x", coordinates: [0, 1], attributes: [:])
                throw Halfway()
            }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["run.h5"])
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "keep")
    }
}
