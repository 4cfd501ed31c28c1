import Foundation
import FokkerPlanck
import LangevinModel
import ModifiedLoss
import ProbabilityCurrent
import RunConfiguration
import Spectral
import StationaryDistribution

/// The analysis of one density: modified loss and probability current, with the exact theory beside them.
public struct DensityAnalysis {
    public let sde: LangevinSDE
    public let grid: PhaseSpaceGrid
    public let theory: StationaryTheory?
    public let modifiedLoss: ModifiedLossResult
    public let fields: CurrentFields
    public let summary: CurrentSummary
    public let marginalCurrents: [(plane: String, component: String, values: [Double])]

    public init(density: UnsafeBufferPointer<Double>, sde: LangevinSDE, grid: PhaseSpaceGrid, threshold: Double, effort: PlanningEffort) throws {
        self.sde = sde
        self.grid = grid
        theory = try? StationaryTheory(sde)
        modifiedLoss = try ModifiedLoss.analyze(density, grid: grid, sde: sde, threshold: threshold)
        let current = ProbabilityCurrent(sde: sde, grid: grid, effort: effort)
        (fields, summary) = current.compute(density)
        marginalCurrents = current.marginalCurrents(fields)
    }
}

