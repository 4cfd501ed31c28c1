import Foundation
import LangevinModel
import Spectral

/// The grid of an adapted frame, and why it is what it is. In the frame a Gaussian law is N(0, I); a box of
/// ±b holds it to e^{−½b²} and N points resolve it to e^{−½k²} at the last mode k = πN/(2b). A mixture's
/// components are narrower than the overall law the frame follows, so the points are sized from the
/// narrowest component deviation σ as it appears in the frame: the spectrum e^{−½(σk)²} must reach
/// e^{−½·6.7²} ≈ 1.8e-10 at the last mode, what 32 points on ±7.5 give N(0, I).
public enum AdaptedFrameGrid {
    /// The last mode's σk that is enough: 32 points on ±7.5 for σ = 1.
    public static let resolvedModes = 6.7

    /// Points per axis: `requested` when given, otherwise 64 for one parameter and 32 for two (more in
    /// higher dimensions would not fit), raised to resolve the narrowest component of `initial`.
    public static func make(initial: GaussianMixture, origin: [Double], parameterDimension d: Int, halfWidth: Double,
                            requested: Int?) throws -> (grid: PhaseSpaceGrid, frame: Frame, reason: String, floor: Double) {
        let n = 2 * d
        let (mean, covariance) = initial.moments
        let frame = try Frame(mean: zip(mean, origin).map(-), covariance: covariance)
        let narrowest = initial.inFrame(frame, origin: origin).components.map { c in
            SymmetricSpectrum.smallestDeviation(c.covariance, n)
        }.min() ?? 1
        let base = d == 1 ? 64 : 32
        let needed = Int(clamping: 2 * halfWidth * resolvedModes / (Double.pi * narrowest), to: 0...(1 << 20), rounding: .up)
        if requested == nil && needed > 1024 {
            throw FrameError.componentTooNarrow(width: narrowest, points: needed)
        }
        let automatic = max(base, needed + needed % 2)
        let points = requested ?? automatic
        let reason: String
        if let requested {
            reason = "\(requested) points per frame axis as requested (\(automatic) would resolve the start to about 1e-10)"
        } else if automatic > base {
            reason = String(format: "%ld points per frame axis: the narrowest initial component is %.2g wide in the frame of the whole law", automatic, narrowest)
        } else {
            reason = "\(points) points per frame axis resolve a Gaussian to about 1e-10"
        }
        let grid = try PhaseSpaceGrid(points: Array(repeating: points, count: n), halfWidths: Array(repeating: halfWidth, count: n))
        let floor = GridPlanner.spectralFloor(deviationsPerSpacing: narrowest * Double(points) / (2 * halfWidth), boxDeviations: halfWidth)
        return (grid, frame, reason, floor)
    }
}

/// The smallest standard deviation of a covariance: the square root of its least eigenvalue.
enum SymmetricSpectrum {
    static func smallestDeviation(_ c: [Double], _ n: Int) -> Double {
        let values = Matrix(rows: n, cols: n, elements: c).symmetrized.symmetricEigen().values
        return max(values.min() ?? 1, 0).squareRoot()
    }
}
