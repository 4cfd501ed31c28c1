import CFFTW

/// Real-to-complex transforms over the velocity axes, batched over every θ point.
///
/// Plans are made once (planning overwrites the arrays, so do it before filling them) and executed many
/// times on the buffers they were made with. The backward transform is unnormalised and destroys its input.
public final class VelocityTransform: @unchecked Sendable {
    public let grid: PhaseSpaceGrid
    private let forwardPlan: fftw_plan
    private let backwardPlan: fftw_plan

    /// Plans `real → spectral` and `spectral → real` on the given buffers.
    public init(grid: PhaseSpaceGrid, real: AlignedBuffer, spectral: AlignedBuffer, effort: PlanningEffort) {
        FFTWRuntime.prepare()
        precondition(real.count == grid.pointCount && spectral.count == 2 * grid.mixedCount)
        self.grid = grid
        var n = grid.velocityAxes.map { Int32($0.points) }
        let rank = Int32(n.count)
        let howMany = Int32(grid.parameterPointCount)
        let realDist = Int32(grid.velocityPointCount)
        let specDist = Int32(grid.velocitySpectralCount)
        let flags = effort.flags
        forwardPlan = n.withUnsafeMutableBufferPointer { np in
            fftw_plan_many_dft_r2c(rank, np.baseAddress, howMany, real.pointer, nil, 1, realDist,
                                   spectral.complexPointer, nil, 1, specDist, flags)!
        }
        backwardPlan = n.withUnsafeMutableBufferPointer { np in
            fftw_plan_many_dft_c2r(rank, np.baseAddress, howMany, spectral.complexPointer, nil, 1, specDist,
                                   real.pointer, nil, 1, realDist, flags | _sgdfp_fftw_destroy_input())!
        }
    }

    deinit {
        fftw_destroy_plan(forwardPlan)
        fftw_destroy_plan(backwardPlan)
    }

    /// real → spectral (unnormalised).
    public func forward(_ real: AlignedBuffer, _ spectral: AlignedBuffer) {
        fftw_execute_dft_r2c(forwardPlan, real.pointer, spectral.complexPointer)
    }

    /// spectral → real, unnormalised (multiply by 1/velocityPointCount); overwrites `spectral`.
    public func backward(_ spectral: AlignedBuffer, _ real: AlignedBuffer) {
        fftw_execute_dft_c2r(backwardPlan, spectral.complexPointer, real.pointer)
    }
}

/// In-place complex transforms over the θ axes of a mixed (θ real, v Fourier) field.
public final class ParameterTransform: @unchecked Sendable {
    public let grid: PhaseSpaceGrid
    private let forwardPlan: fftw_plan
    private let backwardPlan: fftw_plan

    public init(grid: PhaseSpaceGrid, buffer: AlignedBuffer, effort: PlanningEffort) {
        FFTWRuntime.prepare()
        precondition(buffer.count == 2 * grid.mixedCount)
        self.grid = grid
        var n = grid.parameterAxes.map { Int32($0.points) }
        let rank = Int32(n.count)
        let howMany = Int32(grid.velocitySpectralCount)
        let stride = Int32(grid.velocitySpectralCount)
        let flags = effort.flags
        forwardPlan = n.withUnsafeMutableBufferPointer { np in
            fftw_plan_many_dft(rank, np.baseAddress, howMany, buffer.complexPointer, nil, stride, 1,
                               buffer.complexPointer, nil, stride, 1, _sgdfp_fftw_forward(), flags)!
        }
        backwardPlan = n.withUnsafeMutableBufferPointer { np in
            fftw_plan_many_dft(rank, np.baseAddress, howMany, buffer.complexPointer, nil, stride, 1,
                               buffer.complexPointer, nil, stride, 1, _sgdfp_fftw_backward(), flags)!
        }
    }

    deinit {
        fftw_destroy_plan(forwardPlan)
        fftw_destroy_plan(backwardPlan)
    }

    /// In place, unnormalised, on any buffer of the planned size and alignment.
    public func forward(_ buffer: AlignedBuffer) {
        fftw_execute_dft(forwardPlan, buffer.complexPointer, buffer.complexPointer)
    }

    /// In place, unnormalised (multiply by 1/parameterPointCount).
    public func backward(_ buffer: AlignedBuffer) {
        fftw_execute_dft(backwardPlan, buffer.complexPointer, buffer.complexPointer)
    }
}

/// A full real-to-complex transform pair of the whole grid: the unit in which solver cost is reported.
public final class FullTransform: @unchecked Sendable {
    private let forwardPlan: fftw_plan
    private let backwardPlan: fftw_plan
    private let real: AlignedBuffer
    private let spectral: AlignedBuffer

    public init(grid: PhaseSpaceGrid, effort: PlanningEffort) {
        FFTWRuntime.prepare()
        let real = grid.makeField()
        let last = grid.axes.last!.points
        let spectral = AlignedBuffer(complexCount: grid.pointCount / last * (last / 2 + 1))
        self.real = real
        self.spectral = spectral
        var n = grid.shape.map { Int32($0) }
        let flags = effort.flags
        forwardPlan = n.withUnsafeMutableBufferPointer { np in
            fftw_plan_dft_r2c(Int32(np.count), np.baseAddress, real.pointer, spectral.complexPointer, flags)!
        }
        backwardPlan = n.withUnsafeMutableBufferPointer { np in
            fftw_plan_dft_c2r(Int32(np.count), np.baseAddress, spectral.complexPointer, real.pointer,
                              flags | _sgdfp_fftw_destroy_input())!
        }
        for i in 0..<real.count { real[i] = Double(i % 7) }
    }

    deinit {
        fftw_destroy_plan(forwardPlan)
        fftw_destroy_plan(backwardPlan)
    }

    /// One forward and one inverse transform of the grid.
    public func executePair() {
        fftw_execute(forwardPlan)
        fftw_execute(backwardPlan)
    }
}
