/// Moments and summaries of a real density sampled on the grid (centred coordinates).
///
/// The trapezoidal rule on a periodic grid is spectrally accurate for smooth densities that vanish at the
/// box edges, so plain sums times the cell volume are the right quadrature here.
public struct DensityMoments: Sendable, Equatable {
    public var mass: Double
    /// Mean in centred coordinates, normalised by the mass.
    public var mean: [Double]
    /// Covariance (row-major n×n), normalised by the mass.
    public var covariance: [Double]
    public var minimum: Double
    public var maximum: Double
    /// ∫ max(−p, 0): the mass of the negative part (spectral ringing), reported, never clipped.
    public var negativeMass: Double
    /// Per axis: largest |p| on the two outermost layers of grid points, relative to the maximum of p.
    public var boundaryFractions: [Double]
}

public enum Quadrature {
    /// Mass, mean, covariance, extremes, negative mass and boundary level of `density` (real layout).
    public static func moments(of density: UnsafeBufferPointer<Double>, on grid: PhaseSpaceGrid) -> DensityMoments {
        let n = grid.axes.count
        let shape = grid.shape
        let coords = grid.axes.map(\.coordinates)
        var index = GridIndex(shape: shape)
        var x = coords.map { $0[0] }
        var s0 = 0.0, negative = 0.0
        var s1 = [Double](repeating: 0, count: n)
        var s2 = [Double](repeating: 0, count: n * n)
        var lo = Double.infinity, hi = -Double.infinity
        var boundary = [Double](repeating: 0, count: n)
        for p in density {
            s0 += p
            if p < 0 { negative -= p }
            lo = min(lo, p)
            hi = max(hi, p)
            for a in 0..<n {
                let xa = x[a] * p
                s1[a] += xa
                for b in a..<n { s2[a * n + b] += xa * x[b] }
            }
            for a in 0..<n where index.values[a] == 0 || index.values[a] == shape[a] - 1 { boundary[a] = max(boundary[a], abs(p)) }
            for a in index.advance()..<n { x[a] = coords[a][index.values[a]] }
        }
        let dv = grid.cellVolume
        let mass = s0 * dv
        let mean = s1.map { $0 / s0 }
        var cov = [Double](repeating: 0, count: n * n)
        for a in 0..<n {
            for b in a..<n {
                let c = s2[a * n + b] / s0 - mean[a] * mean[b]
                cov[a * n + b] = c
                cov[b * n + a] = c
            }
        }
        return DensityMoments(
            mass: mass, mean: mean, covariance: cov, minimum: lo, maximum: hi,
            negativeMass: negative * dv, boundaryFractions: boundary.map { hi > 0 ? $0 / hi : .infinity })
    }

    /// All 2-D marginals ∫ p over the other axes, keyed by "a_b" with axis names in grid order (a before b).
    /// Each marginal is row-major with axis b fastest.
    public static func pairMarginals(of density: UnsafeBufferPointer<Double>, on grid: PhaseSpaceGrid) -> [String: [Double]] {
        let n = grid.axes.count
        let shape = grid.shape
        var pairs: [(Int, Int)] = []
        for a in 0..<n { for b in (a + 1)..<n { pairs.append((a, b)) } }
        var sums = pairs.map { [Double](repeating: 0, count: shape[$0.0] * shape[$0.1]) }
        var index = GridIndex(shape: shape)
        for p in density {
            for (k, (a, b)) in pairs.enumerated() { sums[k][index.values[a] * shape[b] + index.values[b]] += p }
            index.advance()
        }
        var result: [String: [Double]] = [:]
        let spacing = grid.axes.map(\.spacing)
        for (k, (a, b)) in pairs.enumerated() {
            let weight = grid.cellVolume / (spacing[a] * spacing[b])
            result["\(grid.axes[a].name)_\(grid.axes[b].name)"] = sums[k].map { $0 * weight }
        }
        return result
    }

    /// The 2-D marginal ∫ f over the axes other than `axes` (a < b), row-major with b fastest.
    public static func pairMarginal(of field: UnsafeBufferPointer<Double>, on grid: PhaseSpaceGrid, axes: (Int, Int)) -> [Double] {
        let (a, b) = axes
        let shape = grid.shape, strides = grid.strides
        var sums = [Double](repeating: 0, count: shape[a] * shape[b])
        for i in 0..<field.count {
            sums[((i / strides[a]) % shape[a]) * shape[b] + (i / strides[b]) % shape[b]] += field[i]
        }
        let weight = grid.cellVolume / (grid.axes[a].spacing * grid.axes[b].spacing)
        return sums.map { $0 * weight }
    }

    /// The marginal ∫ p dv over the velocity axes, on the θ grid (row-major).
    public static func parameterMarginal(of density: UnsafeBufferPointer<Double>, on grid: PhaseSpaceGrid) -> [Double] {
        let nV = grid.velocityPointCount
        return (0..<grid.parameterPointCount).map { it in
            var s = 0.0
            for j in 0..<nV { s += density[it * nV + j] }
            return s * grid.velocityCellVolume
        }
    }

    /// L¹ distance ∫|p − q| between two densities on the grid.
    public static func l1Distance(_ p: UnsafeBufferPointer<Double>, _ q: UnsafeBufferPointer<Double>, on grid: PhaseSpaceGrid) -> Double {
        precondition(p.count == q.count)
        var s = 0.0
        for i in 0..<p.count { s += abs(p[i] - q[i]) }
        return s * grid.cellVolume
    }
}
