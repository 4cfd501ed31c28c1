import Foundation
import FokkerPlanck
import LangevinModel
import ModifiedLoss
import ProbabilityCurrent
import RunConfiguration
import Spectral
import StationaryDistribution

/// The analysis of one density: modified loss and probability current, with the exact theory beside them.
struct DensityAnalysis {
    let sde: LangevinSDE
    let grid: PhaseSpaceGrid
    let theory: StationaryTheory?
    let modifiedLoss: ModifiedLossResult
    let fields: CurrentFields
    let summary: CurrentSummary
    let marginalCurrents: [(plane: String, component: String, values: [Double])]

    init(density: UnsafeBufferPointer<Double>, sde: LangevinSDE, grid: PhaseSpaceGrid, threshold: Double, effort: PlanningEffort) throws {
        self.sde = sde
        self.grid = grid
        theory = try? StationaryTheory(sde)
        modifiedLoss = try ModifiedLoss.analyze(density, grid: grid, sde: sde, threshold: threshold)
        let current = ProbabilityCurrent(sde: sde, grid: grid, effort: effort)
        (fields, summary) = current.compute(density)
        marginalCurrents = current.marginalCurrents(fields)
    }
}

/// The stationary density solved directly on a grid for the stationary law, with its analysis.
struct StationaryPipeline {
    let sde: LangevinSDE
    let grid: PhaseSpaceGrid
    let solution: StationarySolution
    /// Moments of the solved density, centred at x*.
    let moments: DensityMoments
    let exactDensity: AlignedBuffer?
    let l1ToExact: Double?
    let analysis: DensityAnalysis
    let residualTolerance: Double

    /// Why this model has no stationary density on a grid, or nil when it has one.
    static func unavailability(_ sde: LangevinSDE) -> String? {
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
    static func grid(_ config: RunConfiguration, sde: LangevinSDE, minimumPoints: Int) throws -> PhaseSpaceGrid {
        let points = config.grid.points(axes: sde.phaseDimension).map { max($0, minimumPoints) }
        switch config.grid.box {
        case .auto: return try StationarySolver.grid(for: sde, points: points)
        case let .halfWidths(w): return try PhaseSpaceGrid(points: points, halfWidths: w)
        }
    }

    init(sde: LangevinSDE, grid: PhaseSpaceGrid, settings: StationarySolverSettings, threshold: Double, effort: PlanningEffort,
         start: AlignedBuffer? = nil, progress: TerminalProgress? = nil) throws {
        if let reason = Self.unavailability(sde) { throw SetupError(reason) }
        let memory = StationarySolver.memoryEstimate(grid: grid, krylovDimension: settings.krylovDimension)
            + ProbabilityCurrent.memoryEstimate(grid: grid) + 6 * Double(grid.pointCount) * 8
            + (try TimeSteppers.entry(sde.noise.isStateDependent ? "exact-strang" : "exact")).memoryEstimate(grid: grid, dynamics: LinearDynamics(sde))
        try grid.checkMemory(bytes: memory)
        self.sde = sde
        self.grid = grid
        residualTolerance = settings.residualTolerance
        let solver = try StationarySolver(sde: sde, grid: grid, effort: effort)
        solution = solver.solve(from: try start ?? solver.momentGuess(), settings: settings, progress: progress.map { p in { p.report($0) } })
        progress?.finish()
        let density = UnsafeBufferPointer(solution.density.buffer)
        guard solution.residual.isFinite else { throw SetupError("The stationary solve produced non-finite values; use more [grid] points or a wider [grid] box.") }
        moments = Quadrature.moments(of: density, on: grid)
        if let worst = moments.boundaryFractions.max(), worst > 1e-6 {
            let axis = grid.axes[moments.boundaryFractions.firstIndex(of: worst)!].name
            throw SetupError(String(format: "The stationary density reaches the box edge along %@ (%.2g of its peak); use more [grid] points (the automatic box holds 7.5 standard deviations, so this is the ringing of an under-resolved density), or widen [grid] box if you set it.", axis, worst))
        }
        if let theory = try? StationaryTheory(sde) {
            let exact = AlignedBuffer(count: grid.pointCount)
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
