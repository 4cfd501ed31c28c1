import Foundation
import FokkerPlanck
import LangevinModel
import ModifiedLoss
import ProbabilityCurrent
import RunConfiguration
import Spectral
import StationaryDistribution

/// The analysis of one density: modified loss and probability current, with the exact theory beside them.
/// Fields are on `grid`, the axis-aligned grid the products are written on.
public struct DensityAnalysis {
    public let sde: LangevinSDE
    public let grid: PhaseSpaceGrid
    /// The exact objects the measurements stand beside: of the stationary law, or of `law` when given
    /// (a transient frame whose exact law is a known Gaussian).
    public let theory: StationaryTheory?
    /// The time of the transient law the theory is of; nil for the stationary law.
    public let transientTime: Double?
    /// What the theory column is: "exact" (stationary) or "exact at t = …".
    public var exactLabel: String { transientTime.map { String(format: "exact at t = %.6g", $0) } ?? "exact" }
    public let modifiedLoss: ModifiedLossResult
    public let fields: CurrentFields
    public let summary: CurrentSummary
    public let marginalCurrents: [(plane: String, component: String, values: [Double])]

    public init(density: UnsafeBufferPointer<Double>, sde: LangevinSDE, grid: PhaseSpaceGrid, threshold: Double, effort: PlanningEffort,
                law: (time: Double, law: Gaussian)? = nil) throws {
        self.sde = sde
        self.grid = grid
        (theory, transientTime) = (Self.theory(sde, law: law), law?.time)
        modifiedLoss = try ModifiedLoss.analyze(density, grid: grid, sde: sde, threshold: threshold)
        let current = ProbabilityCurrent(sde: sde, grid: grid, effort: effort)
        (fields, summary) = current.compute(density)
        marginalCurrents = current.marginalCurrents(fields)
    }

    /// The analysis of a density known in a frame (`frameDensity` is its frame form on `projection.frameGrid`):
    /// every integral, fit and marginal from the frame representation, and the fields drawn on the output
    /// grid only when `drawsFields` (they are written whole: d = 1, or 4-D full fields); otherwise only the
    /// θ-plane products are on the output grid.
    public init(frameDensity: AlignedBuffer, projection: FrameProjection, sde: LangevinSDE, threshold: Double, effort: PlanningEffort,
                drawsFields: Bool, law: (time: Double, law: Gaussian)? = nil) throws {
        self.sde = sde
        grid = projection.output
        (theory, transientTime) = (Self.theory(sde, law: law), law?.time)
        let q = UnsafeBufferPointer(frameDensity.buffer)
        let inFrame = try ModifiedLoss.analyze(q, grid: projection.frameGrid, sde: sde, threshold: threshold, frame: projection.frame)
        let current = ProbabilityCurrent(sde: sde, grid: projection.frameGrid, frame: projection.frame, effort: effort)
        let frameFields: CurrentFields
        (frameFields, summary) = current.compute(q)
        marginalCurrents = current.marginalCurrents(frameFields, projection: projection)
        // The fits come from the solution itself, never from its picture on the output grid.
        var drawn: ModifiedLossResult
        if drawsFields {
            let picture = projection.drawn(frameDensity)
            drawn = try ModifiedLoss.analyze(UnsafeBufferPointer(picture.buffer), grid: projection.output, sde: sde, threshold: threshold)
            withExtendedLifetime(picture) {}
            fields = CurrentFields(components: frameFields.components.map { projection.drawn(pointwise: $0) },
                                   irreversibleVelocity: frameFields.irreversibleVelocity.map { projection.drawn(pointwise: $0) },
                                   divergence: projection.drawn(pointwise: frameFields.divergence))
        } else {
            drawn = inFrame
            drawn.potential = []
            drawn.psi = drawn.psi.map { _ in [] }
            drawn.trainingEnergy = []
            let d = grid.parameterDimension
            let thetaMarginal = projection.marginal(frameDensity, keeping: Array(0..<d))
            drawn.thetaPotential = ModifiedLoss.maskedPotential(thetaMarginal, threshold: threshold)
            drawn.trainingLoss = ModifiedLoss.trainingLoss(on: grid, sde: sde)
            fields = CurrentFields(components: [], irreversibleVelocity: [], divergence: [])
        }
        drawn.fittedPrecision = inFrame.fittedPrecision
        drawn.fittedMinimum = inFrame.fittedMinimum
        drawn.fitResidual = inFrame.fitResidual
        drawn.thetaFittedPrecision = inFrame.thetaFittedPrecision
        drawn.maskedPoints = inFrame.maskedPoints
        modifiedLoss = drawn
    }

    static func theory(_ sde: LangevinSDE, law: (time: Double, law: Gaussian)?) -> StationaryTheory? {
        try? law.map { try StationaryTheory(sde, law: $0.law) } ?? StationaryTheory(sde)
    }
}
