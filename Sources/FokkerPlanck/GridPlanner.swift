import Foundation
import LangevinModel
import Spectral

/// Chooses and checks the periodic box from the laws the density will pass through: the box must hold at
/// least `sigmas` standard deviations around every mean, and the grid must resolve the narrowest law.
///
/// A Gaussian's spectrum is exp(−½kᵀPk); on the face kᵢ = π/Δxᵢ of the resolved spectrum it is largest
/// at kᵢ²/(P⁻¹)ᵢᵢ, so the conditional standard deviation 1/√(P⁻¹)ᵢᵢ sets the resolution along axis i.
public struct GridPlanner: Sendable {
    /// Means (uncentred) and covariances (row-major) the density passes through, e.g. sampled in time.
    public struct Envelope: Sendable {
        public var time: Double
        public var mean: [Double]
        public var covariance: [Double]
        public init(time: Double, mean: [Double], covariance: [Double]) {
            self.time = time
            self.mean = mean
            self.covariance = covariance
        }
    }

    public var sigmas = 7.0
    /// Spectral tail exp(−½(π s/Δx)²) ≤ 1e-10 needs s ≥ √(2 ln 1e10)/π ≈ 2.16 Δx.
    public var pointsPerConditionalDeviation = 2.16

    public init() {}

    /// Half-width per axis that holds `sigmas` standard deviations of every envelope around x*.
    public func requiredHalfWidths(_ envelopes: [Envelope], stationaryPoint: [Double]) -> [Double] {
        let n = stationaryPoint.count
        return (0..<n).map { i in
            envelopes.map { abs($0.mean[i] - stationaryPoint[i]) + sigmas * $0.covariance[i * n + i].squareRoot() }.max() ?? 1
        }
    }

    /// The auto box: the required half-widths plus 5% so the density decays before the edge.
    public func automaticHalfWidths(_ envelopes: [Envelope], stationaryPoint: [Double]) -> [Double] {
        requiredHalfWidths(envelopes, stationaryPoint: stationaryPoint).map { $0 * 1.05 }
    }

    /// The spatial error a grid leaves a Gaussian: its spectrum at the last mode, e^{−½(πr)²} for r
    /// deviations per spacing, or its tail beyond a box of `boxDeviations` deviations, e^{−½s²}, whichever
    /// is larger (relative to the peak; L¹ errors and moment errors sit at about this level).
    public static func spectralFloor(deviationsPerSpacing r: Double, boxDeviations s: Double) -> Double {
        max(exp(-0.5 * (Double.pi * r) * (Double.pi * r)), exp(-0.5 * s * s))
    }

    /// Throws when a user-given box is narrower than required.
    public func checkBox(_ halfWidths: [Double], names: [String], envelopes: [Envelope], stationaryPoint: [Double]) throws(GridPlanningError) {
        let need = requiredHalfWidths(envelopes, stationaryPoint: stationaryPoint)
        for i in need.indices where halfWidths[i] < need[i] {
            throw .boxTooSmall(axis: names[i], halfWidth: halfWidths[i], required: need[i], sigmas: sigmas)
        }
    }

    /// Resolution of the narrowest envelope per axis, as conditional deviation over grid spacing.
    public func resolution(_ envelopes: [Envelope], grid: PhaseSpaceGrid) -> [(axis: String, ratio: Double, time: Double)] {
        let n = grid.axes.count
        return (0..<n).map { i in
            var worst = (ratio: Double.infinity, time: 0.0)
            for e in envelopes {
                guard let precision = Self.inverseDiagonal(e.covariance, n) else { continue }
                let r = (1 / precision[i]).squareRoot() / grid.axes[i].spacing
                if r < worst.ratio { worst = (r, e.time) }
            }
            return (grid.axes[i].name, worst.ratio, worst.time)
        }
    }

    /// Below one spacing per conditional standard deviation a Gaussian's Fourier tail at the grid's
    /// Nyquist wavenumber is above 1e-2: the sampled start is not the law the user asked for.
    public var minimumInitialResolution = 1.0

    /// Throws when the initial law is grossly unresolved by the grid, naming the axis and the points needed
    /// for full spectral accuracy. Between `minimumInitialResolution` and `pointsPerConditionalDeviation`
    /// callers should warn (see `resolution`).
    public func checkInitialResolution(_ initial: [Envelope], grid: PhaseSpaceGrid) throws(GridPlanningError) {
        for (i, r) in resolution(initial, grid: grid).enumerated() where r.ratio < minimumInitialResolution {
            // A box astronomically wider than the start (a huge mean or noise scale) asks for more points than exist.
            let needed = Int(clamping: Double(grid.axes[i].points) * pointsPerConditionalDeviation / r.ratio, to: 0...Int.max - 1, rounding: .up)
            throw .initialUnresolved(axis: r.axis, ratio: r.ratio, pointsNeeded: needed + needed % 2)
        }
    }

    /// Diagonal of the inverse of a symmetric positive definite matrix (nil if it is not).
    static func inverseDiagonal(_ m: [Double], _ n: Int) -> [Double]? {
        guard let l = GaussianMixture.cholesky(m, n) else { return nil }
        // (P⁻¹)ᵢᵢ = ‖L⁻¹eᵢ‖²: solve L y = eᵢ by forward substitution.
        return (0..<n).map { i in
            var y = [Double](repeating: 0, count: n)
            var s = 0.0
            for r in i..<n {
                var v = r == i ? 1.0 : 0.0
                for c in i..<r { v -= l[r * n + c] * y[c] }
                y[r] = v / l[r * n + r]
                s += y[r] * y[r]
            }
            return s
        }
    }
}

public enum GridPlanningError: Error, CustomStringConvertible, Equatable {
    case boxTooSmall(axis: String, halfWidth: Double, required: Double, sigmas: Double)
    case initialUnresolved(axis: String, ratio: Double, pointsNeeded: Int)

    public var description: String {
        switch self {
        case let .boxTooSmall(axis, w, need, s):
            return String(format: "The box half-width %.4g along %@ is too small: the density reaches ±%.4g (%.0f standard deviations); enlarge [grid] box or use box = \"auto\".", w, axis, need, s)
        case let .initialUnresolved(axis, ratio, points) where points > 1 << 20:
            return String(format: "The initial density is too narrow for the grid along %@ (%.2g grid spacings per conditional standard deviation): the box spans the start and the stationary law, which differ by more than a million of the start's widths; check [initial] mean and covariance, [noise] and [grid] box, or use [grid] frame = \"adapted\".", axis, ratio)
        case let .initialUnresolved(axis, ratio, points):
            return String(format: "The initial density is too narrow for the grid along %@ (%.2g grid spacings per conditional standard deviation); use at least %ld points along %@ in [grid] points, or a wider [initial] covariance.", axis, ratio, points, axis)
        }
    }
}
