import Foundation
import LangevinModel
import Spectral

/// A weighted sum of Gaussians in uncentred phase-space coordinates, sampled onto grids.
public struct GaussianMixture: Sendable {
    public struct Component: Sendable {
        public var weight: Double
        public var mean: [Double]
        /// Row-major n×n, symmetric positive definite.
        public var covariance: [Double]
        public init(weight: Double, mean: [Double], covariance: [Double]) {
            self.weight = weight
            self.mean = mean
            self.covariance = covariance
        }
    }

    public var components: [Component]

    public init(components: [Component]) { self.components = components }

    public init(mean: [Double], covariance: [Double]) {
        components = [Component(weight: 1, mean: mean, covariance: covariance)]
    }

    public var dimension: Int { components.first?.mean.count ?? 0 }

    /// Samples the normalised density (weights divided by their sum) at the grid points, whose
    /// coordinates are centred on `origin`.
    public func sample(on grid: PhaseSpaceGrid, origin: [Double], into out: UnsafeMutableBufferPointer<Double>) throws(InitialDensityError) {
        let n = grid.axes.count
        precondition(out.count == grid.pointCount && origin.count == n)
        let total = components.reduce(0) { $0 + $1.weight }
        guard total > 0 else { throw .badWeights }
        out.update(repeating: 0)
        let coords = grid.axes.map(\.coordinates)
        for (c, comp) in components.enumerated() {
            guard comp.mean.count == n, comp.covariance.count == n * n else { throw .wrongShape(component: c, dimension: n) }
            guard let chol = Self.cholesky(comp.covariance, n) else { throw .notPositiveDefinite(component: c) }
            var logDet = 0.0
            for i in 0..<n { logDet += 2 * log(chol[i * n + i]) }
            let norm = comp.weight / total * exp(-0.5 * (Double(n) * log(2 * Double.pi) + logDet))
            let shift = (0..<n).map { comp.mean[$0] - origin[$0] }
            var index = GridIndex(shape: grid.shape)
            var z = [Double](repeating: 0, count: n)
            for p in 0..<out.count {
                // Solve L z = x − m by forward substitution; the exponent is −|z|²/2.
                var q = 0.0
                for i in 0..<n {
                    var s = coords[i][index.values[i]] - shift[i]
                    for j in 0..<i { s -= chol[i * n + j] * z[j] }
                    z[i] = s / chol[i * n + i]
                    q += z[i] * z[i]
                }
                out[p] += norm * exp(-0.5 * q)
                index.advance()
            }
        }
    }

    /// Lower Cholesky factor (row-major), or nil when the matrix is not symmetric positive definite.
    public static func cholesky(_ m: [Double], _ n: Int) -> [Double]? {
        let matrix = Matrix(rows: n, cols: n, elements: m)
        guard matrix.isSymmetric(tolerance: 1e-12) else { return nil }
        return try? matrix.cholesky().elements
    }
}

public enum InitialDensityError: Error, CustomStringConvertible, Equatable {
    case badWeights
    case wrongShape(component: Int, dimension: Int)
    case notPositiveDefinite(component: Int)

    public var description: String {
        switch self {
        case .badWeights:
            return "The mixture weights must be non-negative with a positive sum; fix [initial] weights."
        case let .wrongShape(c, n):
            return "Initial component \(c + 1) needs a mean of length \(n) and a \(n)×\(n) covariance; fix [initial] mean/covariance."
        case let .notPositiveDefinite(c):
            return "The covariance of initial component \(c + 1) is not symmetric positive definite; give a covariance with positive variances in [initial]."
        }
    }
}
