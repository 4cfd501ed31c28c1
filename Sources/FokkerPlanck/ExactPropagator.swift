import Foundation
import LangevinModel
import Spectral

/// The exact propagator of the Fokker–Planck equation with linear drift and constant noise (physics.md
/// §5.2): over an interval τ the density is carried by the linear flow and then spread by the noise,
///
///     p(τ) = [det B · p₀(B y)] ∗ N(0, W(τ)),     B = e^{Aτ},  W(τ) = ∫₀^τ e^{−As} 2D e^{−Aᵀs} ds,
///
/// in centred coordinates y = x − x*, applied as an `ExactLinearFlow` (line passes for the transport, one
/// Gaussian convolution per sub-step for the spreading).
///
/// Its only errors are spatial: the step can be as long as the output interval, and mass is kept to
/// round-off because every pass keeps the zero mode of every line. The state is the real density.
public final class ExactPropagator: TimeStepper, DensityRepresentation {
    public let name: String
    public let dynamics: LinearDynamics
    public let grid: PhaseSpaceGrid
    public var control: StepControl { .exact }
    /// No time-discretisation error: reported as order 0.
    public var order: Int { 0 }
    public var representation: any DensityRepresentation { self }
    public private(set) var lastDiagnostics = StepDiagnostics()
    public private(set) var evaluations = 0

    private let flow: ExactLinearFlow

    public init(name: String = "exact", dynamics: LinearDynamics, grid: PhaseSpaceGrid, maxSubstepNorm: Double = LinearTransport.defaultSubstepNorm,
                effort: PlanningEffort = .measure) {
        precondition(dynamics.hasConstantDiffusion, "the exact propagator needs constant noise")
        precondition(dynamics.isCentredOnFixedPoint, "a grid centred on the fixed point")
        precondition(grid.parameterDimension == dynamics.parameterDimension)
        self.name = name
        self.dynamics = dynamics
        self.grid = grid
        let n = dynamics.phaseDimension, d = dynamics.parameterDimension
        flow = ExactLinearFlow(grid: grid, drift: Matrix(rows: n, cols: n, elements: dynamics.driftMatrix),
                               velocityDiffusion: dynamics.velocityDiffusion(Array(dynamics.stationaryPoint[0..<d])),
                               maxSubstepNorm: maxSubstepNorm, cacheSize: 2, effort: effort)
    }

    /// Bytes held on `grid` beside the driver's fields.
    static func memoryEstimate(grid: PhaseSpaceGrid) -> Double { ExactLinearFlow.memoryEstimate(grid: grid, cacheSize: 2) }

    // MARK: DensityRepresentation (the state is the real density)

    public func makeState() -> AlignedBuffer { grid.makeField() }
    public func load(_ density: AlignedBuffer, into state: AlignedBuffer) { state.copy(from: density) }
    public func density(of state: AlignedBuffer, into real: AlignedBuffer) { real.copy(from: state) }
    public func mass(_ state: AlignedBuffer) -> Double { RealDensity.mass(state, grid: grid) }

    // MARK: TimeStepper

    public func initialStep(for state: AlignedBuffer) -> Double { .infinity }
    public func reset() {}
    public func prepare(outputInterval: Double) { _ = flow.substeps(for: outputInterval) }
    public func substeps(forInterval interval: Double) -> Int? { flow.substeps(for: interval) }

    /// The sub-steps an interval takes on `grid`, known before any plan is made.
    public static func substeps(dynamics: LinearDynamics, grid: PhaseSpaceGrid, interval: Double, maxSubstepNorm: Double) -> Int {
        let n = dynamics.phaseDimension
        return LinearTransport.substeps(drift: Matrix(rows: n, cols: n, elements: dynamics.driftMatrix), grid: grid, step: interval, maxSubstepNorm: maxSubstepNorm).count
    }


    public func attempt(_ state: AlignedBuffer, step: Double, tolerance: Double) -> StepAttempt {
        flow.apply(to: state, time: step)
        evaluations += 1
        lastDiagnostics = RealDensity.diagnostics(state, grid: grid)
        return StepAttempt(accepted: true, error: 0, suggestedStep: .infinity)
    }
}
