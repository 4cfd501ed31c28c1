import Foundation

/// A Gaussian (or just its first two moments) in uncentred phase-space coordinates (θ, v).
public struct Gaussian: Sendable, Equatable {
    /// E[x], length n.
    public var mean: [Double]
    /// Cov[x], n×n.
    public var covariance: Matrix

    /// The covariance must be n×n for a mean of length n.
    public init(mean: [Double], covariance: Matrix) {
        precondition(covariance.rows == mean.count && covariance.cols == mean.count,
                     "Covariance must be \(mean.count)×\(mean.count)")
        self.mean = mean
        self.covariance = covariance
    }

    /// A point mass at x (zero covariance).
    public static func pointMass(at x: [Double]) -> Gaussian {
        Gaussian(mean: x, covariance: .zeros(x.count, x.count))
    }

    /// n.
    public var dimension: Int { mean.count }
}
