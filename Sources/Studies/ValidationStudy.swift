import Foundation
import FokkerPlanck
import LangevinModel
import PhaseSpaceIO
import RunConfiguration
import Spectral
import StationaryDistribution
import Validation

/// `sgdfp validate`: solves the stationary density directly (with at least 40 points per axis in 4-D, where
/// coarser grids resolve fewer digits than the claims need), analyses it, for a loss with a flat direction
/// also evolves the run file's initial law, and judges every claim of the theory on that evidence. Each
/// measurement carries its discretisation floor, from the same evidence at 3/4 of the points: a claim the
/// grid's own error could decide either way is "inconclusive on this grid", never "does not hold".
public struct ValidationStudy {
    /// The stationarity claim's bound: the density changes by less than this fraction of itself per unit time.
    public static let stationarityTolerance = 1e-6

    public var configuration: RunConfiguration
    /// Names the run in the report ("built-in example" without a run file).
    public var runName: String
    public var effort: PlanningEffort = .estimate
    public var invocation: Invocation = .current
    public let sde: LangevinSDE

    public init(configuration: RunConfiguration, runName: String) throws {
        self.configuration = configuration
        self.runName = runName
        sde = try RunSetup.model(configuration)
    }

    /// The grids the stationary evidence is solved and drawn on: the output grid and, for constant noise,
    /// the frame of the exact law with its grid; nil without a stationary density.
    public func stationaryGrids() throws -> (output: PhaseSpaceGrid, frame: (frame: Frame, grid: PhaseSpaceGrid)?)? {
        guard StationaryPipeline.unavailability(sde) == nil else { return nil }
        return try StationaryPipeline.grids(configuration, sde: sde, fullFields: sde.parameterDimension == 1,
                                            minimumPoints: sde.parameterDimension == 2 ? 40 : 4)
    }

    /// The report written beside the HDF5 output: same name, extension .json.
    public static func reportPath(for output: String) -> String {
        ((output as NSString).deletingPathExtension) + ".json"
    }

    public struct Result {
        public var report: ValidationReport
        public var stationary: StationaryPipeline?
        /// Why the transient run stopped early, when it did.
        public var transientWarning: String?
    }

    public func run(output: String, overwrite: Bool, progress: ProgressHandler? = nil) throws -> Result {
        try configuration.withWisdom { try evaluate(output: output, overwrite: overwrite, progress: progress) }
    }

    private func evaluate(output: String, overwrite: Bool, progress: ProgressHandler?) throws -> Result {
        let jsonPath = Self.reportPath(for: output)
        if !overwrite && FileManager.default.fileExists(atPath: jsonPath) {
            throw StudyError("File \(jsonPath) already exists; remove it, choose another --output, or pass --overwrite.")
        }
        let unavailable = StationaryPipeline.unavailability(sde)
        let fine = try gather(coarsening: nil, unavailable: unavailable, progress: progress)
        // The same evidence on two coarser grids of the same box, about 7/8 and 3/4 of the points, gives each
        // measurement its floor. A grid too coarse to give evidence at all leaves the floors unknown, so the
        // verdicts inconclusive.
        let coarser = [0.875, 0.75].map { fraction in
            let evidence = try? gather(coarsening: (fraction, fine), unavailable: unavailable, progress: progress).evidence
            return (evidence: evidence, points: Self.coarsened(fine.points, by: fraction))
        }
        let adapted = fine.stationary?.frame != nil
        let claims = Validator.evaluate(fine.evidence, points: fine.points, coarser: coarser,
                                        rerun: adapted ? ClaimResult.moreFramePoints : ClaimResult.morePoints)
        let (stationary, transient) = (fine.stationary, fine.transient)
        let report = ValidationReport(run: runName, claims: claims)
        let grid = fine.grid
        try AnalysisProduct.write(to: output, overwrite: overwrite, kind: .validate,
                                  title: "Validation of the limiting-dynamics claims for SGD with momentum (\(sde.noise.name) noise)",
                                  configuration: configuration, sde: sde, grid: grid, fullFields: sde.parameterDimension == 1,
                                  invocation: invocation) { product in
            if let s = stationary {
                try product.writeStationary(s)
                try product.writeAnalysis(s.analysis)
            }
            if let t = transient { try Self.writeTransient(t.evidence, sde: sde, to: product.file) }
            try Self.writeVerdicts(report, to: product.file)
        }
        try report.json().write(toFile: jsonPath, atomically: true, encoding: .utf8)
        return Result(report: report, stationary: stationary, transientWarning: transient?.warning)
    }

    /// A transient run's moments, its grid, and why it stopped early when it did.
    typealias Transient = (evidence: TransientEvidence, grid: PhaseSpaceGrid, warning: String?)

    private struct Gathered {
        var evidence: Evidence
        var stationary: StationaryPipeline?
        var transient: Transient?
        /// The output grid: the stationary one, or the transient's when there is no stationary density.
        var grid: PhaseSpaceGrid
        /// Points per axis of the grid the evidence was solved on (the stationary frame grid in the adapted frame).
        var points: Int
    }

    /// The stationary solve and its analysis, and for a flat direction the transient run, on the run's grids
    /// (the adapted frame for constant noise; at least 40 points per axis in 4-D on the fixed one), or, as
    /// evidence for the floors only, on those grids coarsened by a fraction, where a transient the coarser
    /// grid cannot run leaves just the flat-direction floors unknown.
    private func gather(coarsening: (fraction: Double, fine: Gathered)?, unavailable: String?, progress: ProgressHandler?) throws -> Gathered {
        let coarse = coarsening != nil
        func coarser(_ grid: PhaseSpaceGrid) throws -> PhaseSpaceGrid {
            guard let c = coarsening else { return grid }
            return try PhaseSpaceGrid(points: grid.shape.map { Self.coarsened($0, by: c.fraction) }, halfWidths: grid.axes.map(\.halfWidth))
        }
        var stationary: StationaryPipeline?
        if unavailable == nil, let planned = try stationaryGrids() {
            let settings = StationarySolverSettings(residualTolerance: 1e-10)
            if let fine = planned.frame {
                let frame = try coarsening.map { c in
                    try StationarySolver.frameGrid(for: sde, points: Self.coarsened(fine.grid.axes[0].points, by: c.fraction), halfWidth: fine.grid.axes[0].halfWidth)
                } ?? fine
                // The frame box holds the exact law to 7.5 deviations, so ringing at its edge is under-resolution,
                // which the coarser grids' floors measure: the verdicts say inconclusive rather than the run failing.
                stationary = try StationaryPipeline(sde: sde, grid: planned.output, frame: frame, settings: settings, threshold: 1e-6, effort: effort,
                                                    progress: progress, refusingEdge: false, drawsFields: !coarse && sde.parameterDimension == 1)
            } else {
                let grid = try coarsening?.fine.stationary.map { try coarser($0.grid) } ?? planned.output
                stationary = try StationaryPipeline(sde: sde, grid: grid, settings: settings, threshold: 1e-6, effort: effort,
                                                    progress: progress, refusingEdge: !coarse)
            }
        }
        var transient: Transient?
        if sde.modes.contains(where: { $0.curvature == 0 }) {
            var transientConfig = configuration
            transientConfig.grid.points = try coarsening?.fine.transient.map { try coarser($0.grid).shape }
                ?? configuration.grid.points(axes: sde.phaseDimension).map { sde.parameterDimension == 2 ? max($0, 40) : $0 }
            transient = coarse ? try? Self.evolve(transientConfig, effort: effort, edgeCheck: false) : try Self.evolve(transientConfig, effort: effort)
        }
        let evidence = Evidence(sde: sde, stationary: stationary.map {
            StationaryEvidence(residual: $0.solution.residual, residualTolerance: Self.stationarityTolerance,
                               moments: $0.moments, l1ToExact: $0.l1ToExact, modifiedLoss: $0.analysis.modifiedLoss,
                               current: $0.analysis.summary)
        }, stationaryUnavailable: unavailable, transient: transient?.evidence)
        guard let grid = stationary?.grid ?? transient?.grid else { throw StudyError("The transient run gave no evidence on this grid.") }
        let points = (stationary?.solveGrid ?? grid).shape.max()!
        return Gathered(evidence: evidence, stationary: stationary, transient: transient, grid: grid, points: points)
    }

    /// The grid size nearest `fraction` of `points` that FFTW transforms fast (`transformFriendlySize`).
    static func coarsened(_ points: Int, by fraction: Double) -> Int {
        transformFriendlySize(near: fraction * Double(points), below: points)
    }

    /// The even number of points nearest `target` (at least 4, less than `below`) whose prime factors are
    /// 2, 3, 5 and 7 only, which FFTW transforms fastest.
    static func transformFriendlySize(near target: Double, below: Int) -> Int {
        func friendly(_ n: Int) -> Bool {
            var m = n
            for p in [2, 3, 5, 7] { while m % p == 0 { m /= p } }
            return m == 1
        }
        let candidates = stride(from: 4, to: max(below, 5), by: 2).filter(friendly)
        return candidates.min { abs(Double($0) - target) < abs(Double($1) - target) } ?? 4
    }

    static func writeVerdicts(_ report: ValidationReport, to file: NetCDFFile) throws {
        try file.setAttribute("validation_report", .text(try report.json()))
        try file.setAttribute("validation_all_agree", .int(report.allAgree ? 1 : 0))
        for c in report.claims {
            try file.setAttribute("validation_\(c.id)", .text(c.verdict.rawValue))
            if let m = c.measured, m.isFinite { try file.setAttribute("validation_\(c.id)_measured", .double(m)) }
            if let e = c.expected { try file.setAttribute("validation_\(c.id)_expected", .text(e.rawValue)) }
            if let f = c.floor, f.isFinite { try file.setAttribute("validation_\(c.id)_floor", .double(f)) }
        }
    }

    /// Evolves the run file's initial law as sgdfp solve does and records the moments of every frame.
    /// Without `edgeCheck` (evidence for a finer grid's error only) ringing at the box edge does not stop the run.
    static func evolve(_ config: RunConfiguration, effort: PlanningEffort, edgeCheck: Bool = true) throws -> Transient {
        // The transient's coarser grids estimate the finer one's error, so it runs on the grid itself: the fixed frame.
        var config = config
        config.grid.frame = .fixed
        let setup = try RunSetup.build(config)
        guard case .mixture = setup.start else {
            throw StudyError("validate needs an [initial] law (gaussian or mixture) for the flat-direction claims, not a file.")
        }
        let stepper = try TimeSteppers.make(setup.scheme, dynamics: setup.dynamics, grid: setup.grid, effort: effort, substepNorm: setup.substepNorm)
        let simulation = Simulation(stepper: stepper, initialDensity: try setup.initialDensity())
        let recorder = MomentRecorder()
        var warning: String?
        do {
            var settings = setup.simulationSettings
            if !edgeCheck { settings.boundaryTolerance = .infinity }
            _ = try simulation.run(settings, observers: [recorder])
        } catch let SimulationError.densityAtBoundary(time, axis, fraction) where recorder.times.count >= 3 {
            // Without noise the flat direction contracts until the grid no longer resolves it and rings; the
            // frames before that are the evidence.
            warning = String(format: "the transient run stopped at t = %.3g, where the density rings at the box edge along %@ (%.2g of its peak) because the flat direction has contracted below the grid; the flat-direction claims use the %ld frames up to t = %.3g.",
                             time, axis, fraction, recorder.times.count, recorder.times.last!)
        }
        return (TransientEvidence(times: recorder.times, means: recorder.means, covariances: recorder.covariances), setup.grid, warning)
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
