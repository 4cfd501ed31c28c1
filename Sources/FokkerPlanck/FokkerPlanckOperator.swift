import Foundation
import Spectral

/// The Fokker–Planck operator ∂ₜp = ∇·(A x p) + ∇ᵥ·(D(θ)∇ᵥp) on the periodic grid, split for
/// integrating-factor schemes into
/// - the linear part: v-diffusion, diagonal in the mixed representation (θ real, v Fourier), where its
///   exact propagator exp(−kᵥᵀD(θ)kᵥ τ) is a pointwise factor even when D depends on θ;
/// - the explicit part: transport ∇·(A x p), evaluated pseudo-spectrally in conservative form, so the
///   zero mode (mass) changes only by round-off.
///
/// States are mixed fields: for every θ point (row-major, θ axes first) the unnormalised real-to-complex
/// transform of p over the velocity axes.
public final class FokkerPlanckOperator: DensityRepresentation, @unchecked Sendable {
    public let grid: PhaseSpaceGrid
    public private(set) var dynamics: LinearDynamics

    private let velocityTransform: VelocityTransform
    private let parameterTransform: ParameterTransform
    // Work arrays, allocated once.
    private let density: AlignedBuffer      // real p
    private let flux: AlignedBuffer         // real (A x)_a p
    private let fluxSpectrum: AlignedBuffer // mixed
    private let scratch: AlignedBuffer      // mixed; the backward velocity transform destroys its input
    private let thetaAccumulator: AlignedBuffer // mixed
    // Affine pieces of (A x)_a: a θ-only part per θ point plus a v-only part per v point.
    private var thetaPart: [[Double]]
    private var velocityPart: [[Double]]
    // First-derivative wavenumbers: per θ point after the θ transform, per velocity coefficient.
    private let thetaWavenumber: [[Double]]
    private let velocityWavenumber: [[Double]]
    /// −kᵥᵀD(θ)kᵥ, per velocity coefficient (constant noise) or per mixed coefficient (θ-dependent noise).
    public private(set) var diffusionSymbol: [Double]
    /// Parseval weights per velocity coefficient (2 for the interior of the halved axis).
    public let parsevalWeight: [Double]

    /// Latest real-space diagnostics, refreshed by every evaluation of the explicit part.
    public private(set) var lastMinimum = 0.0
    public private(set) var lastNegativeMass = 0.0
    public private(set) var lastIsFinite = true
    /// Number of explicit evaluations so far (each costs 1 + n velocity and 2 θ transforms).
    public private(set) var evaluations = 0

    public init(grid: PhaseSpaceGrid, dynamics: LinearDynamics, effort: PlanningEffort = .measure) {
        precondition(grid.parameterDimension == dynamics.parameterDimension)
        self.grid = grid
        self.dynamics = dynamics
        let d = grid.parameterDimension
        density = grid.makeField()
        flux = grid.makeField()
        fluxSpectrum = grid.makeMixedField()
        scratch = grid.makeMixedField()
        thetaAccumulator = grid.makeMixedField()
        velocityTransform = VelocityTransform(grid: grid, real: flux, spectral: fluxSpectrum, effort: effort)
        parameterTransform = ParameterTransform(grid: grid, buffer: fluxSpectrum, effort: effort)

        (thetaPart, velocityPart) = Self.driftParts(dynamics, grid: grid)
        thetaWavenumber = (0..<d).map { axis in
            let k = grid.parameterAxes[axis].oddFactors(halved: false)
            return Self.multiIndices(grid.parameterAxes.map(\.points)).map { k[$0[axis]] }
        }
        let vShape = grid.velocityAxes.enumerated().map { $0.offset == d - 1 ? $0.element.points / 2 + 1 : $0.element.points }
        let vIndices = Self.multiIndices(vShape)
        velocityWavenumber = (0..<d).map { axis in
            let k = grid.velocityAxes[axis].oddFactors(halved: axis == d - 1)
            return vIndices.map { k[$0[axis]] }
        }
        diffusionSymbol = DiffusionSymbol.values(grid: grid, dynamics: dynamics)
        let lastPoints = grid.velocityAxes[d - 1].points
        parsevalWeight = vIndices.map { idx in idx[d - 1] == 0 || idx[d - 1] == lastPoints / 2 ? 1 : 2 }
    }

    /// The θ-only and v-only parts of (A(x − x*))_a for every row a, at every θ and every v point.
    static func driftParts(_ dynamics: LinearDynamics, grid: PhaseSpaceGrid) -> (theta: [[Double]], velocity: [[Double]]) {
        let d = grid.parameterDimension, n = 2 * d
        let a = dynamics.driftMatrix, y = dynamics.fixedPointOnGrid
        let thetaPoints = points(of: grid.parameterAxes), velocityPoints = points(of: grid.velocityAxes)
        let theta = (0..<n).map { row in thetaPoints.map { x in (0..<d).reduce(0) { $0 + a[row * n + $1] * (x[$1] - y[$1]) } } }
        let velocity = (0..<n).map { row in velocityPoints.map { x in (0..<d).reduce(0) { $0 + a[row * n + d + $1] * (x[$1] - y[d + $1]) } } }
        return (theta, velocity)
    }

    /// Runs other dynamics of the same kind (constant or θ-dependent noise) on the same grid, keeping the FFT
    /// plans and work arrays: the Lawson schemes in an adapted frame move to the next frame this way.
    public func retarget(_ next: LinearDynamics) {
        precondition(next.parameterDimension == dynamics.parameterDimension && next.hasConstantDiffusion == dynamics.hasConstantDiffusion)
        dynamics = next
        (thetaPart, velocityPart) = Self.driftParts(next, grid: grid)
        diffusionSymbol = DiffusionSymbol.values(grid: grid, dynamics: next)
    }

    /// Centred coordinates of every point of the product of `axes`, row-major.
    static func points(of axes: [Axis]) -> [[Double]] {
        let coords = axes.map(\.coordinates)
        return multiIndices(axes.map(\.points)).map { idx in idx.enumerated().map { coords[$0.offset][$0.element] } }
    }

    /// Every multi-index of `shape` in storage order.
    static func multiIndices(_ shape: [Int]) -> [[Int]] {
        var index = GridIndex(shape: shape)
        return (0..<shape.reduce(1, *)).map { _ in
            defer { index.advance() }
            return index.values
        }
    }

    /// True when `diffusionSymbol` varies with θ (one entry per mixed coefficient).
    public var diffusionDependsOnTheta: Bool { !dynamics.hasConstantDiffusion }

    /// k = explicit part of ∂ₜy for the mixed state y (both mixed buffers; y is not modified).
    public func explicitTerms(_ y: AlignedBuffer, into k: AlignedBuffer) {
        evaluations += 1
        let d = grid.parameterDimension
        let nTheta = grid.parameterPointCount, nS = grid.velocitySpectralCount
        let mixed2 = 2 * grid.mixedCount
        toReal(y, into: density)
        let p = density.pointer
        var lo = Double.infinity, neg = 0.0
        for i in 0..<grid.pointCount {
            let v = p[i]
            lo = min(lo, v)
            if v < 0 { neg -= v }
        }
        lastMinimum = lo
        lastNegativeMass = neg * grid.cellVolume
        lastIsFinite = lo.isFinite && neg.isFinite

        let fs = fluxSpectrum.pointer, acc = thetaAccumulator.pointer, out = k.pointer
        // θ axes: Σ_a ∂θa((A x)_a p), differentiated after a θ transform and summed before one inverse.
        acc.update(repeating: 0, count: mixed2)
        for axis in 0..<d {
            fillFlux(row: axis)
            velocityTransform.forward(flux, fluxSpectrum)
            parameterTransform.forward(fluxSpectrum)
            thetaWavenumber[axis].withUnsafeBufferPointer { kt in
                for it in 0..<nTheta {
                    let kk = kt[it]
                    if kk == 0 { continue }
                    let base = 2 * it * nS
                    for j in 0..<nS {
                        let re = fs[base + 2 * j], im = fs[base + 2 * j + 1]
                        acc[base + 2 * j] -= kk * im
                        acc[base + 2 * j + 1] += kk * re
                    }
                }
            }
        }
        parameterTransform.backward(thetaAccumulator)
        let thetaScale = 1.0 / Double(nTheta)
        for i in 0..<mixed2 { out[i] = acc[i] * thetaScale }
        // v axes: Σ_a ∂va((A x)_a p), differentiated directly in the mixed representation.
        for axis in 0..<d {
            fillFlux(row: d + axis)
            velocityTransform.forward(flux, fluxSpectrum)
            velocityWavenumber[axis].withUnsafeBufferPointer { kv in
                for it in 0..<nTheta {
                    let base = 2 * it * nS
                    for j in 0..<nS {
                        let kk = kv[j]
                        let re = fs[base + 2 * j], im = fs[base + 2 * j + 1]
                        out[base + 2 * j] -= kk * im
                        out[base + 2 * j + 1] += kk * re
                    }
                }
            }
        }
    }

    /// k = L y, the whole right-hand side (transport plus velocity diffusion) for the mixed state y.
    public func apply(_ y: AlignedBuffer, into k: AlignedBuffer) {
        explicitTerms(y, into: k)
        let nS = grid.velocitySpectralCount
        let perTheta = diffusionDependsOnTheta
        let yp = y.pointer, kp = k.pointer
        diffusionSymbol.withUnsafeBufferPointer { sym in
            for it in 0..<grid.parameterPointCount {
                let base = it * nS
                for j in 0..<nS {
                    let s = sym[perTheta ? base + j : j]
                    kp[2 * (base + j)] += s * yp[2 * (base + j)]
                    kp[2 * (base + j) + 1] += s * yp[2 * (base + j) + 1]
                }
            }
        }
    }

    /// ‖L p‖₂/‖p‖₂ for a real density p: how far p is from stationary on this grid, per unit time.
    public func relativeResidual(ofDensity p: AlignedBuffer) -> Double {
        let y = makeState(), k = makeState()
        toMixed(p, into: y)
        apply(y, into: k)
        return (squaredNorm(k) / max(squaredNorm(y), .leastNormalMagnitude)).squareRoot()
    }

    /// flux = (A x)_row · density.
    private func fillFlux(row: Int) {
        let nV = grid.velocityPointCount
        let f = flux.pointer, p = density.pointer
        thetaPart[row].withUnsafeBufferPointer { tp in
            velocityPart[row].withUnsafeBufferPointer { vp in
                for it in 0..<grid.parameterPointCount {
                    let c = tp[it], base = it * nV
                    for iv in 0..<nV { f[base + iv] = (c + vp[iv]) * p[base + iv] }
                }
            }
        }
    }

    /// Real density of a mixed state (normalised).
    public func toReal(_ y: AlignedBuffer, into real: AlignedBuffer) {
        scratch.copy(from: y)
        velocityTransform.backward(scratch, real)
        let s = 1.0 / Double(grid.velocityPointCount)
        let r = real.pointer
        for i in 0..<grid.pointCount { r[i] *= s }
    }

    /// Mixed state of a real density.
    public func toMixed(_ real: AlignedBuffer, into y: AlignedBuffer) {
        velocityTransform.forward(real, y)
    }

    public func load(_ density: AlignedBuffer, into state: AlignedBuffer) { toMixed(density, into: state) }
    public func density(of state: AlignedBuffer, into real: AlignedBuffer) { toReal(state, into: real) }

    /// ∫p from the zero velocity modes: cheap enough to check every step.
    public func mass(_ y: AlignedBuffer) -> Double {
        let nS = grid.velocitySpectralCount
        var s = 0.0
        for it in 0..<grid.parameterPointCount { s += y.pointer[2 * it * nS] }
        return s * grid.cellVolume
    }

    /// Parseval-weighted squared norm Σ w|y|² (proportional to ∫p²).
    public func squaredNorm(_ y: AlignedBuffer) -> Double {
        let nS = grid.velocitySpectralCount
        var s = 0.0
        parsevalWeight.withUnsafeBufferPointer { w in
            for it in 0..<grid.parameterPointCount {
                let base = 2 * it * nS
                for j in 0..<nS {
                    let re = y.pointer[base + 2 * j], im = y.pointer[base + 2 * j + 1]
                    s += w[j] * (re * re + im * im)
                }
            }
        }
        return s
    }

    /// A fresh mixed buffer of the right size.
    public func makeState() -> AlignedBuffer { grid.makeMixedField() }
    /// A fresh real buffer of the right size.
    public func makeRealField() -> AlignedBuffer { grid.makeField() }
}
