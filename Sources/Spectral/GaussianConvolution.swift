import CFFTW
import Foundation

/// Convolves a real grid field with a centred Gaussian of covariance W: one real-to-complex transform of
/// the whole grid, the factor exp(−½kᵀWk) per coefficient, and the inverse transform.
///
/// Odd products kₐk_b (a ≠ b) drop the Nyquist wavenumber, whose sign is ambiguous, so the factor stays
/// symmetric under k → −k and the result real; squares keep it. Factor tables are kept for the last
/// `cacheSize` covariances (a scheme alternating between two step sizes reuses both).
public final class GaussianConvolution: @unchecked Sendable {
    public let grid: PhaseSpaceGrid
    private let spectrum: AlignedBuffer
    private var factors: [(covariance: [Double], values: AlignedBuffer)] = []
    private let cacheSize: Int
    private let forwardPlan: fftw_plan
    private let backwardPlan: fftw_plan
    private let workers: Int

    /// Plans on `field` (planning overwrites it: plan before filling); later calls may pass any field of the
    /// grid's size from `AlignedBuffer`, which has the same alignment.
    public init(grid: PhaseSpaceGrid, field: AlignedBuffer, cacheSize: Int = 2, workers: Int = Parallel.defaultWorkers,
                effort: PlanningEffort = .measure) {
        FFTWRuntime.prepare()
        precondition(field.count == grid.pointCount)
        self.grid = grid
        self.workers = workers
        let count = Self.spectralCount(grid)
        let spectrum = AlignedBuffer(complexCount: count)
        self.spectrum = spectrum
        self.cacheSize = max(1, cacheSize)
        var n = grid.shape.map { Int32($0) }
        let flags = effort.flags
        forwardPlan = n.withUnsafeMutableBufferPointer { np in
            fftw_plan_dft_r2c(Int32(np.count), np.baseAddress, field.pointer, spectrum.complexPointer, flags)!
        }
        backwardPlan = n.withUnsafeMutableBufferPointer { np in
            fftw_plan_dft_c2r(Int32(np.count), np.baseAddress, spectrum.complexPointer, field.pointer,
                              flags | _sgdfp_fftw_destroy_input())!
        }
    }

    deinit {
        fftw_destroy_plan(forwardPlan)
        fftw_destroy_plan(backwardPlan)
    }

    /// Complex coefficients of a real transform of the whole grid (last axis halved).
    public static func spectralCount(_ grid: PhaseSpaceGrid) -> Int {
        grid.pointCount / grid.shape.last! * (grid.shape.last! / 2 + 1)
    }

    /// field ← field ∗ N(0, W), with W row-major n×n in centred coordinates. W = 0 leaves the field as it is.
    public func apply(to field: AlignedBuffer, covariance w: [Double]) {
        let n = grid.axes.count
        precondition(w.count == n * n)
        if w.allSatisfy({ $0 == 0 }) { return }
        let factor = factor(for: w)
        fftw_execute_dft_r2c(forwardPlan, field.pointer, spectrum.complexPointer)
        let s = SharedPointer(spectrum.pointer), f = SharedPointer(factor.pointer)
        Parallel.forEachRange(count: factor.count, workers: workers) { _, range in
            for i in range {
                s.base[2 * i] *= f.base[i]
                s.base[2 * i + 1] *= f.base[i]
            }
        }
        fftw_execute_dft_c2r(backwardPlan, spectrum.complexPointer, field.pointer)
    }

    private func factor(for w: [Double]) -> AlignedBuffer {
        if let i = factors.firstIndex(where: { $0.covariance == w }) {
            let hit = factors.remove(at: i)
            factors.insert(hit, at: 0)
            return hit.values
        }
        let values = factors.count >= cacheSize ? factors.removeLast().values : AlignedBuffer(count: Self.spectralCount(grid))
        fill(values, covariance: w)
        factors.insert((w, values), at: 0)
        return values
    }

    private func fill(_ factor: AlignedBuffer, covariance w: [Double]) {
        let axes = grid.axes, n = axes.count
        var shape = grid.shape
        shape[n - 1] = shape[n - 1] / 2 + 1
        let even: [[Double]] = axes.enumerated().map { a, axis in a == n - 1 ? axis.halfWavenumbers : axis.wavenumbers }
        let odd: [[Double]] = axes.enumerated().map { a, axis in axis.oddFactors(halved: a == n - 1) }
        let scale = 1 / Double(grid.pointCount)
        let inner = shape[n - 1], outer = factor.count / inner
        let f = SharedPointer(factor.pointer)
        let outerShape = Array(shape[0..<(n - 1)])
        Parallel.forEachRange(count: outer, workers: workers) { _, range in
            var k = [Double](repeating: 0, count: n), kOdd = [Double](repeating: 0, count: n)
            for row in range {
                var rest = row
                for a in stride(from: n - 2, through: 0, by: -1) {
                    let i = rest % outerShape[a]
                    rest /= outerShape[a]
                    k[a] = even[a][i]
                    kOdd[a] = odd[a][i]
                }
                for j in 0..<inner {
                    k[n - 1] = even[n - 1][j]
                    kOdd[n - 1] = odd[n - 1][j]
                    var q = 0.0
                    for a in 0..<n {
                        q += w[a * n + a] * k[a] * k[a]
                        for b in (a + 1)..<n { q += 2 * w[a * n + b] * kOdd[a] * kOdd[b] }
                    }
                    f.base[row * inner + j] = scale * exp(-0.5 * q)
                }
            }
        }
    }
}
