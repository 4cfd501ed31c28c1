import Foundation

/// An affine frame of phase space: x = μ + L y with L invertible. A density p in x and its frame form
/// q(y) = |det L| · p(μ + L y) carry the same mass.
///
/// With μ and LLᵀ the mean and covariance of a law, the law is N(0, I) in the frame up to its deviation
/// from a Gaussian, so one frame grid (a fixed box and point count per axis) resolves every such law. The
/// Cholesky factor in the order (θ, v) is block lower-triangular, which keeps θ a function of y_θ alone
/// (noise acting on v enters only the y_v axes); other factors (that one times a rotation) are allowed.
/// Coordinates are whatever the caller measures x in (the solver uses x − x*). Matrices are row-major.
public struct Frame: Sendable, Equatable {
    public let mean: [Double]
    public let factor: [Double]
    /// L⁻¹.
    public let inverseFactor: [Double]
    /// |det L|: q(y) = |det L| · p(μ + L y).
    public let jacobian: Double

    /// Largest ratio between the longest and shortest conditional deviation of a frame's law: beyond it the
    /// maps between frames lose more than ten of double precision's sixteen digits.
    public static let largestAspectRatio = 1e6

    public init(mean: [Double], factor: [Double]) throws(FrameError) {
        let n = mean.count
        guard n > 0, factor.count == n * n, mean.allSatisfy(\.isFinite), factor.allSatisfy(\.isFinite) else {
            throw .notFinite
        }
        // The conditional deviations are the Cholesky pivots of LLᵀ, whatever rotation L carries.
        let covariance = SmallMatrix.multiply(factor, SmallMatrix.transpose(factor, n), n)
        let pivots = try Self.cholesky(covariance, n).pivots
        let longest = pivots.max()!
        if let i = pivots.indices.first(where: { pivots[$0] * Self.largestAspectRatio < longest }) {
            throw .degenerate(axis: i, of: n, ratio: pivots[i] / longest)
        }
        guard let inverse = SmallMatrix.inverse(factor, n) else { throw .degenerate(axis: n - 1, of: n, ratio: 0) }
        self.mean = mean
        self.factor = factor
        inverseFactor = inverse
        jacobian = pivots.reduce(1, *)
    }

    /// The frame of a law with this mean and covariance: L its Cholesky factor.
    public init(mean: [Double], covariance p: [Double]) throws(FrameError) {
        let n = mean.count
        guard p.count == n * n, p.allSatisfy(\.isFinite) else { throw .notFinite }
        try self.init(mean: mean, factor: Self.cholesky(p, n).factor)
    }

    /// The lower Cholesky factor of p and its pivots (the conditional deviations, axis by axis).
    static func cholesky(_ p: [Double], _ n: Int) throws(FrameError) -> (factor: [Double], pivots: [Double]) {
        var l = [Double](repeating: 0, count: n * n)
        for j in 0..<n {
            var s = p[j * n + j]
            for k in 0..<j { s -= l[j * n + k] * l[j * n + k] }
            // The conditional variance of axis j given the earlier ones: its loss of digits is what limits the frame.
            guard s > 0, s.isFinite else { throw .degenerate(axis: j, of: n, ratio: 0) }
            let pivot = s.squareRoot()
            l[j * n + j] = pivot
            for i in (j + 1)..<max(j + 1, n) {
                var t = p[i * n + j]
                for k in 0..<j { t -= l[i * n + k] * l[j * n + k] }
                l[i * n + j] = t / pivot
            }
        }
        return (l, (0..<n).map { l[$0 * n + $0] })
    }

    /// The identity frame of dimension n (the frame of N(0, I)).
    public static func identity(_ n: Int) -> Frame {
        var l = [Double](repeating: 0, count: n * n)
        for i in 0..<n { l[i * n + i] = 1 }
        return try! Frame(mean: [Double](repeating: 0, count: n), factor: l)
    }

    public var dimension: Int { mean.count }

    /// Whether L has no entries coupling the first d axes (θ) to the rest (v): then θ depends on y_θ alone,
    /// as the Cholesky factor in the order (θ, v) has it.
    public func isBlockLowerTriangular(split d: Int) -> Bool {
        let n = dimension
        return (0..<d).allSatisfy { i in (d..<n).allSatisfy { factor[i * n + $0] == 0 } }
    }


    /// x = μ + L y.
    public func point(atFrameCoordinates y: [Double]) -> [Double] {
        var x = mean
        point(atFrameCoordinates: y, into: &x)
        return x
    }

    /// x = μ + L y into `x` (of the frame's dimension), allocating nothing: for loops over every grid point.
    public func point(atFrameCoordinates y: [Double], into x: inout [Double]) {
        let n = dimension
        for i in 0..<n {
            var s = mean[i]
            for j in 0..<n { s += factor[i * n + j] * y[j] }
            x[i] = s
        }
    }

    /// y = L⁻¹(x − μ).
    public func frameCoordinates(of x: [Double]) -> [Double] {
        applyInverse(zip(x, mean).map { $0 - $1 })
    }

    /// L Lᵀ: the physical covariance of N(0, I) in this frame (that of the law the frame was made from).
    public var covariance: [Double] { SmallMatrix.multiply(factor, SmallMatrix.transpose(factor, dimension), dimension) }

    /// The map from this frame's coordinates to `next`'s for points carried by x ↦ B x + s:
    /// y′ = G y + c with G = L′⁻¹BL and c = L′⁻¹(Bμ + s − μ′).
    public func change(to next: Frame, flow b: [Double], shift s: [Double]) -> (linear: [Double], shift: [Double]) {
        let n = dimension
        let bl = SmallMatrix.multiply(b, factor, n)
        var g = [Double](repeating: 0, count: n * n)
        for j in 0..<n {
            let column = next.applyInverse((0..<n).map { bl[$0 * n + j] })
            for i in 0..<n { g[i * n + j] = column[i] }
        }
        let moved = (0..<n).map { i in (0..<n).reduce(s[i] - next.mean[i]) { $0 + b[i * n + $1] * mean[$1] } }
        return (g, next.applyInverse(moved))
    }

    /// L⁻¹ W L⁻ᵀ: a covariance (or diffusion matrix) as seen in frame coordinates.
    public func transformedCovariance(_ w: [Double]) -> [Double] {
        let n = dimension
        var half = [Double](repeating: 0, count: n * n)  // L⁻¹W
        for j in 0..<n {
            let column = applyInverse((0..<n).map { w[$0 * n + j] })
            for i in 0..<n { half[i * n + j] = column[i] }
        }
        var result = [Double](repeating: 0, count: n * n)  // (L⁻¹ (L⁻¹W)ᵀ)ᵀ = L⁻¹WL⁻ᵀ for symmetric W
        for i in 0..<n {
            let row = applyInverse((0..<n).map { half[i * n + $0] })
            for j in 0..<n { result[j * n + i] = row[j] }
        }
        for i in 0..<n { for j in 0..<i { let a = 0.5 * (result[i * n + j] + result[j * n + i]); result[i * n + j] = a; result[j * n + i] = a } }
        return result
    }

    /// L⁻¹ v.
    func applyInverse(_ v: [Double]) -> [Double] {
        let n = dimension
        return (0..<n).map { i in (0..<n).reduce(0) { $0 + inverseFactor[i * n + $1] * v[$1] } }
    }
}

/// Why a frame cannot be made, one sentence each.
public enum FrameError: Error, Equatable, CustomStringConvertible {
    case notFinite
    /// The conditional deviation along `axis` (of `of` phase-space axes, θ first) is `ratio` times the largest
    /// one (0: not positive at all).
    case degenerate(axis: Int, of: Int, ratio: Double)
    /// A mixture component is `width` wide in the frame of the whole law, which would take `points` per axis.
    case componentTooNarrow(width: Double, points: Int)

    public var description: String {
        switch self {
        case .notFinite: return "The frame's mean or covariance is not finite."
        case let .componentTooNarrow(width, points):
            return String(format: "A component of the initial mixture is %.2g wide in the frame of the whole law, which would take %ld points per frame axis (more than 1024); start from wider components or set [grid] frame_points.", width, points)
        case let .degenerate(axis, n, ratio):
            // The frame's axes are phase space's, θ first: name the one that collapsed as the output does.
            let name = n % 2 == 0 && axis < n ? PhaseSpaceGrid.axisNames(parameterDimension: n / 2)[axis] : "phase-space axis \(axis + 1)"
            return ratio == 0
                ? "The law has no spread left along \(name) given the earlier axes (a degenerate covariance), so no frame can follow it."
                : String(format: "The law has collapsed along %@: its deviation given the earlier axes is %.1e of the widest, beyond what a frame can follow in double precision.", name, ratio)
        }
    }
}

/// Small dense matrix arithmetic (n ≤ 8) for frames and row factorisations, row-major.
enum SmallMatrix {
    static func multiply(_ a: [Double], _ b: [Double], _ n: Int) -> [Double] {
        var c = [Double](repeating: 0, count: n * n)
        for i in 0..<n { for k in 0..<n { let x = a[i * n + k]; if x != 0 { for j in 0..<n { c[i * n + j] += x * b[k * n + j] } } } }
        return c
    }

    /// A⁻¹ by Gauss–Jordan elimination with partial pivoting, or nil when A is singular to working precision.
    static func inverse(_ a: [Double], _ n: Int) -> [Double]? {
        var m = a, inv = [Double](repeating: 0, count: n * n)
        for i in 0..<n { inv[i * n + i] = 1 }
        let scale = a.map(abs).max() ?? 0
        for k in 0..<n {
            let p = (k..<n).max { abs(m[$0 * n + k]) < abs(m[$1 * n + k]) }!
            guard abs(m[p * n + k]) > Double(n) * .ulpOfOne * scale else { return nil }
            if p != k { for j in 0..<n { m.swapAt(k * n + j, p * n + j); inv.swapAt(k * n + j, p * n + j) } }
            let d = m[k * n + k]
            for j in 0..<n { m[k * n + j] /= d; inv[k * n + j] /= d }
            for i in 0..<n where i != k {
                let f = m[i * n + k]
                if f == 0 { continue }
                for j in 0..<n { m[i * n + j] -= f * m[k * n + j]; inv[i * n + j] -= f * inv[k * n + j] }
            }
        }
        return inv
    }

    static func transpose(_ a: [Double], _ n: Int) -> [Double] {
        var t = a
        for i in 0..<n { for j in 0..<n { t[j * n + i] = a[i * n + j] } }
        return t
    }
}
