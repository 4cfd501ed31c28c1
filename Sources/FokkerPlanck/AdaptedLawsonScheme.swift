import Foundation
import LangevinModel
import Spectral

/// A Lawson scheme run in a frame that follows the density (DESIGN.md, "the grid follows the density"): the
/// state is q(y) = det L · p(μ + L y) on a fixed frame grid, as for `AdaptedExactPropagator`, but the frame
/// comes from the density's own mean and covariance, so that it serves any noise model (the exact moments
/// need not be known) and any start.
///
/// Inside a frame the scheme steps `dynamics.inFrame(frame)`: the transformed drift, whose fixed point need
/// not be the grid centre, and the transformed velocity diffusion, in the mixed representation of
/// `FokkerPlanckOperator`. After every accepted step the density's moments are taken on the frame grid;
/// when its mean has moved more than `largestDrift` frame units from the centre, or its covariance more than
/// `largestDrift` from the identity (largest entry), the state is carried into the frame of its own moments
/// by one affine map, and the scheme goes on there with the same step size. A frame change is exact for a
/// band-limited field, so the run's errors are the scheme's time error and the frame grid's resolution of
/// a law close to N(0, I).
public final class AdaptedLawsonScheme: TimeStepper, AdaptedFrameRepresentation {
    public let name: String
    /// The dynamics in centred coordinates x − x* (those of the output grid).
    public let dynamics: LinearDynamics
    public let grid: PhaseSpaceGrid
    public let frameGrid: PhaseSpaceGrid
    public private(set) var frame: Frame
    public var control: StepControl { scheme.control }
    public var order: Int { scheme.order }
    public var representation: any DensityRepresentation { self }
    public var evaluations: Int { scheme.evaluations }
    public var lastDiagnostics: StepDiagnostics {
        var diagnostics = scheme.lastDiagnostics
        diagnostics.minimum /= frame.jacobian
        return diagnostics
    }
    /// How far the density may drift from N(0, I) in its frame before the frame follows it. At 0.05 the
    /// narrowest principal deviation stays above 0.97, where 32 points over ±7.5 resolve it to about 1e-9.
    public static let largestDrift = 0.05

    private let scheme: LawsonRungeKutta
    private let mixed: AlignedBuffer
    /// Whether `mixed` holds the state: the state is loaded into it after anything outside changed it.
    private var mixedIsCurrent = false
    private let frameMap: AffineSpectralMap
    private let effort: PlanningEffort
    /// Made on first use: a run that draws no density on the output grid never holds its work arrays.
    public private(set) lazy var drawing = AffineSpectralMap(source: frameGrid.axes, target: grid.axes, effort: effort)

    /// - Parameters: `mean` and `covariance` (row-major) of the initial law in centred coordinates x − x*.
    public init(name: String, tableau: ButcherTableau, dynamics: LinearDynamics, grid: PhaseSpaceGrid, frameGrid: PhaseSpaceGrid,
                mean: [Double], covariance: [Double], effort: PlanningEffort = .measure) throws(SimulationError) {
        precondition(dynamics.isCentredOnFixedPoint, "a grid centred on the fixed point")
        precondition(grid.parameterDimension == dynamics.parameterDimension && frameGrid.parameterDimension == dynamics.parameterDimension)
        self.name = name
        self.dynamics = dynamics
        self.grid = grid
        self.frameGrid = frameGrid
        do { frame = try Frame(mean: mean, covariance: covariance) } catch { throw .frameDegenerate(time: 0, reason: error.description) }
        scheme = LawsonRungeKutta(name: name, tableau: tableau, operator: FokkerPlanckOperator(grid: frameGrid, dynamics: dynamics.inFrame(frame), effort: effort))
        mixed = scheme.op.makeState()
        frameMap = AffineSpectralMap(source: frameGrid.axes, target: frameGrid.axes, effort: effort)
        self.effort = effort
    }

    /// Bytes held beside the driver's fields: the scheme on the frame grid, its mixed state, the frame map's
    /// work arrays, and the drawing map's when the density is drawn on the output grid.
    public static func memoryEstimate(_ tableau: ButcherTableau, grid: PhaseSpaceGrid, frameGrid: PhaseSpaceGrid, constantDiffusion: Bool,
                                      drawsDensity: Bool = true) -> Double {
        LawsonRungeKutta.memoryEstimate(tableau, grid: frameGrid, constantDiffusion: constantDiffusion) + Double(frameGrid.mixedCount) * 16
            + AffineSpectralMap.memoryEstimate(source: frameGrid.axes, target: frameGrid.axes)
            + (drawsDensity ? AffineSpectralMap.memoryEstimate(source: frameGrid.axes, target: grid.axes) : 0)
    }

    public func initialStep(for state: AlignedBuffer) -> Double {
        loadIfNeeded(state)
        return scheme.initialStep(for: mixed)
    }

    public func reset() {
        scheme.reset()
        mixedIsCurrent = false
    }

    public func attempt(_ state: AlignedBuffer, step: Double, tolerance: Double) throws(SimulationError) -> StepAttempt {
        loadIfNeeded(state)
        let result = scheme.attempt(mixed, step: step, tolerance: tolerance)
        guard result.accepted else { return result }
        scheme.op.toReal(mixed, into: state)
        try follow(state)
        return result
    }

    /// Moves `state` into another frame without changing the density it stands for.
    public func changeFrame(of state: AlignedBuffer, to next: Frame) throws(SimulationError) {
        try move(state, to: next, with: frameMap)
        frame = next
        scheme.retarget(dynamics.inFrame(next))
        mixedIsCurrent = false
    }

    /// Takes the frame of the density's own moments when it has drifted from N(0, I) in the current one.
    private func follow(_ state: AlignedBuffer) throws(SimulationError) {
        let own = Quadrature.moments(of: UnsafeBufferPointer(state.buffer), on: frameGrid)
        let n = frame.dimension
        var drift = own.mean.map(abs).max() ?? 0
        for i in 0..<n { for j in 0..<n { drift = max(drift, abs(own.covariance[i * n + j] - (i == j ? 1 : 0))) } }
        guard drift > Self.largestDrift else { return }
        // An accurate step moves the law by a small part of its width: a whole width means a step beyond stability.
        guard drift < 1 else { throw .unstableStep(time: 0, scheme: name, movement: drift, fixedStep: control == .fixed) }
        let physical = FrameView(frame: frame, grid: frameGrid, density: state).physical(own)
        let next: Frame
        do { next = try Frame(mean: physical.mean, covariance: physical.covariance) } catch { throw .frameDegenerate(time: 0, reason: error.description) }
        try changeFrame(of: state, to: next)
    }

    private func loadIfNeeded(_ state: AlignedBuffer) {
        guard !mixedIsCurrent else { return }
        scheme.op.toMixed(state, into: mixed)
        mixedIsCurrent = true
    }
}
