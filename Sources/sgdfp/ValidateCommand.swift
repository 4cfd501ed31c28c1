import ArgumentParser
import Foundation
import FokkerPlanck
import LangevinModel
import PhaseSpaceIO
import RunConfiguration
import Spectral
import StationaryDistribution
import Validation

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check the claims of the limiting-dynamics theory on a run: stationarity, Gibbs or not, detailed balance, rotating currents, flat directions.",
        discussion: """
            Solves the stationary density directly (as sgdfp stationary, with at least 40 points per axis in 4-D, \
            where coarser grids resolve fewer digits than the claims need), analyses it, and for a loss with a flat \
            direction also evolves the run file's initial law (as sgdfp solve). Prints a table of claim, expected \
            verdict, measured value, tolerance and verdict; writes the evidence to the HDF5 output, the report as \
            JSON beside it (same name, .json) and as attributes validation_<claim> in the HDF5 file. Exit status 0 \
            when every verdict agrees with the theory's prediction, 1 otherwise. Claims that do not apply to the \
            run are reported with the reason.
            """)

    @OptionGroup var runFile: RunFileOptions
    @Option(name: .shortAndLong, help: "Output HDF5 file; the report goes beside it with extension .json.") var output = "sgdfp-validate.h5"
    @Flag(help: "Replace the output files if they exist.") var overwrite = false
    @OptionGroup var sidecar: SidecarOption
    /// The stationarity claim's bound: the density changes by less than this fraction of itself per unit time.
    static let stationarityTolerance = 1e-6

    func run() throws {
        var agree = true
        try runReportingErrors {
            let config = try runFile.configuration()
            let effort = try runFile.effort()
            let sde = try RunSetup.makeSDE(config)
            let jsonPath = ((output as NSString).deletingPathExtension) + ".json"
            if !overwrite && FileManager.default.fileExists(atPath: jsonPath) {
                throw SetupError("File \(jsonPath) already exists; remove it, choose another --output, or pass --overwrite.")
            }
            try sidecar.check(output: output, overwrite: overwrite)
            if !runFile.quiet { print(Describe.model(sde)); print("") }

            var stationary: StationaryPipeline?
            let unavailable = StationaryPipeline.unavailability(sde)
            if unavailable == nil {
                let grid = try StationaryPipeline.grid(config, sde: sde, minimumPoints: sde.parameterDimension == 2 ? 40 : 4)
                let settings = StationarySolverSettings(residualTolerance: 1e-10)
                stationary = try StationaryPipeline(sde: sde, grid: grid, settings: settings, threshold: 1e-6, effort: effort,
                                                    progress: runFile.quiet ? nil : TerminalProgress())
            }
            var transient: TransientEvidence?
            var transientGrid: PhaseSpaceGrid?
            if sde.modes.contains(where: { $0.curvature == 0 }) {
                var transientConfig = config
                if sde.parameterDimension == 2 {
                    transientConfig.grid.points = config.grid.points(axes: 4).map { max($0, 40) }
                }
                (transient, transientGrid) = try Self.evolve(transientConfig, effort: effort)
            }
            let evidence = stationary.map {
                StationaryEvidence(residual: $0.solution.residual, residualTolerance: Self.stationarityTolerance,
                                   moments: $0.moments, l1ToExact: $0.l1ToExact, modifiedLoss: $0.analysis.modifiedLoss,
                                   current: $0.analysis.summary)
            }
            let claims = Validator.evaluate(sde: sde, stationary: evidence, stationaryUnavailable: unavailable, transient: transient)
            let report = ValidationReport(run: runFile.runFile ?? "built-in example", claims: claims)
            agree = report.allAgree

            let grid = stationary?.grid ?? transientGrid!
            try AnalysisFile.write(to: output, overwrite: overwrite, grid: grid, sde: sde, config: config,
                                   title: "Validation of the limiting-dynamics claims for SGD with momentum (\(sde.noise.name) noise)",
                                   writeFullFields: sde.parameterDimension == 1) { writer in
                if let s = stationary {
                    try writer.writeStationary(s)
                    try writer.writeAnalysis(s.analysis)
                }
                if let t = transient { try Self.writeTransient(t, sde: sde, to: writer.file) }
                try writer.file.setAttribute("validation_report", .text(try report.json()))
                try writer.file.setAttribute("validation_all_agree", .int(report.allAgree ? 1 : 0))
                for c in claims {
                    try writer.file.setAttribute("validation_\(c.id)", .text(c.verdict.rawValue))
                    if let m = c.measured, m.isFinite { try writer.file.setAttribute("validation_\(c.id)_measured", .double(m)) }
                    if let e = c.expected { try writer.file.setAttribute("validation_\(c.id)_expected", .text(e.rawValue)) }
                }
            }
            try report.json().write(toFile: jsonPath, atomically: true, encoding: .utf8)

            print(Self.table(report))
            if !runFile.quiet {
                print("\n" + (report.allAgree ? "Every verdict agrees with the theory." : "Some verdicts disagree with the theory."))
                print("wrote \(output) and \(jsonPath)")
            }
            sidecar.write(output: output, quiet: runFile.quiet)
        }
        if !agree { throw ExitCode(1) }
    }

    static func table(_ report: ValidationReport) -> String {
        var table = ConsoleTable("claim", "expected", "measured", "tolerance", "verdict", "agrees")
        for c in report.claims {
            table.add(c.id, c.expected?.rawValue ?? "-", c.measured.map { fmt($0, 3) } ?? "-", c.tolerance.map { fmt($0, 2) } ?? "-",
                      c.verdict.rawValue, c.agrees.map { $0 ? "yes" : "NO" } ?? "-")
        }
        var lines = [table.render(), ""]
        for c in report.claims {
            let detail = c.detail.hasSuffix(".") ? c.detail : c.detail + "."
            lines.append("\(c.id): \(c.claim). \(detail)")
        }
        return lines.joined(separator: "\n")
    }

    /// Evolves the run file's initial law as sgdfp solve does and records the moments of every frame.
    static func evolve(_ config: RunConfiguration, effort: PlanningEffort) throws -> (TransientEvidence, PhaseSpaceGrid) {
        let setup = try RunSetup.build(config)
        guard case let .mixture(mixture) = setup.start else {
            throw SetupError("validate needs an [initial] law (gaussian or mixture) for the flat-direction claims, not a file.")
        }
        let stepper = try TimeSteppers.make(setup.scheme, dynamics: setup.dynamics, grid: setup.grid, effort: effort, substepNorm: setup.substepNorm)
        let initial = AlignedBuffer(count: setup.grid.pointCount)
        try mixture.sample(on: setup.grid, origin: setup.dynamics.stationaryPoint, into: initial.buffer)
        let simulation = Simulation(stepper: stepper, initialDensity: initial)
        var evidence = TransientEvidence(times: [], means: [], covariances: [])
        let c = config.time
        do {
            _ = try simulation.run(SimulationSettings(stopTime: c.stop, outputEvery: c.outputEvery, tolerance: c.tolerance, fixedStep: c.step,
                                                      boundaryTolerance: setup.boundaryTolerance)) { frame in
                evidence.times.append(frame.time)
                evidence.means.append(frame.moments.mean)
                evidence.covariances.append(frame.moments.covariance)
            }
        } catch let SimulationError.densityAtBoundary(time, axis, fraction) where evidence.times.count >= 3 {
            // Without noise the flat direction contracts until the grid no longer resolves it and rings; the
            // frames before that are the evidence.
            writeError(String(format: "sgdfp: warning: the transient run stopped at t = %.3g, where the density rings at the box edge along %@ (%.2g of its peak) because the flat direction has contracted below the grid; the flat-direction claims use the %d frames up to t = %.3g.",
                              time, axis, fraction, evidence.times.count, evidence.times.last!))
        }
        return (evidence, setup.grid)
    }

    /// The flat-direction evidence as time series: u·mean and the (u·θ, u·v) covariance per frame.
    static func writeTransient(_ t: TransientEvidence, sde: LangevinSDE, to file: NetCDFFile) throws {
        guard let flat = sde.modes.first(where: { $0.curvature == 0 }) else { return }
        let u = flat.direction, d = sde.parameterDimension, n = 2 * d
        try file.defineDimension("frame_time", coordinates: t.times, attributes: ["long_name": .text("time of the transient frames"), "units": .text("1")])
        let mean = t.means.map { m in (0..<d).reduce(0) { $0 + u[$1] * m[$1] } }
        let variance = t.covariances.map { c in (0..<d).reduce(0) { s, a in s + (0..<d).reduce(0) { $0 + u[a] * c[a * n + $1] * u[$1] } } }
        try file.defineVariable("flat_direction_mean", dimensions: ["frame_time"], attributes: ["long_name": .text("u . mean of theta along the flat direction u"), "units": .text("1")])
        try file.write("flat_direction_mean", values: mean)
        try file.defineVariable("flat_direction_variance", dimensions: ["frame_time"], attributes: ["long_name": .text("variance of u . theta along the flat direction u"), "units": .text("1")])
        try file.write("flat_direction_variance", values: variance)
        try file.setAttribute("flat_direction", .doubles(u))
    }
}
