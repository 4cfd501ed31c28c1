import CFFTW

/// First derivatives of a real field on the periodic grid: one real-to-complex transform of the whole
/// grid per field, then one multiplication by i·k and one inverse transform per derivative.
///
/// The Nyquist mode is dropped in every derivative (its sign is ambiguous), as in the operator.
/// Not thread-safe: one instance per task.
public final class SpectralDerivative: @unchecked Sendable {
    public let grid: PhaseSpaceGrid
    private let real: AlignedBuffer
    private let spectrum: AlignedBuffer
    private let work: AlignedBuffer
    private let forwardPlan: fftw_plan
    private let backwardPlan: fftw_plan
    /// Per axis, i·k factors in FFTW's order (the last axis halved).
    private let factors: [[Double]]
    /// Complex shape of the spectrum and its strides.
    private let spectralShape: [Int]
    private let spectralStrides: [Int]

    public init(grid: PhaseSpaceGrid, effort: PlanningEffort = .estimate) {
        FFTWRuntime.prepare()
        self.grid = grid
        var shape = grid.shape
        shape[shape.count - 1] = shape[shape.count - 1] / 2 + 1
        spectralShape = shape
        var strides = [Int](repeating: 1, count: shape.count)
        for i in stride(from: shape.count - 2, through: 0, by: -1) { strides[i] = strides[i + 1] * shape[i + 1] }
        spectralStrides = strides
        let complexCount = shape.reduce(1, *)
        real = grid.makeField()
        spectrum = AlignedBuffer(complexCount: complexCount)
        work = AlignedBuffer(complexCount: complexCount)
        let last = grid.axes.count - 1
        factors = grid.axes.enumerated().map { $0.element.oddFactors(halved: $0.offset == last) }
        var n = grid.shape.map { Int32($0) }
        let flags = effort.flags
        let (r, s, w) = (real, spectrum, work)
        forwardPlan = n.withUnsafeMutableBufferPointer { np in
            fftw_plan_dft_r2c(Int32(np.count), np.baseAddress, r.pointer, s.complexPointer, flags)!
        }
        backwardPlan = n.withUnsafeMutableBufferPointer { np in
            fftw_plan_dft_c2r(Int32(np.count), np.baseAddress, w.complexPointer, r.pointer, flags | _sgdfp_fftw_destroy_input())!
        }
    }

    deinit {
        fftw_destroy_plan(forwardPlan)
        fftw_destroy_plan(backwardPlan)
    }

    /// Transforms `field` (real layout); the derivatives that follow are of this field.
    public func load(_ field: UnsafeBufferPointer<Double>) {
        precondition(field.count == grid.pointCount)
        real.pointer.update(from: field.baseAddress!, count: field.count)
        fftw_execute(forwardPlan)
    }

    /// ∂p/∂x_axis of the loaded field, into `out` (real layout).
    public func derivative(axis: Int, into out: UnsafeMutableBufferPointer<Double>) {
        precondition(out.count == grid.pointCount)
        let k = factors[axis], n = spectralShape[axis], stride = spectralStrides[axis]
        let complexCount = spectralShape.reduce(1, *)
        let s = spectrum.pointer, w = work.pointer
        k.withUnsafeBufferPointer { k in
            for j in 0..<complexCount {
                let kk = k[(j / stride) % n]
                let re = s[2 * j], im = s[2 * j + 1]
                w[2 * j] = -kk * im
                w[2 * j + 1] = kk * re
            }
        }
        fftw_execute(backwardPlan)
        let scale = 1.0 / Double(grid.pointCount)
        for i in 0..<grid.pointCount { out[i] = real.pointer[i] * scale }
    }

    /// Bytes held: one real field and two half-spectra.
    public static func memoryEstimate(grid: PhaseSpaceGrid) -> Double {
        let last = grid.axes.last!.points
        return Double(grid.pointCount) * 8 + 2 * Double(grid.pointCount / last * (last / 2 + 1)) * 16
    }
}
