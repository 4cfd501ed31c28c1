import Foundation
import LangevinModel
import Spectral

/// The exact propagator of linear drift and constant noise in a frame that follows the density
/// (DESIGN.md, "the grid follows the density"): the state is q(y) = det L · p(μ + L y) on a fixed frame
/// grid, with μ(t) and L(t)L(t)ᵀ = P(t) the law's exact mean and covariance, so that a Gaussian is N(0, I)
/// at every time however narrow, wide, far or tilted it is in phase space.
///
/// A step of τ goes from the frame at t to the frame at t + τ in one piece on the Fourier side
/// (`AffineSpectralMap`): with Φ = e^{−Aτ} and W(τ) the noise integral, y′ = G y + c + ζ where
/// G = L′⁻¹ΦL, c = L′⁻¹(Φμ − μ′) and ζ ∼ N(0, L′⁻¹WL′⁻ᵀ). Its only errors are those of resolving q on
/// the frame grid; mass is kept to round-off. A step whose map has no row factorisation, or widens an
/// intermediate field by more than `largestWidening`, is taken in equal sub-steps, each with its own frame.
///
/// The driver and the writers see the axis-aligned `grid`: `density(of:into:)` evaluates the frame
/// representation there exactly (the spectral interpolant, not a quadrature), while moments, mass and
/// errors are computed on the frame grid (`frameView`). The stepper carries the frame of the one state
/// it advances.
public final class AdaptedExactPropagator: TimeStepper, AdaptedFrameRepresentation {
    public let name: String
    public let dynamics: LinearDynamics
    /// The axis-aligned grid of the output (centred on x*).
    public let grid: PhaseSpaceGrid
    /// The grid in frame coordinates y.
    public let frameGrid: PhaseSpaceGrid
    public private(set) var frame: Frame
    /// The covariance the frame was made from (propagated exactly, so that rounding in L does not accumulate).
    public private(set) var frameCovariance: [Double]
    public var control: StepControl { .exact }
    public var order: Int { 0 }
    public var representation: any DensityRepresentation { self }
    public private(set) var lastDiagnostics = StepDiagnostics()
    public private(set) var evaluations = 0
    /// Map applications so far (one per sub-step).
    public private(set) var frameChanges = 0

    /// Steps are split until no intermediate field of a map is wider than this many frame units for N(0, I)
    /// (`AffineSpread.widening`): the box ±7.5 then holds every stage to e^{−½(7.5/1.04)²} ≈ 5e-12 of the peak.
    /// (At 1.06 a frame moved by 0.1 of its width already brings the tails to 1e-12 in L¹.)
    public static let largestWidening = 1.04

    private let drift: Matrix
    private let twiceDiffusion: Matrix
    private let stepMap: AffineSpectralMap
    private let effort: PlanningEffort
    /// Made on first use: a run that draws no density on the output grid never holds its work arrays.
    public private(set) lazy var drawing = AffineSpectralMap(source: frameGrid.axes, target: grid.axes, effort: effort)
    private var flows: [(time: Double, flow: [Double], noise: [Double])] = []

    /// - Parameters: `mean` and `covariance` (row-major) of the initial law in centred coordinates x − x*.
    public init(name: String = "exact", dynamics: LinearDynamics, grid: PhaseSpaceGrid, frameGrid: PhaseSpaceGrid,
                mean: [Double], covariance: [Double], effort: PlanningEffort = .measure) throws(SimulationError) {
        precondition(dynamics.hasConstantDiffusion, "the exact propagator needs constant noise")
        precondition(dynamics.isCentredOnFixedPoint, "a grid centred on the fixed point")
        precondition(grid.parameterDimension == dynamics.parameterDimension && frameGrid.parameterDimension == dynamics.parameterDimension)
        self.name = name
        self.dynamics = dynamics
        self.grid = grid
        self.frameGrid = frameGrid
        let n = dynamics.phaseDimension, d = dynamics.parameterDimension
        drift = Matrix(rows: n, cols: n, elements: dynamics.driftMatrix)
        twiceDiffusion = LinearDynamics.twiceDiffusion(velocityBlock: dynamics.velocityDiffusion(Array(dynamics.stationaryPoint[0..<d])),
                                                       parameterDimension: d)
        do { frame = try Frame(mean: mean, covariance: covariance) } catch { throw .frameDegenerate(time: 0, reason: error.description) }
        frameCovariance = covariance
        stepMap = AffineSpectralMap(source: frameGrid.axes, target: frameGrid.axes, effort: effort)
        self.effort = effort
    }

    /// Bytes held beside the driver's fields: the work arrays of the step map, and of the output map when
    /// the density is drawn on the output grid.
    public static func memoryEstimate(grid: PhaseSpaceGrid, frameGrid: PhaseSpaceGrid, drawsDensity: Bool = true) -> Double {
        AffineSpectralMap.memoryEstimate(source: frameGrid.axes, target: frameGrid.axes)
            + (drawsDensity ? AffineSpectralMap.memoryEstimate(source: frameGrid.axes, target: grid.axes) : 0)
    }

    // MARK: DensityRepresentation: `AdaptedFrameRepresentation` (the state is q on the frame grid)

    // MARK: TimeStepper

    public func initialStep(for state: AlignedBuffer) -> Double { .infinity }
    public func reset() {}

    public func attempt(_ state: AlignedBuffer, step: Double, tolerance: Double) throws(SimulationError) -> StepAttempt {
        // The fewest equal sub-steps that keep every map within bounds (counted up: each is a whole map).
        var substeps = 1
        var parts = try plan(step, substeps: substeps)
        while parts == nil {
            substeps += substeps < 64 ? 1 : substeps / 4
            if substeps > 1 << 16 { throw .frameDegenerate(time: 0, reason: "no sequence of frames carries a step of \(step).") }
            parts = try plan(step, substeps: substeps)
        }
        for sub in parts! {
            stepMap.apply(state, into: state, sub.spread)
            frame = sub.frame
            frameCovariance = sub.covariance
            frameChanges += 1
        }
        evaluations += 1
        var diagnostics = RealDensity.diagnostics(state, grid: frameGrid)
        diagnostics.minimum /= frame.jacobian
        lastDiagnostics = diagnostics
        return StepAttempt(accepted: true, error: 0, suggestedStep: .infinity)
    }

    /// Moves `state` into another frame without changing the density it stands for; the next steps
    /// propagate that frame's covariance.
    public func changeFrame(of state: AlignedBuffer, to next: Frame) throws(SimulationError) {
        try move(state, to: next, with: stepMap)
        frame = next
        frameCovariance = next.covariance
        frameChanges += 1
    }

    /// The sub-steps of `step` in `substeps` equal parts, or nil when one of them needs splitting.
    private func plan(_ step: Double, substeps: Int) throws(SimulationError) -> [(spread: AffineSpread, frame: Frame, covariance: [Double])]? {
        let tau = step / Double(substeps)
        let (phi, w) = flow(tau)
        let n = frame.dimension
        var current = frame, p = Matrix(rows: n, cols: n, elements: frameCovariance)
        let phiMatrix = Matrix(rows: n, cols: n, elements: phi)
        var result: [(spread: AffineSpread, frame: Frame, covariance: [Double])] = []
        for _ in 0..<substeps {
            p = (phiMatrix * p * phiMatrix.transposed + Matrix(rows: n, cols: n, elements: w)).symmetrized
            let next: Frame
            do { next = try Frame(mean: phiMatrix * current.mean, covariance: p.elements) } catch {
                throw .frameDegenerate(time: 0, reason: error.description)
            }
            let (g, c) = current.change(to: next, flow: phi, shift: [Double](repeating: 0, count: n))
            guard let spread = AffineSpread(linear: g, shift: c, spread: next.transformedCovariance(w)),
                  spread.widening <= Self.largestWidening else { return nil }
            result.append((spread, next, p.elements))
            current = next
        }
        return result
    }

    /// Φ = e^{−Aτ} and W(τ), row-major, cached for the last few intervals.
    private func flow(_ tau: Double) -> (flow: [Double], noise: [Double]) {
        if let hit = flows.first(where: { $0.time == tau }) { return (hit.flow, hit.noise) }
        let phi = ((-tau) * drift).exponential().elements
        let w = GaussianTheory.noiseIntegral(drift: drift, twiceDiffusion: twiceDiffusion, time: tau).symmetrized.elements
        flows.insert((tau, phi, w), at: 0)
        if flows.count > 4 { flows.removeLast() }
        return (phi, w)
    }
}

