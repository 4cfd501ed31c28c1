import Foundation
import FokkerPlanck
import LangevinModel
import PhaseSpaceIO
import ProbabilityCurrent
import RunConfiguration
import Spectral
import StationaryDistribution

/// The stationary density solved directly on a grid for the stationary law, with its analysis.
///
/// On the fixed frame the grid is axis-aligned. In the adapted frame the solve runs on a frame grid in the
/// coordinates of the exact stationary law (`StationarySolver.frameGrid`), where that law is N(0, I) however
/// narrow or tilted it is, and every number (moments, L¹, residual, current, fits) comes from there; the
/// fields are then drawn on the axis-aligned output `grid` (`FrameProjection`), exactly, marginals included.
public struct StationaryPipeline {
    public let sde: LangevinSDE
    /// The axis-aligned grid of the output.
    public let grid: PhaseSpaceGrid
    /// The adapted frame and its grid, when the solve ran there.
    public let frame: (frame: Frame, grid: PhaseSpaceGrid)?
    public let solution: StationarySolution
    /// Moments of the solved density, centred at x*.
    public let moments: DensityMoments
    /// The solved and exact densities on `grid` when they are written whole, and their 2-D marginals in 4-D.
    public let density: [Double]?
    public let densityMarginals: [String: [Double]]?
    public let exactDensity: [Double]?
    public let exactMarginals: [String: [Double]]?
    public let l1ToExact: Double?
    public let analysis: DensityAnalysis
    public let residualTolerance: Double

    /// The grid the density was solved on: the frame grid in the adapted frame.
    public var solveGrid: PhaseSpaceGrid { frame?.grid ?? grid }

    /// Why this model has no stationary density on a grid, or nil when it has one.
    public static func unavailability(_ sde: LangevinSDE) -> String? {
        if let free = sde.modes.first(where: { $0.regime == .free }) {
            return ModelError.noStationaryDistribution(direction: free.direction).description
        }
        if !sde.noise.isStateDependent {
            do { _ = try StationaryTheory(sde) } catch { return "\(error)" }
        }
        return nil
    }

    /// The grid: [grid] points (at least `minimumPoints` per axis) over a box of 7.5 stationary standard
    /// deviations (14 for state-dependent noise), or the run file's explicit box.
    public static func grid(_ config: RunConfiguration, sde: LangevinSDE, minimumPoints: Int) throws -> PhaseSpaceGrid {
        let points = config.grid.points(axes: sde.phaseDimension).map { max($0, minimumPoints) }
        switch config.grid.box {
        case .auto: return try StationarySolver.grid(for: sde, points: points)
        case let .halfWidths(w): return try PhaseSpaceGrid(points: points, halfWidths: w)
        }
    }

    /// Whether the run file's [grid] frame puts the stationary solve in the adapted frame: `auto` does for
    /// constant noise, where the exact propagator runs.
    public static func adapts(_ config: RunConfiguration, sde: LangevinSDE) -> Bool {
        switch config.grid.frame {
        case .fixed: false
        case .adapted: true
        case .auto: !sde.noise.isStateDependent
        }
    }

    /// Points per frame axis of the adapted stationary solve: [grid] frame_points, or 64 for one parameter and
    /// 36 for two. 32 resolve N(0, I) on ±7.5 to about 1e-10, but the operator's residual, which weighs the
    /// last modes by the symbol's k², stops there at 2e-8 (P4); 36 bring it to 8e-11, below the default target.
    public static func framePoints(_ config: RunConfiguration, sde: LangevinSDE) -> Int {
        config.grid.framePoints ?? (sde.parameterDimension == 1 ? 64 : 36)
    }

    /// The axis-aligned output grid of an adapted solve: [grid] points when set, otherwise 128 per axis, or 48
    /// when the full 4-D fields are drawn (128⁴ would not fit).
    /// A [grid] box must hold the law (7.5 deviations), as a solve's must hold its run.
    public static func outputGrid(_ config: RunConfiguration, sde: LangevinSDE, fullFields: Bool) throws -> PhaseSpaceGrid {
        var config = config
        if config.grid.points == nil && sde.parameterDimension == 2 && fullFields { config.grid.points = [48] }
        if case let .halfWidths(w) = config.grid.box {
            let law = try StationarySolver.stationaryMoments(sde)
            try GridPlanner().checkBox(w, names: PhaseSpaceGrid.axisNames(parameterDimension: sde.parameterDimension),
                                       envelopes: [GridPlanner.Envelope(time: .infinity, mean: law.mean, covariance: law.covariance.elements)],
                                       stationaryPoint: sde.stationaryPoint)
        }
        return try grid(config, sde: sde, minimumPoints: 4)
    }

    /// The grids of a stationary solve of this run file: the output grid and, in the adapted frame, the frame of
    /// the exact law with its grid (`minimumPoints` per axis applies to a fixed-frame grid).
    public static func grids(_ config: RunConfiguration, sde: LangevinSDE, fullFields: Bool, minimumPoints: Int) throws
        -> (output: PhaseSpaceGrid, frame: (frame: Frame, grid: PhaseSpaceGrid)?) {
        guard adapts(config, sde: sde) else { return (try grid(config, sde: sde, minimumPoints: minimumPoints), nil) }
        return (try outputGrid(config, sde: sde, fullFields: fullFields),
                try StationarySolver.frameGrid(for: sde, points: framePoints(config, sde: sde), halfWidth: config.grid.frameBox))
    }

    /// Solves and analyses, on `grid` or, with `frame`, on its frame grid with the output drawn on `grid`.
    /// With `refusingEdge` (the default) a density that reaches the box edge is refused; evidence gathered
    /// only to estimate a finer grid's error passes false. `drawsFields` draws the whole fields on `grid`
    /// (d = 1, or 4-D full fields); an axis-aligned solve has them anyway.
    public init(sde: LangevinSDE, grid: PhaseSpaceGrid, frame: (frame: Frame, grid: PhaseSpaceGrid)? = nil, settings: StationarySolverSettings,
                threshold: Double, effort: PlanningEffort, start: AlignedBuffer? = nil, progress: ProgressHandler? = nil,
                refusingEdge: Bool = true, drawsFields: Bool = true, keepInaccurate: Bool = false) throws {
        if let reason = Self.unavailability(sde) { throw StudyError(reason) }
        let solveGrid = frame?.grid ?? grid
        let scheme = sde.noise.isStateDependent ? "exact-strang" : "exact"
        var memory = StationarySolver.memoryEstimate(grid: solveGrid, krylovDimension: settings.krylovDimension)
            + ProbabilityCurrent.memoryEstimate(grid: solveGrid) + 6 * Double(solveGrid.pointCount) * 8
            + (try TimeSteppers.entry(scheme)).memoryEstimate(grid: solveGrid, dynamics: LinearDynamics(sde))
        if frame != nil && drawsFields {
            // The output grid's share first, so that a refusal names the setting that makes the difference.
            let output = FrameProjection.memoryEstimate(frameGrid: solveGrid, output: grid) + 12 * Double(grid.pointCount) * 8
            try grid.checkMemory(bytes: output)
            memory += output
        }
        try solveGrid.checkMemory(bytes: memory, setting: frame == nil ? "[grid] points" : "[grid] frame_points")
        self.sde = sde
        self.grid = grid
        self.frame = frame
        residualTolerance = settings.residualTolerance
        let solver = try StationarySolver(sde: sde, grid: solveGrid, frame: frame?.frame, effort: effort)
        solution = solver.solve(from: try start ?? solver.momentGuess(), settings: settings, progress: progress.stationarySolve)
        progress.finish()
        guard solution.residual.isFinite else { throw StudyError("The stationary solve produced non-finite values; use more [grid] points or a wider [grid] box.") }
        let solved = UnsafeBufferPointer(solution.density.buffer)
        let projection = frame.map { FrameProjection(frame: $0.frame, frameGrid: $0.grid, output: grid) }
        let solvedDensity = solution.density
        moments = frame.map { FrameView(frame: $0.frame, grid: $0.grid, density: solvedDensity).moments } ?? Quadrature.moments(of: solved, on: grid)
        if refusingEdge, let worst = moments.boundaryFractions.max(), worst > 1e-6 {
            let axis = solveGrid.axes[moments.boundaryFractions.firstIndex(of: worst)!].name
            throw StudyError(frame == nil
                ? String(format: "The stationary density reaches the box edge along %@ (%.2g of its peak); use more [grid] points (the automatic box holds 7.5 standard deviations, so this is the ringing of an under-resolved density), or widen [grid] box if you set it.", axis, worst)
                : String(format: "The stationary density reaches the edge of the frame box along %@ (%.2g of its peak); use more [grid] frame_points, or a wider [grid] frame_box for heavy tails.", axis, worst))
        }
        let fourDimensional = sde.parameterDimension == 2
        if let projection {
            density = drawsFields ? projection.drawn(solution.density).values : nil
            densityMarginals = fourDimensional ? projection.pairMarginals(solution.density) : nil
        } else {
            density = Array(solved)
            densityMarginals = fourDimensional ? Quadrature.pairMarginals(of: solved, on: grid) : nil
        }
        if let theory = try? StationaryTheory(sde) {
            let law = GaussianMixture(mean: theory.law.mean, covariance: theory.law.covariance.elements)
            // The L¹ distance is the same number in any coordinates: measured where the solution lives.
            let exactOnSolveGrid = solveGrid.makeField()
            if let frame {
                try law.sample(inFrame: frame.frame, origin: sde.stationaryPoint, on: solveGrid, into: exactOnSolveGrid.buffer)
            } else {
                try law.sample(on: grid, origin: sde.stationaryPoint, into: exactOnSolveGrid.buffer)
            }
            let l1 = withExtendedLifetime(exactOnSolveGrid) { Quadrature.l1Distance(solved, UnsafeBufferPointer(exactOnSolveGrid.buffer), on: solveGrid) }
            // A solution 1 % of its mass away from the exact law is no solution of this problem, as for solve.
            if refusingEdge && !keepInaccurate && !(l1 <= SolveStudy.largestL1Error) {
                let axis = solveGrid.axes[0]
                throw StudyError(frame == nil
                    ? String(format: "The stationary density is %.2g from the exact law in relative L¹ on this grid: the grid does not resolve it; use more [grid] points, or set [output] keep_inaccurate = true to write it anyway.", l1)
                    : String(format: "The stationary density is %.2g from the exact law in relative L¹ on the frame grid, whose %ld points on ±%.3g resolve N(0, I) only to %.1g; use more [grid] frame_points or a [grid] frame_box nearer 7.5, or set [output] keep_inaccurate = true to write it anyway.",
                             l1, axis.points, axis.halfWidth, GridPlanner.spectralFloor(deviationsPerSpacing: 1 / axis.spacing, boxDeviations: axis.halfWidth)))
            }
            l1ToExact = l1
            if frame == nil {
                exactDensity = exactOnSolveGrid.values
            } else if drawsFields {
                let exact = grid.makeField()
                try law.sample(on: grid, origin: sde.stationaryPoint, into: exact.buffer)
                exactDensity = exact.values
            } else {
                exactDensity = nil
            }
            exactMarginals = fourDimensional ? try law.pairMarginals(on: grid, origin: sde.stationaryPoint) : nil
        } else {
            exactDensity = nil
            exactMarginals = nil
            l1ToExact = nil
        }
        if let projection {
            analysis = try DensityAnalysis(frameDensity: solution.density, projection: projection, sde: sde, threshold: threshold,
                                           effort: effort, drawsFields: drawsFields)
        } else {
            analysis = try DensityAnalysis(density: solved, sde: sde, grid: grid, threshold: threshold, effort: effort)
        }
    }
}

/// `sgdfp stationary`: the stationary density solved directly, analysed, and written with the exact law beside it.
public struct StationaryStudy {
    public var configuration: RunConfiguration
    public var settings: StationarySolverSettings
    /// The modified loss is computed where p exceeds this fraction of its peak.
    public var threshold = 1e-6
    /// Write the full 4-D analysis fields too (the 2-D marginals are always written).
    public var fullFields = false
    public var effort: PlanningEffort = .estimate
    public var invocation: Invocation = .current

    public let sde: LangevinSDE

    /// Checks that the model has a stationary density on a grid.
    public init(configuration: RunConfiguration, settings: StationarySolverSettings) throws {
        self.configuration = configuration
        self.settings = settings
        sde = try RunSetup.model(configuration)
        if let reason = StationaryPipeline.unavailability(sde) { throw StudyError(reason) }
    }

    /// The axis-aligned grid of the output (in the fixed frame, also the grid of the solve) and, in the adapted
    /// frame, the frame and its grid ([grid] frame).
    public var grids: (output: PhaseSpaceGrid, frame: (frame: Frame, grid: PhaseSpaceGrid)?) {
        get throws { try StationaryPipeline.grids(configuration, sde: sde, fullFields: writesFullFields, minimumPoints: 4) }
    }

    public var writesFullFields: Bool { fullFields || sde.parameterDimension == 1 }

    public func run(output: String, overwrite: Bool, progress: ProgressHandler? = nil) throws -> StationaryPipeline {
        let (grid, frame) = try grids
        let result = try configuration.withWisdom {
            try StationaryPipeline(sde: sde, grid: grid, frame: frame, settings: settings, threshold: threshold, effort: effort,
                                   progress: progress, drawsFields: writesFullFields, keepInaccurate: configuration.output.keepInaccurate)
        }
        try AnalysisProduct.write(to: output, overwrite: overwrite, kind: .stationary,
                                  title: "Stationary phase-space density of SGD with momentum (\(sde.noise.name) noise)",
                                  configuration: configuration, sde: sde, grid: grid,
                                  fullFields: writesFullFields, invocation: invocation) { product in
            try product.writeStationary(result)
            try product.writeAnalysis(result.analysis)
        }
        return result
    }
}
