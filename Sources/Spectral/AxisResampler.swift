import CFFTW
import Foundation

/// Resamples a real field along one axis under an affine change of that coordinate,
///
///     q(y) = s · p(y₁, …, s·yᵢ + Σⱼ≠ᵢ cⱼyⱼ, …, yₙ),     s = cᵢ > 0,
///
/// which is p ↦ det R · p(R y) for the matrix R that equals the identity except for row i = c. Products
/// of such passes, one per axis, realise any linear change of variables near the identity.
///
/// Every line along axis i is treated on its own. Its Fourier transform is sampled at the scaled
/// wavenumbers k/s by a chirp-z (Bluestein) convolution of length 2N, the offset Σ cⱼyⱼ of the line
/// becomes a phase, and an inverse real transform returns the samples. The discrete transform treats the
/// density as zero outside the box, wavenumbers that map beyond the Nyquist wavenumber are dropped, and
/// the zero mode is carried over unchanged, so the mass of every line is kept to round-off.
///
/// Two real lines travel as one complex line. Lines are processed in blocks, one block per worker at a
/// time, with plans made once and scratch allocated once; a pass may run in place.
public final class AxisResampler: @unchecked Sendable {
    public let grid: PhaseSpaceGrid
    public let axis: Int

    private let n: Int           // points along the axis
    private let padded: Int      // convolution length 2N
    private let inner: Int       // stride of the axis in the row-major layout
    private let lineCount: Int
    private let blockLines: Int  // even, divides lineCount
    private let workers: Int

    private let forwardPlan: fftw_plan
    private let backwardPlan: fftw_plan
    private let synthesisPlan: fftw_plan
    private let kernelPlan: fftw_plan
    private let kernel: AlignedBuffer
    private let scratch: [Workspace]

    /// The tables of one affine map: made by `tables(for:)`, used by `apply`.
    public final class Tables: @unchecked Sendable {
        public let coefficients: [Double]
        let inputChirp: [Double]       // e^{−iπαj²}, α = 1/(Ns), interleaved
        let kernelSpectrum: AlignedBuffer // FFT of e^{iπα(u−N/2)²}, divided by 2N
        let outputChirp: [Double]      // e^{iπm/s − iπαm²}, m = −N/2 … N/2, interleaved
        let outputWeight: [Double]     // (−1)^m/N, or 0 where k_m/s is beyond Nyquist, m = 0 … N/2
        let linePhase: [Double]        // e^{iφ_ℓ} per line, φ_ℓ = 2π o_ℓ/(N h s), interleaved
        init(coefficients: [Double], inputChirp: [Double], kernelSpectrum: AlignedBuffer, outputChirp: [Double],
             outputWeight: [Double], linePhase: [Double]) {
            self.coefficients = coefficients
            self.inputChirp = inputChirp
            self.kernelSpectrum = kernelSpectrum
            self.outputChirp = outputChirp
            self.outputWeight = outputWeight
            self.linePhase = linePhase
        }
    }

    private final class Workspace: @unchecked Sendable {
        let chirped: AlignedBuffer   // pairs × 2N complex, tails kept zero
        let spectrum: AlignedBuffer  // pairs × 2N complex
        let half: AlignedBuffer      // lines × (N/2+1) complex
        let lines: AlignedBuffer     // lines × N real
        let bases: UnsafeMutablePointer<Int> // grid offset of each line of the block
        init(pairs: Int, lines count: Int, n: Int) {
            bases = .allocate(capacity: count)
            chirped = AlignedBuffer(complexCount: pairs * 2 * n)
            spectrum = AlignedBuffer(complexCount: pairs * 2 * n)
            half = AlignedBuffer(complexCount: count * (n / 2 + 1))
            lines = AlignedBuffer(count: count * n)
        }
        deinit { bases.deallocate() }
    }

    /// Plans the passes along `axis` of `grid`; the map itself comes with each call, as `Tables`.
    public init(grid: PhaseSpaceGrid, axis: Int, workers: Int = Parallel.defaultWorkers, effort: PlanningEffort = .measure) {
        FFTWRuntime.prepare()
        let shape = grid.shape
        precondition(axis >= 0 && axis < shape.count)
        self.grid = grid
        self.axis = axis
        let n = shape[axis], padded = 2 * n
        let lineCount = grid.pointCount / n, blockLines = Self.blockSize(lineCount)
        self.n = n
        self.padded = padded
        self.lineCount = lineCount
        self.blockLines = blockLines
        inner = shape[(axis + 1)...].reduce(1, *)
        let blocks = lineCount / blockLines
        self.workers = max(1, min(workers, blocks))

        let pairs = blockLines / 2
        let workspaces = (0..<self.workers).map { _ in Workspace(pairs: pairs, lines: blockLines, n: n) }
        scratch = workspaces
        let first = workspaces[0]
        var size = [Int32(padded)]
        var lineSize = [Int32(n)]
        let flags = effort.flags
        forwardPlan = size.withUnsafeMutableBufferPointer { sp in
            fftw_plan_many_dft(1, sp.baseAddress, Int32(pairs), first.chirped.complexPointer, nil, 1, Int32(2 * n),
                               first.spectrum.complexPointer, nil, 1, Int32(2 * n), _sgdfp_fftw_forward(), flags)!
        }
        backwardPlan = size.withUnsafeMutableBufferPointer { sp in
            fftw_plan_many_dft(1, sp.baseAddress, Int32(pairs), first.spectrum.complexPointer, nil, 1, Int32(2 * n),
                               first.spectrum.complexPointer, nil, 1, Int32(2 * n), _sgdfp_fftw_backward(), flags)!
        }
        synthesisPlan = lineSize.withUnsafeMutableBufferPointer { sp in
            fftw_plan_many_dft_c2r(1, sp.baseAddress, Int32(blockLines), first.half.complexPointer, nil, 1, Int32(n / 2 + 1),
                                   first.lines.pointer, nil, 1, Int32(n), flags | _sgdfp_fftw_destroy_input())!
        }
        let kernel = AlignedBuffer(complexCount: padded)
        self.kernel = kernel
        kernelPlan = size.withUnsafeMutableBufferPointer { sp in
            fftw_plan_dft(1, sp.baseAddress, kernel.complexPointer, first.spectrum.complexPointer, _sgdfp_fftw_forward(), flags)!
        }
        for w in workspaces { w.chirped.fill(0) }
    }

    /// Tables for the map with row `coefficients` (one per axis, in centred coordinates; the entry of this
    /// axis is the scale s > 0). Cheap: a few sines per point of the axis and per line, and one FFT of 2N.
    public func tables(for coefficients: [Double]) -> Tables {
        let shape = grid.shape
        precondition(coefficients.count == shape.count)
        let s = coefficients[axis]
        precondition(s > 0 && s.isFinite, "the scale of an axis pass must be positive")
        let alpha = 1 / (Double(n) * s)
        var chirp = [Double](repeating: 0, count: 2 * n)
        for j in 0..<n {
            let phase = -Double.pi * alpha * Double(j * j)
            chirp[2 * j] = cos(phase)
            chirp[2 * j + 1] = sin(phase)
        }
        var post = [Double](repeating: 0, count: 2 * (n + 1))
        for mm in 0...n {
            let m = Double(mm - n / 2)
            let phase = Double.pi * m / s - Double.pi * alpha * m * m
            post[2 * mm] = cos(phase)
            post[2 * mm + 1] = sin(phase)
        }
        // Wavenumbers k_m/s beyond Nyquist have no source. The Nyquist output mode itself is kept (real part,
        // as an inverse real transform reads it) when its source k_N/s lies inside the band, s ≥ 1:
        // dropping it would cost an under-resolved field its Nyquist content at every pass.
        let weight = (0...(n / 2)).map { m in
            Double(m) > Double(n) * s / 2 ? 0 : (m % 2 == 0 ? 1 : -1) / Double(n)
        }
        // Line offsets o_ℓ = Σⱼ≠ᵢ cⱼyⱼ, lines in storage order of the other axes.
        let h = grid.axes[axis].spacing
        var others = shape
        others.remove(at: axis)
        let otherAxes = (0..<shape.count).filter { $0 != axis }
        let coords = otherAxes.map { grid.axes[$0].coordinates }
        var phases = [Double](repeating: 0, count: 2 * lineCount)
        var index = GridIndex(shape: others.isEmpty ? [1] : others)
        for line in 0..<lineCount {
            var o = 0.0
            for (k, a) in otherAxes.enumerated() { o += coefficients[a] * coords[k][index.values[k]] }
            let phi = 2 * Double.pi * o / (Double(n) * h * s)
            phases[2 * line] = cos(phi)
            phases[2 * line + 1] = sin(phi)
            index.advance()
        }
        // Kernel b_u = e^{iπα(u − N/2)²} for u = −(N−1) … N, stored at u mod 2N; its transform, scaled by 1/2N.
        for u in -(n - 1)...n {
            let t = Double(u - n / 2)
            let slot = (u + padded) % padded
            kernel[2 * slot] = cos(Double.pi * alpha * t * t)
            kernel[2 * slot + 1] = sin(Double.pi * alpha * t * t)
        }
        let spectrum = AlignedBuffer(complexCount: padded)
        fftw_execute_dft(kernelPlan, kernel.complexPointer, spectrum.complexPointer)
        let scale = 1 / Double(padded)
        for i in 0..<(2 * padded) { spectrum[i] *= scale }
        return Tables(coefficients: coefficients, inputChirp: chirp, kernelSpectrum: spectrum, outputChirp: post,
                      outputWeight: weight, linePhase: phases)
    }

    deinit {
        fftw_destroy_plan(kernelPlan)
        fftw_destroy_plan(forwardPlan)
        fftw_destroy_plan(backwardPlan)
        fftw_destroy_plan(synthesisPlan)
    }

    /// The largest even divisor of `lines` not above 64.
    static func blockSize(_ lines: Int) -> Int {
        for b in stride(from: min(64, lines), through: 2, by: -1) where b % 2 == 0 && lines % b == 0 { return b }
        return lines
    }

    /// output = the input resampled by the map of `tables` (both real grid fields; they may be the same buffer).
    public func apply(_ input: AlignedBuffer, into output: AlignedBuffer, tables: Tables) {
        precondition(input.count == grid.pointCount && output.count == grid.pointCount)
        let src = SharedPointer(input.pointer), dst = SharedPointer(output.pointer)
        let blocks = lineCount / blockLines
        Parallel.forEachRange(count: blocks, workers: workers) { worker, range in
            let w = scratch[worker]
            for block in range { process(block: block, from: src.base, to: dst.base, workspace: w, tables: tables) }
        }
    }

    private func process(block: Int, from p: UnsafeMutablePointer<Double>, to q: UnsafeMutablePointer<Double>, workspace w: Workspace, tables: Tables) {
        let n = self.n, inner = self.inner, lines = blockLines, pairs = lines / 2, stride2 = 4 * n
        let first = block * lines
        let z = w.chirped.pointer, f = w.spectrum.pointer, hs = w.half.pointer, out = w.lines.pointer
        // Gather: z[pair][j] = (p_a[j] + i p_b[j]) · chirp[j].
        let bases = w.bases
        for local in 0..<lines {
            let line = first + local
            bases[local] = (line / inner) * n * inner + line % inner
        }
        tables.inputChirp.withUnsafeBufferPointer { c in
            if inner == 1 {
                // Lines are contiguous rows: walk each pair of them.
                for pair in 0..<pairs {
                    let pa = p + bases[2 * pair], pb = p + bases[2 * pair + 1], to = z + pair * stride2
                    for j in 0..<n {
                        let re = pa[j], im = pb[j], cr = c[2 * j], ci = c[2 * j + 1]
                        to[2 * j] = re * cr - im * ci
                        to[2 * j + 1] = re * ci + im * cr
                    }
                }
            } else {
                // Axis index outermost: neighbouring lines of a block are neighbours in memory.
                for j in 0..<n {
                    let from = p + j * inner, cr = c[2 * j], ci = c[2 * j + 1]
                    for pair in 0..<pairs {
                        let re = from[bases[2 * pair]], im = from[bases[2 * pair + 1]]
                        let to = z + pair * stride2 + 2 * j
                        to[0] = re * cr - im * ci
                        to[1] = re * ci + im * cr
                    }
                }
            }
        }
        fftw_execute_dft(forwardPlan, w.chirped.complexPointer, w.spectrum.complexPointer)
        let g = tables.kernelSpectrum.pointer
        for pair in 0..<pairs {
            let row = pair * stride2
            for u in 0..<(2 * n) {
                let re = f[row + 2 * u], im = f[row + 2 * u + 1]
                let gr = g[2 * u], gi = g[2 * u + 1]
                f[row + 2 * u] = re * gr - im * gi
                f[row + 2 * u + 1] = re * gi + im * gr
            }
        }
        fftw_execute_dft(backwardPlan, w.spectrum.complexPointer, w.spectrum.complexPointer)
        // Separate the two real lines, apply the output chirp, the line offset's phase and the weights.
        let halfCount = n / 2 + 1
        tables.outputChirp.withUnsafeBufferPointer { post in
            tables.outputWeight.withUnsafeBufferPointer { weight in
                tables.linePhase.withUnsafeBufferPointer { phase in
                    for pair in 0..<pairs {
                        let row = pair * stride2
                        let la = first + 2 * pair, lb = la + 1
                        let stepAr = phase[2 * la], stepAi = phase[2 * la + 1]
                        let stepBr = phase[2 * lb], stepBi = phase[2 * lb + 1]
                        var rotAr = 1.0, rotAi = 0.0, rotBr = 1.0, rotBi = 0.0
                        let outA = 2 * (2 * pair) * halfCount, outB = outA + 2 * halfCount
                        for m in 0..<halfCount {
                            let ip = n / 2 + m, im = n / 2 - m
                            // X(+m) and X(−m) of the packed line.
                            let yr = f[row + 2 * ip], yi = f[row + 2 * ip + 1]
                            let pr = post[2 * ip] * yr - post[2 * ip + 1] * yi
                            let pi = post[2 * ip] * yi + post[2 * ip + 1] * yr
                            let zr = f[row + 2 * im], zi = f[row + 2 * im + 1]
                            let mr = post[2 * im] * zr - post[2 * im + 1] * zi
                            let mi = post[2 * im] * zi + post[2 * im + 1] * zr
                            // A = (X₊ + conj X₋)/2, B = (X₊ − conj X₋)/(2i).
                            let ar = 0.5 * (pr + mr), ai = 0.5 * (pi - mi)
                            let br = 0.5 * (pi + mi), bi = -0.5 * (pr - mr)
                            let wt = weight[m]
                            hs[outA + 2 * m] = wt * (rotAr * ar - rotAi * ai)
                            hs[outA + 2 * m + 1] = wt * (rotAr * ai + rotAi * ar)
                            hs[outB + 2 * m] = wt * (rotBr * br - rotBi * bi)
                            hs[outB + 2 * m + 1] = wt * (rotBr * bi + rotBi * br)
                            let nar = rotAr * stepAr - rotAi * stepAi
                            rotAi = rotAr * stepAi + rotAi * stepAr
                            rotAr = nar
                            let nbr = rotBr * stepBr - rotBi * stepBi
                            rotBi = rotBr * stepBi + rotBi * stepBr
                            rotBr = nbr
                        }
                        // The zero and Nyquist modes of a real line are real.
                        hs[outA + 1] = 0
                        hs[outB + 1] = 0
                        hs[outA + 2 * (halfCount - 1) + 1] = 0
                        hs[outB + 2 * (halfCount - 1) + 1] = 0
                    }
                }
            }
        }
        if inner == 1 {
            // The block's lines are consecutive rows of the grid: synthesise straight into them (same
            // 16-byte alignment as the planned array, since the offset is an even number of doubles).
            fftw_execute_dft_c2r(synthesisPlan, w.half.complexPointer, q + bases[0])
        } else {
            fftw_execute_dft_c2r(synthesisPlan, w.half.complexPointer, out)
            for j in 0..<n {
                let to = q + j * inner, from = out + j
                for local in 0..<lines { to[bases[local]] = from[local * n] }
            }
        }
    }
}
