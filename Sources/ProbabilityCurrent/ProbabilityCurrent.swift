import Foundation
import LangevinModel
import Spectral

/// The probability current of a density and its parts, on the grid (real layout).
public struct CurrentFields {
    /// J_a = f_a p − Σ_b D_ab ∂_b p for every phase-space axis a (θ axes first).
    public var components: [[Double]]
    /// Per velocity axis, the irreversible part under momentum parity (v odd): −(A_vv v)p − D_vv∇_v p.
    /// The reversible part is the rest: J_θ itself and −(A_vθ θ̃)p along v; J_θ has no irreversible part.
    public var irreversibleVelocity: [[Double]]
    /// ∇·J = −∂p/∂t.
    public var divergence: [Double]

    public init(components: [[Double]], irreversibleVelocity: [[Double]], divergence: [Double]) {
        self.components = components
        self.irreversibleVelocity = irreversibleVelocity
        self.divergence = divergence
    }
}

/// Integrals of the current (centred coordinates x − x*).
public struct CurrentSummary: Sendable {
    /// ∫J dx (n).
    public var total: [Double]
    /// ∫(x − x*)Jᵀ dx (n×n): Q at stationarity.
    public var firstMoment: Matrix
    /// ∫|J| dx.
    public var absoluteIntegral: Double
    /// ∫|J|²/p dx over the points where p exceeds `maskThreshold` times its peak.
    public var squaredIntegral: Double
    /// ∫ J_irr,vᵀ D_vv⁻¹ J_irr,v / p dx over the same points; nil when D_vv is singular somewhere.
    public var entropyProduction: Double?
    /// ∫|J_irr| dx / ∫|J| dx: zero under detailed balance with momentum parity.
    public var irreversibleFraction: Double
    /// Per coordinate plane (θ_i, v_i): ∫(θ̃_i J_vi − v_i J_θi) dx (negative: clockwise).
    public var coordinatePlaneCirculations: [Double]
    /// Per eigenmode of H, the same in the plane (u_iᵀθ̃, u_iᵀv).
    public var eigenPlaneCirculations: [Double]
    /// Per eigenmode, the angular frequency of the current measured as √(−∫a J_b dx / ∫a² p dx) in
    /// that plane; ω_i = √((h_i + λ)/m) for any stationary density of the model.
    public var rotationFrequencies: [Double]
    /// d = 2: ∫(θ̃₁J_θ₂ − θ̃₂J_θ₁) dx.
    public var thetaPlaneCirculation: Double?
    /// ‖∇·J‖₂/‖p‖₂ per unit time.
    public var relativeDivergence: Double
    /// max|J_θ − v p| / max|J|: the exact identity J_θ = v p checked on the extracted field.
    public var thetaIdentityDeviation: Double
    /// Relative threshold of the mask used for the integrals that divide by p.
    public var maskThreshold: Double
}

/// Extracts J = f p − D∇p spectrally from any density (transient or stationary) of the Langevin model,
/// with f = −A(x − x*) and D = [[0, 0], [0, D_vv(θ)]] (physics.md §5.1, §6.5-§6.6).
///
/// With a frame x − x* = μ + L y (block lower-triangular L), the density is given in frame form
/// q(y) = |det L| p on a grid of y, and every field is the physical one at the frame points: p = q/|det L|,
/// ∇ᵥp = L_vv⁻ᵀ∇_{y_v}q/|det L| (θ depends on y_θ alone), ∇·J = ∇_y·(L⁻¹J), and ∫ · dx = |det L| ∫ · dy.
/// Without one the frame is the identity and y is x − x* itself.
public final class ProbabilityCurrent {
    public let sde: LangevinSDE
    /// The grid the density is given on (of the frame coordinates when there is a frame).
    public let grid: PhaseSpaceGrid
    public let frame: Frame
    private let derivative: SpectralDerivative
    /// D_vv at every θ point, row-major d×d each (one entry for constant noise).
    private let diffusion: [[Double]]
    private let inverseDiffusion: [[Double]]?

    public init(sde: LangevinSDE, grid: PhaseSpaceGrid, frame: Frame? = nil, effort: PlanningEffort = .estimate) {
        precondition(grid.parameterDimension == sde.parameterDimension)
        let d = sde.parameterDimension, n = 2 * d
        let frame = frame ?? Frame.identity(n)
        precondition(frame.isBlockLowerTriangular(split: d), "a block lower-triangular frame")
        self.sde = sde
        self.grid = grid
        self.frame = frame
        derivative = SpectralDerivative(grid: grid, effort: effort)
        let origin = sde.regularizedMinimum
        let thetaGrid = PhaseSpaceGrid.points(of: grid.parameterAxes)
        // θ − θ* = μ_θ + L_θθ y_θ.
        func theta(_ y: [Double]) -> [Double] {
            (0..<d).map { i -> Double in
                var s = origin[i] + frame.mean[i]
                for j in 0..<d { s += frame.factor[i * n + j] * y[j] }
                return s
            }
        }
        let matrices: [Matrix] = sde.noise.isStateDependent
            ? thetaGrid.map { sde.velocityDiffusion(at: theta($0)) }
            : [sde.velocityDiffusion(at: origin)]
        diffusion = matrices.map(\.elements)
        var inverses: [[Double]]? = []
        for m in matrices {
            let e = m.symmetricEigen().values
            guard let lo = e.first, let hi = e.last, lo > 1e-12 * hi, let inv = try? m.inverse() else { inverses = nil; break }
            inverses?.append(inv.elements)
        }
        inverseDiffusion = inverses
    }

    /// Bytes held beside the density: the fields (2n + 1 real fields with the gradient) and the transforms.
    public static func memoryEstimate(grid: PhaseSpaceGrid) -> Double {
        let n = grid.axes.count
        return Double(2 * n + 1) * Double(grid.pointCount) * 8 + SpectralDerivative.memoryEstimate(grid: grid)
    }

    /// The current of `density` and its integrals; `maskThreshold` bounds the points (relative to the
    /// peak) where integrals divide by p, since far in the tails p is below its own round-off. Measured on
    /// the P3 Gaussian at 40⁴: at 1e-10 the mask cuts 3e-8 of ∫|J|²/p; at 1e-14 the round-off of J over
    /// p adds 8e-7 to a zero entropy production; 1e-12 keeps both below 1e-8.
    public func compute(_ density: UnsafeBufferPointer<Double>, maskThreshold: Double = 1e-12) -> (CurrentFields, CurrentSummary) {
        let d = grid.parameterDimension, n = 2 * d
        let count = grid.pointCount
        let nV = grid.velocityPointCount
        let a = sde.driftMatrix.elements
        let coords = grid.axes.map(\.coordinates)
        let strides = grid.strides, shape = grid.shape
        let jacobian = frame.jacobian, inverse = frame.inverseFactor

        // ∇_{y_v} q.
        derivative.load(density)
        var gradient = [[Double]](repeating: [Double](repeating: 0, count: count), count: d)
        for i in 0..<d {
            gradient[i].withUnsafeMutableBufferPointer { derivative.derivative(axis: d + i, into: $0) }
        }
        var components = [[Double]](repeating: [Double](repeating: 0, count: count), count: n)
        var irreversible = [[Double]](repeating: [Double](repeating: 0, count: count), count: d)
        var y = [Double](repeating: 0, count: n), x = y, gradientV = [Double](repeating: 0, count: d)
        for index in 0..<count {
            for axis in 0..<n { y[axis] = coords[axis][(index / strides[axis]) % shape[axis]] }
            frame.point(atFrameCoordinates: y, into: &x)  // x − x*
            let p = density[index] / jacobian
            // ∇ᵥp = L_vv⁻ᵀ ∇_{y_v} q / |det L|.
            for i in 0..<d {
                var g = 0.0
                for j in 0..<d { g += inverse[(d + j) * n + d + i] * gradient[j][index] }
                gradientV[i] = g / jacobian
            }
            let dvv = diffusion[diffusion.count == 1 ? 0 : index / nV]
            for row in 0..<n {
                var f = 0.0
                for c in 0..<n { f -= a[row * n + c] * x[c] }
                components[row][index] = f * p
            }
            for i in 0..<d {
                var diffusive = 0.0
                for j in 0..<d { diffusive += dvv[i * d + j] * gradientV[j] }
                components[d + i][index] -= diffusive
                var friction = 0.0
                for j in 0..<d { friction += a[(d + i) * n + d + j] * x[d + j] }
                irreversible[i][index] = -friction * p - diffusive
            }
        }

        // ∇·J = ∇_y·(L⁻¹J).
        var divergence = [Double](repeating: 0, count: count)
        var partial = [Double](repeating: 0, count: count)
        let isIdentity = frame == Frame.identity(n)
        for axis in 0..<n {
            var transformed = components[axis]
            if !isIdentity {
                for i in 0..<count {
                    var s = 0.0
                    for b in 0..<n { s += inverse[axis * n + b] * components[b][i] }
                    transformed[i] = s
                }
            }
            transformed.withUnsafeBufferPointer { derivative.load($0) }
            partial.withUnsafeMutableBufferPointer { derivative.derivative(axis: axis, into: $0) }
            for i in 0..<count { divergence[i] += partial[i] }
        }
        let fields = CurrentFields(components: components, irreversibleVelocity: irreversible, divergence: divergence)
        return (fields, summarize(fields, density: density, maskThreshold: maskThreshold))
    }

    private func summarize(_ fields: CurrentFields, density: UnsafeBufferPointer<Double>, maskThreshold: Double) -> CurrentSummary {
        let d = grid.parameterDimension, n = 2 * d
        let count = grid.pointCount, nV = grid.velocityPointCount
        let coords = grid.axes.map(\.coordinates)
        let strides = grid.strides, shape = grid.shape
        let jacobian = frame.jacobian
        let dv = grid.cellVolume * jacobian
        let peak = (density.max() ?? 0) / jacobian
        let cut = maskThreshold * peak
        let j = fields.components

        var total = [Double](repeating: 0, count: n)
        var moment = Matrix.zeros(n, n)
        var second = Matrix.zeros(n, n)
        var absolute = 0.0, squared = 0.0, entropy = 0.0, irreversibleAbsolute = 0.0
        var divergenceSquared = 0.0, densitySquared = 0.0
        var largestJ = 0.0, thetaDeviation = 0.0
        var y = [Double](repeating: 0, count: n), x = y
        for index in 0..<count {
            for axis in 0..<n { y[axis] = coords[axis][(index / strides[axis]) % shape[axis]] }
            frame.point(atFrameCoordinates: y, into: &x)  // x − x*
            let p = density[index] / jacobian
            var norm2 = 0.0
            for a in 0..<n {
                let ja = j[a][index]
                total[a] += ja
                norm2 += ja * ja
                for b in 0..<n {
                    moment[b, a] += x[b] * ja
                    second[b, a] += x[b] * x[a] * p
                }
            }
            absolute += norm2.squareRoot()
            largestJ = max(largestJ, norm2.squareRoot())
            for i in 0..<d { thetaDeviation = max(thetaDeviation, abs(j[i][index] - x[d + i] * p)) }
            var irr2 = 0.0
            for i in 0..<d { irr2 += fields.irreversibleVelocity[i][index] * fields.irreversibleVelocity[i][index] }
            irreversibleAbsolute += irr2.squareRoot()
            divergenceSquared += fields.divergence[index] * fields.divergence[index]
            densitySquared += p * p
            if p > cut {
                squared += norm2 / p
                if let inverse = inverseDiffusion {
                    let m = inverse[inverse.count == 1 ? 0 : index / nV]
                    var q = 0.0
                    for r in 0..<d {
                        for c in 0..<d { q += fields.irreversibleVelocity[r][index] * m[r * d + c] * fields.irreversibleVelocity[c][index] }
                    }
                    entropy += q / p
                }
            }
        }
        total = total.map { $0 * dv }
        moment = dv * moment
        second = dv * second

        let planes = (0..<d).map { i in moment[i, d + i] - moment[d + i, i] }
        var eigenPlanes: [Double] = [], frequencies: [Double] = []
        for mode in sde.modes {
            let u = mode.direction
            var circulation = 0.0, aJb = 0.0, aa = 0.0
            for r in 0..<d {
                for c in 0..<d {
                    circulation += u[r] * (moment[r, d + c] - moment[d + r, c]) * u[c]
                    aJb += u[r] * moment[r, d + c] * u[c]
                    aa += u[r] * second[r, c] * u[c]
                }
            }
            eigenPlanes.append(circulation)
            frequencies.append(aa > 0 && aJb < 0 ? (-aJb / aa).squareRoot() : 0)
        }
        return CurrentSummary(
            total: total, firstMoment: moment, absoluteIntegral: absolute * dv, squaredIntegral: squared * dv,
            entropyProduction: inverseDiffusion == nil ? nil : entropy * dv,
            irreversibleFraction: absolute > 0 ? irreversibleAbsolute / absolute : 0,
            coordinatePlaneCirculations: planes, eigenPlaneCirculations: eigenPlanes, rotationFrequencies: frequencies,
            thetaPlaneCirculation: d == 2 ? moment[0, 1] - moment[1, 0] : nil,
            relativeDivergence: (divergenceSquared / max(densitySquared, .leastNormalMagnitude)).squareRoot(),
            thetaIdentityDeviation: largestJ > 0 ? thetaDeviation / largestJ : 0,
            maskThreshold: maskThreshold)
    }

    /// For d = 2, the current integrated over the other two axes in the planes a user looks at,
    /// (θ₁, v₁), (θ₂, v₂) and (θ₁, θ₂): per plane "a_b", the marginal components along a and b, each
    /// row-major with b fastest. Empty for d = 1, where the current is already 2-D. With a frame, the planes
    /// are those of `projection`'s output grid, integrated exactly from the frame points.
    public func marginalCurrents(_ fields: CurrentFields, projection: FrameProjection? = nil) -> [(plane: String, component: String, values: [Double])] {
        let d = grid.parameterDimension
        guard d == 2 else { return [] }
        precondition(projection != nil || frame == Frame.identity(2 * d), "a frame's marginals are drawn on an output grid")
        let names = (projection?.output ?? grid).axes.map(\.name)
        var out: [(String, String, [Double])] = []
        for (a, b) in [(0, 2), (1, 3), (0, 1)] {
            let plane = "\(names[a])_\(names[b])"
            for axis in [a, b] {
                let marginal = projection.map { $0.marginal($0.frameForm(fields.components[axis]), keeping: [a, b]) }
                    ?? fields.components[axis].withUnsafeBufferPointer { Quadrature.pairMarginal(of: $0, on: grid, axes: (a, b)) }
                out.append((plane, names[axis], marginal))
            }
        }
        return out
    }
}
