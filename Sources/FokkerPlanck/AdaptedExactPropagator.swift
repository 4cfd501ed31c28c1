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
public final class AdaptedExactPropagator: TimeStepper, DensityRepresentation {
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
    private lazy var outputMap = AffineSpectralMap(source: frameGrid.axes, target: grid.axes, effort: effort)
    private var flows: [(time: Double, flow: [Double], noise: [Double])] = []

    /// - Parameters: `mean` and `covariance` (row-major) of the initial law in centred coordinates x − x*.
    public init(name: String = "exact", dynamics: LinearDynamics, grid: PhaseSpaceGrid, frameGrid: PhaseSpaceGrid,
                mean: [Double], covariance: [Double], effort: PlanningEffort = .measure) throws(SimulationError) {
        precondition(dynamics.hasConstantDiffusion, "the exact propagator needs constant noise")
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

    // MARK: DensityRepresentation (the state is q on the frame grid)

    public func makeState() -> AlignedBuffer { frameGrid.makeField() }

    /// Loads a density sampled on the axis-aligned grid (which must resolve it), through the inverse map.
    public func load(_ density: AlignedBuffer, into state: AlignedBuffer) {
        let n = frame.dimension
        let map = AffineSpectralMap(source: grid.axes, target: frameGrid.axes, effort: .estimate)
        map.apply(density, into: state, AffineSpread(linear: frame.inverseFactor, shift: frame.frameCoordinates(of: [Double](repeating: 0, count: n)),
                                                      spread: [Double](repeating: 0, count: n * n))!)
    }

    /// Loads a Gaussian mixture (uncentred coordinates, x* = `origin`) exactly, sampled in frame coordinates.
    public func load(_ mixture: GaussianMixture, origin: [Double], into state: AlignedBuffer) throws(InitialDensityError) {
        try mixture.sample(inFrame: frame, origin: origin, on: frameGrid, into: state.buffer)
    }

    public func density(of state: AlignedBuffer, into real: AlignedBuffer) {
        let n = frame.dimension
        outputMap.apply(state, into: real, AffineSpread(linear: frame.factor, shift: frame.mean, spread: [Double](repeating: 0, count: n * n))!)
    }

    public func frameView(of state: AlignedBuffer) -> FrameView? { FrameView(frame: frame, grid: frameGrid, density: state) }

    public func mass(_ state: AlignedBuffer) -> Double { RealDensity.mass(state, grid: frameGrid) }

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
        let n = frame.dimension
        let identity = Frame.identity(n).factor
        let (g, c) = frame.change(to: next, flow: identity, shift: [Double](repeating: 0, count: n))
        guard let map = AffineSpread(linear: g, shift: c, spread: [Double](repeating: 0, count: n * n)) else {
            throw .frameDegenerate(time: 0, reason: "the new frame is too far from the current one to move the density in one map.")
        }
        stepMap.apply(state, into: state, map)
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

/// A state seen in its frame: the frame, its grid and q(y) = det L · p(μ + L y) there.
public struct FrameView {
    public let frame: Frame
    public let grid: PhaseSpaceGrid
    public let density: AlignedBuffer

    public init(frame: Frame, grid: PhaseSpaceGrid, density: AlignedBuffer) {
        self.frame = frame
        self.grid = grid
        self.density = density
    }

    /// Moments of the physical density in centred coordinates, computed on the frame grid: mean μ + L m_y,
    /// covariance L C_y Lᵀ. Boundary fractions are those of the frame box.
    public var moments: DensityMoments {
        var m = Quadrature.moments(of: UnsafeBufferPointer(density.buffer), on: grid)
        let n = frame.dimension, l = frame.factor
        m.mean = frame.point(atFrameCoordinates: m.mean)
        var lc = [Double](repeating: 0, count: n * n)
        for i in 0..<n { for j in 0..<n { for k in 0..<n { lc[i * n + j] += l[i * n + k] * m.covariance[k * n + j] } } }
        var cov = [Double](repeating: 0, count: n * n)
        for i in 0..<n { for j in 0..<n { for k in 0..<n { cov[i * n + j] += lc[i * n + k] * l[j * n + k] } } }
        m.covariance = cov
        m.minimum /= frame.jacobian
        m.maximum /= frame.jacobian
        return m
    }
}

extension FrameView {
    /// The 2-D marginals of the density on the axis pairs of `output` (an axis-aligned grid centred on the
    /// same point as the frame's coordinates), keyed and laid out as `Quadrature.pairMarginals`: exact however
    /// coarse `output` is along the other axes (`FrameProjection`).
    public func pairMarginals(on output: PhaseSpaceGrid) -> [String: [Double]] {
        FrameProjection(frame: frame, frameGrid: grid, output: output).pairMarginals(density)
    }
}

extension GaussianMixture {
    /// The exact 2-D marginals on the axis pairs of `grid` (centred on `origin`), keyed and laid out as
    /// `Quadrature.pairMarginals`: each component's marginal is the Gaussian of its (a, b) block.
    public func pairMarginals(on grid: PhaseSpaceGrid, origin: [Double]) throws -> [String: [Double]] {
        let n = grid.axes.count
        var result: [String: [Double]] = [:]
        for a in 0..<n {
            for b in (a + 1)..<n {
                let plane = try PhaseSpaceGrid(parameterAxes: [grid.axes[a]], velocityAxes: [grid.axes[b]])
                let marginal = GaussianMixture(components: components.map { c in
                    Component(weight: c.weight, mean: [c.mean[a], c.mean[b]],
                              covariance: [c.covariance[a * n + a], c.covariance[a * n + b], c.covariance[b * n + a], c.covariance[b * n + b]])
                })
                let field = plane.makeField()
                try marginal.sample(on: plane, origin: [origin[a], origin[b]], into: field.buffer)
                result["\(grid.axes[a].name)_\(grid.axes[b].name)"] = field.values
            }
        }
        return result
    }


    /// The law sampled on `frameGrid`, a grid of the coordinates of `frame` (x − origin = μ + L y, x uncentred):
    /// the frame form |det L| p(origin + μ + L y).
    public func sample(inFrame frame: Frame, origin: [Double], on frameGrid: PhaseSpaceGrid, into field: UnsafeMutableBufferPointer<Double>) throws(InitialDensityError) {
        try inFrame(frame, origin: origin).sample(on: frameGrid, origin: [Double](repeating: 0, count: frame.dimension), into: field)
    }

    /// The same law in the coordinates y = L⁻¹(x − origin − μ) of `frame` (x uncentred).
    public func inFrame(_ frame: Frame, origin: [Double]) -> GaussianMixture {
        let n = frame.dimension
        return GaussianMixture(components: components.map { c in
            let mean = frame.frameCoordinates(of: (0..<n).map { c.mean[$0] - origin[$0] })
            return Component(weight: c.weight, mean: mean, covariance: frame.transformedCovariance(c.covariance))
        })
    }
}
