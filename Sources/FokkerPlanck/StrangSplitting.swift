import Foundation
import LangevinModel
import Spectral

/// Strang splitting of two exact flows, for any noise model including the θ-dependent one:
///
///     S(h) = V(h/2) ∘ E(h) ∘ V(h/2),
///
/// with E the exact propagator of the linear drift and the noise frozen at the stationary point,
/// D₀ = D(θ*) (`ExactLinearFlow`), and V the exact velocity diffusion with the rest, D(θ) − D₀
/// (`VelocityDiffusion`), which is positive semi-definite for the loss-Hessian noise since D is smallest at
/// θ*. Both flows are unconditionally stable, so the step is limited by accuracy alone, never by the
/// grid; and the splitting error comes only from D(θ) − D₀, which is small where the density lives (for
/// constant noise V is the identity and the scheme is exact). Each step computes S(h) and S(h/2)²; their difference estimates the error of S(h/2)² (the
/// local error of a symmetric method is C h³ + O(h⁵), so it is a third of the difference), steps are
/// accepted against the tolerance on that estimate, and the accepted value is the Richardson combination
/// (4 S(h/2)² − S(h))/3, whose local error is O(h⁵). Step sizes are kept on a grid of ratio 2^(1/4) so
/// that tables are reused while the step holds still. The state is the real density.
public final class StrangSplitting: TimeStepper, DensityRepresentation {
    public let name: String
    public let dynamics: LinearDynamics
    public let grid: PhaseSpaceGrid
    public var control: StepControl { .adaptive }
    public var order: Int { 4 }
    public var representation: any DensityRepresentation { self }
    public private(set) var lastDiagnostics = StepDiagnostics()
    public private(set) var evaluations = 0

    private let flow: ExactLinearFlow
    /// nil for constant noise, where D − D₀ = 0.
    private let remainder: VelocityDiffusion?
    private let whole: AlignedBuffer
    private let halves: AlignedBuffer
    private static let planCache = 3

    public init(name: String = "exact-strang", dynamics: LinearDynamics, grid: PhaseSpaceGrid, maxSubstepNorm: Double = LinearTransport.defaultSubstepNorm,
                effort: PlanningEffort = .measure) {
        precondition(dynamics.isCentredOnFixedPoint, "a grid centred on the fixed point")
        precondition(grid.parameterDimension == dynamics.parameterDimension)
        self.name = name
        self.dynamics = dynamics
        self.grid = grid
        let n = dynamics.phaseDimension, d = dynamics.parameterDimension
        let frozen = dynamics.velocityDiffusion(Array(dynamics.stationaryPoint[0..<d]))
        flow = ExactLinearFlow(grid: grid, drift: Matrix(rows: n, cols: n, elements: dynamics.driftMatrix),
                               velocityDiffusion: frozen, maxSubstepNorm: maxSubstepNorm, cacheSize: Self.planCache, effort: effort)
        if dynamics.hasConstantDiffusion {
            remainder = nil
        } else {
            let full = dynamics.velocityDiffusion
            let rest = LinearDynamics(parameterDimension: d, driftMatrix: dynamics.driftMatrix, stationaryPoint: dynamics.stationaryPoint,
                                      hasConstantDiffusion: false,
                                      velocityDiffusion: { theta in zip(full(theta), frozen).map { $0 - $1 } })
            remainder = VelocityDiffusion(grid: grid, dynamics: rest, effort: effort)
        }
        whole = grid.makeField()
        halves = grid.makeField()
    }

    /// Bytes held on `grid` beside the driver's fields: two trial solutions, the exact flow, and the
    /// remainder diffusion's spectrum and tables.
    static func memoryEstimate(grid: PhaseSpaceGrid, constantDiffusion: Bool) -> Double {
        2 * Double(grid.pointCount) * 8 + ExactLinearFlow.memoryEstimate(grid: grid, cacheSize: planCache)
            + (constantDiffusion ? 0 : VelocityDiffusion.memoryEstimate(grid: grid, constantDiffusion: false))
    }

    // MARK: DensityRepresentation

    public func makeState() -> AlignedBuffer { grid.makeField() }
    public func load(_ density: AlignedBuffer, into state: AlignedBuffer) { state.copy(from: density) }
    public func density(of state: AlignedBuffer, into real: AlignedBuffer) { real.copy(from: state) }
    public func mass(_ state: AlignedBuffer) -> Double { RealDensity.mass(state, grid: grid) }

    // MARK: TimeStepper

    public func reset() {}

    /// A twentieth of the drift's fastest time scale 1/‖A‖∞; the controller takes it from there.
    public func initialStep(for state: AlignedBuffer) -> Double {
        let n = dynamics.phaseDimension
        let rate = (0..<n).map { i in (0..<n).reduce(0) { $0 + abs(dynamics.driftMatrix[i * n + $1]) } }.max()!
        return Self.quantized(0.05 / max(rate, 1e-12))
    }

    /// Rounds a step down to the grid 2^(k/4).
    static func quantized(_ h: Double) -> Double {
        guard h.isFinite, h > 0 else { return h }
        return pow(2, (4 * log2(h)).rounded(.down) / 4)
    }

    public func attempt(_ state: AlignedBuffer, step h: Double, tolerance: Double) -> StepAttempt {
        func rest(_ x: AlignedBuffer, _ t: Double) { remainder?.apply(to: x, time: t) }
        // S(h)
        whole.copy(from: state)
        rest(whole, h / 2)
        flow.apply(to: whole, time: h)
        rest(whole, h / 2)
        // S(h/2)², with the two inner half-steps of the remainder merged.
        halves.copy(from: state)
        rest(halves, h / 4)
        flow.apply(to: halves, time: h / 2)
        rest(halves, h / 2)
        flow.apply(to: halves, time: h / 2)
        rest(halves, h / 4)
        evaluations += 3

        let a = whole.pointer, b = halves.pointer
        var diff = 0.0, norm = 0.0
        for i in 0..<grid.pointCount {
            let e = b[i] - a[i]
            diff += e * e
            norm += b[i] * b[i]
        }
        let err = (diff / max(norm, .leastNormalMagnitude)).squareRoot() / 3
        guard err.isFinite else {
            lastDiagnostics.isFinite = false
            return StepAttempt(accepted: false, error: err, suggestedStep: Self.quantized(h / 4))
        }
        let factor = err == 0 ? 4 : min(4, max(0.25, 0.9 * pow(tolerance / err, 1.0 / 3)))
        if err > tolerance {
            return StepAttempt(accepted: false, error: err, suggestedStep: Self.quantized(h * min(factor, 0.9)))
        }
        let y = state.pointer
        for i in 0..<grid.pointCount { y[i] = b[i] + (b[i] - a[i]) / 3 }
        lastDiagnostics = RealDensity.diagnostics(state, grid: grid)
        return StepAttempt(accepted: true, error: err, suggestedStep: Self.quantized(h * factor))
    }
}
