import Foundation
import FokkerPlanck
import LangevinModel
import PhaseSpaceIO
import ProbabilityCurrent
import RunConfiguration
import Spectral
import StationaryDistribution

/// The stationary density solved directly on a grid for the stationary law, with its analysis.
public struct StationaryPipeline {
    public let sde: LangevinSDE
    public let grid: PhaseSpaceGrid
    public let solution: StationarySolution
    /// Moments of the solved density, centred at x*.
    public let moments: DensityMoments
    public let exactDensity: AlignedBuffer?
    public let l1ToExact: Double?
    public let analysis: DensityAnalysis
    public let residualTolerance: Double

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

    /// Solves and analyses. With `refusingEdge` (the default) a density that reaches the box edge is refused;
    /// evidence gathered only to estimate a finer grid's error passes false.
    public init(sde: LangevinSDE, grid: PhaseSpaceGrid, settings: StationarySolverSettings, threshold: Double, effort: PlanningEffort,
                start: AlignedBuffer? = nil, progress: ProgressHandler? = nil, refusingEdge: Bool = true) throws {
        if let reason = Self.unavailability(sde) { throw StudyError(reason) }
        let memory = StationarySolver.memoryEstimate(grid: grid, krylovDimension: settings.krylovDimension)
            + ProbabilityCurrent.memoryEstimate(grid: grid) + 6 * Double(grid.pointCount) * 8
            + (try TimeSteppers.entry(sde.noise.isStateDependent ? "exact-strang" : "exact")).memoryEstimate(grid: grid, dynamics: LinearDynamics(sde))
        try grid.checkMemory(bytes: memory)
        self.sde = sde
        self.grid = grid
        residualTolerance = settings.residualTolerance
        let solver = try StationarySolver(sde: sde, grid: grid, effort: effort)
        solution = solver.solve(from: try start ?? solver.momentGuess(), settings: settings, progress: progress.stationarySolve)
        progress.finish()
        let density = UnsafeBufferPointer(solution.density.buffer)
        guard solution.residual.isFinite else { throw StudyError("The stationary solve produced non-finite values; use more [grid] points or a wider [grid] box.") }
        moments = Quadrature.moments(of: density, on: grid)
        if refusingEdge, let worst = moments.boundaryFractions.max(), worst > 1e-6 {
            let axis = grid.axes[moments.boundaryFractions.firstIndex(of: worst)!].name
            throw StudyError(String(format: "The stationary density reaches the box edge along %@ (%.2g of its peak); use more [grid] points (the automatic box holds 7.5 standard deviations, so this is the ringing of an under-resolved density), or widen [grid] box if you set it.", axis, worst))
        }
        if let theory = try? StationaryTheory(sde) {
            let exact = grid.makeField()
            try GaussianMixture(mean: theory.law.mean, covariance: theory.law.covariance.elements)
                .sample(on: grid, origin: sde.stationaryPoint, into: exact.buffer)
            exactDensity = exact
            l1ToExact = Quadrature.l1Distance(density, UnsafeBufferPointer(exact.buffer), on: grid)
        } else {
            exactDensity = nil
            l1ToExact = nil
        }
        analysis = try DensityAnalysis(density: density, sde: sde, grid: grid, threshold: threshold, effort: effort)
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
    public let grid: PhaseSpaceGrid

    /// Checks that the model has a stationary density on a grid and plans that grid.
    public init(configuration: RunConfiguration, settings: StationarySolverSettings) throws {
        self.configuration = configuration
        self.settings = settings
        sde = try RunSetup.model(configuration)
        if let reason = StationaryPipeline.unavailability(sde) { throw StudyError(reason) }
        grid = try StationaryPipeline.grid(configuration, sde: sde, minimumPoints: 4)
    }

    public func run(output: String, overwrite: Bool, progress: ProgressHandler? = nil) throws -> StationaryPipeline {
        let result = try configuration.withWisdom {
            try StationaryPipeline(sde: sde, grid: grid, settings: settings, threshold: threshold, effort: effort, progress: progress)
        }
        try AnalysisProduct.write(to: output, overwrite: overwrite, kind: .stationary,
                                  title: "Stationary phase-space density of SGD with momentum (\(sde.noise.name) noise)",
                                  configuration: configuration, sde: sde, grid: grid,
                                  fullFields: fullFields || sde.parameterDimension == 1, invocation: invocation) { product in
            try product.writeStationary(result)
            try product.writeAnalysis(result.analysis)
        }
        return result
    }
}
