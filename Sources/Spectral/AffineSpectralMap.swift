import CFFTW
import Foundation

/// An affine map z = G y + c followed by a Gaussian spread N(0, W): what carries a density from one frame
/// to the next over an interval of linear dynamics (or, with W = 0, from a frame to the axis-aligned grid).
/// Matrices are row-major.
public struct AffineSpread: Sendable {
    public let linear: [Double]
    public let shift: [Double]
    public let spread: [Double]
    /// The row operations of Gᵀ, applied on wavenumbers one axis at a time (`RowFactorization`).
    let rows: [[Double]]

    /// Nil when Gᵀ has no row factorisation with positive scales (G far from the identity: split the interval).
    public init?(linear g: [Double], shift c: [Double], spread w: [Double]) {
        let n = c.count
        precondition(g.count == n * n && w.count == n * n)
        guard let rows = RowFactorization.rows(of: SmallMatrix.transpose(g, n), dimension: n) else { return nil }
        linear = g
        shift = c
        spread = w
        self.rows = rows
    }

    /// How much wider than N(0, I) any intermediate field of the passes gets along any axis, for a source
    /// N(0, I): after the passes of Rₙ₋₁ … Rᵢ the field is ŝ(Tk) with T = Rₙ₋₁⋯Rᵢ, whose width along axis j
    /// is |T eⱼ|. A box of ±b holds every stage to e^{−½(b/widening)²}; shearing passes widen, so a map
    /// far from the identity is split until this is near 1.
    public var widening: Double {
        let n = shift.count
        var t = [Double](repeating: 0, count: n * n)
        for i in 0..<n { t[i * n + i] = 1 }
        var widest = 0.0
        for i in stride(from: n - 1, through: 0, by: -1) {
            // T ← T Rᵢ: column k of T Rᵢ is T eₖ + rows[i][k]·T eᵢ for k ≠ i, and rows[i][i]·T eᵢ for k = i.
            let column = (0..<n).map { t[$0 * n + i] }
            for r in 0..<n {
                for k in 0..<n { t[r * n + k] = (k == i ? 0 : t[r * n + k]) + rows[i][k] * column[r] }
            }
            for k in 0..<n { widest = max(widest, (0..<n).reduce(0) { $0 + t[$1 * n + k] * t[$1 * n + k] }.squareRoot()) }
        }
        return widest
    }
}

/// Applies an `AffineSpread` to a density sampled on a periodic source grid and samples the result on a
/// periodic target grid (the same grid or another), on the Fourier side in one piece:
///
///     t̂(k) = e^{−ik·c} e^{−½kᵀWk} ŝ(Gᵀk)   at every wavenumber k of the target grid.
///
/// ŝ is evaluated at Gᵀk = Rₙ₋₁⋯R₀k by one pass per axis, the pass of Rₙ₋₁ first: a line along axis i,
/// physical along i and at lattice wavenumbers along the others, is transformed to the wavenumbers
/// cᵢkᵢ + Σⱼ≠ᵢ cⱼkⱼ by a chirp-z (Bluestein) convolution. Nothing is resampled in physical space, so a map
/// that contracts wavenumbers (a law that spreads, as every law does under noise) is evaluated inside the
/// band and a spread that widens the law is applied where it cannot alias; the zero mode of the whole grid
/// is carried exactly, so mass is kept to round-off. The Nyquist planes, whose sign is ambiguous, are dropped:
/// a density the grid resolves has nothing there. Both densities are in centred coordinates of their grids.
public final class AffineSpectralMap: @unchecked Sendable {
    public let source: [Axis]
    /// The target axes; an integrated axis (see `init(source:marginalOn:keeping:)`) has no entry of its own.
    let target: [TargetAxis]
    private let n: Int
    /// Shape after s passes (axes n−s … n−1 on the target grid), s = 0 … n.
    private let shapes: [[Int]]
    private let buffers: [AlignedBuffer]
    private let forwardPlans: [fftw_plan]     // along axes 0 … n−2 of the source shape, on buffers[0]
    private let backwardPlans: [fftw_plan?]   // along axis i before its pass, on the buffer holding that stage
    private let synthesisPlan: fftw_plan      // n-D inverse on the target shape, on the final buffer
    private let passes: [LinePass]            // passes[i] along axis i
    private let workers: Int

    /// Plans every transform (planning overwrites scratch only).
    public convenience init(source: [Axis], target: [Axis], workers: Int = Parallel.defaultWorkers, effort: PlanningEffort = .measure) {
        self.init(source: source, targets: target.map(TargetAxis.init), workers: workers, effort: effort)
    }

    /// The marginal on the axes `keeping` of `target` (the other axes integrated out), by the Fourier-slice
    /// theorem: its transform is the density's on the plane k = 0 along the integrated axes, which the
    /// passes evaluate at that one wavenumber. The result is row-major over the kept axes.
    public convenience init(source: [Axis], marginalOn target: [Axis], keeping: Set<Int>, workers: Int = Parallel.defaultWorkers,
                            effort: PlanningEffort = .measure) {
        self.init(source: source, targets: target.enumerated().map { keeping.contains($0.offset) ? TargetAxis($0.element) : .integrated },
                  workers: workers, effort: effort)
    }

    init(source: [Axis], targets target: [TargetAxis], workers: Int, effort: PlanningEffort) {
        FFTWRuntime.prepare()
        precondition(source.count == target.count && !source.isEmpty)
        let n = source.count
        self.source = source
        self.target = target
        self.n = n
        self.workers = workers
        var shapes = [source.map(\.points)]
        for s in 1...n {
            var shape = shapes[s - 1]
            shape[n - s] = target[n - s].points
            shapes.append(shape)
        }
        self.shapes = shapes
        let largest = shapes.map { $0.reduce(1, *) }.max()!
        let buffers = [AlignedBuffer(complexCount: largest), AlignedBuffer(complexCount: largest)]
        self.buffers = buffers
        let flags = effort.flags
        func linePlan(axis a: Int, shape: [Int], buffer: AlignedBuffer, sign: Int32) -> fftw_plan {
            let strides = Self.strides(shape)
            var dims = [fftw_iodim(n: Int32(shape[a]), is: Int32(strides[a]), os: Int32(strides[a]))]
            var loops = (0..<shape.count).filter { $0 != a }.map { fftw_iodim(n: Int32(shape[$0]), is: Int32(strides[$0]), os: Int32(strides[$0])) }
            return fftw_plan_guru_dft(1, &dims, Int32(loops.count), &loops, buffer.complexPointer, buffer.complexPointer, sign, flags)!
        }
        forwardPlans = (0..<(n - 1)).map { linePlan(axis: $0, shape: shapes[0], buffer: buffers[0], sign: _sgdfp_fftw_forward()) }
        // Before the pass along axis i, n−1−i passes are done: that stage lives in buffers[(n−1−i) % 2].
        backwardPlans = (0..<n).map { i in
            i == n - 1 ? nil : linePlan(axis: i, shape: shapes[n - 1 - i], buffer: buffers[(n - 1 - i) % 2], sign: _sgdfp_fftw_backward())
        }
        var dims = shapes[n].map { Int32($0) }
        let final = buffers[n % 2]
        synthesisPlan = dims.withUnsafeMutableBufferPointer {
            fftw_plan_dft(Int32(n), $0.baseAddress, final.complexPointer, final.complexPointer, _sgdfp_fftw_backward(), flags)!
        }
        passes = (0..<n).map { i in
            LinePass(sourceAxis: source[i], targetAxis: target[i], workers: max(1, workers), effort: effort)
        }
    }

    deinit {
        for p in forwardPlans { fftw_destroy_plan(p) }
        for p in backwardPlans { if let p { fftw_destroy_plan(p) } }
        fftw_destroy_plan(synthesisPlan)
    }

    /// Bytes held beside the caller's fields: two complex work arrays of the largest stage.
    public static func memoryEstimate(source: [Axis], target: [Axis]) -> Double {
        memoryEstimate(source: source, points: target.map(\.points))
    }

    static func memoryEstimate(source: [Axis], points: [Int]) -> Double {
        var largest = source.map(\.points).reduce(1, *)
        var shape = source.map(\.points)
        for a in stride(from: source.count - 1, through: 0, by: -1) {
            shape[a] = points[a]
            largest = max(largest, shape.reduce(1, *))
        }
        return 2 * 16 * Double(largest)
    }

    /// target ← the density of z = G y + c + ζ, ζ ∼ N(0, W), y distributed as `source` (real fields).
    public func apply(_ sourceField: AlignedBuffer, into targetField: AlignedBuffer, _ map: AffineSpread) {
        precondition(sourceField.count == shapes[0].reduce(1, *) && targetField.count == shapes[n].reduce(1, *))
        precondition(map.shift.count == n)
        let first = buffers[0]
        let count = sourceField.count
        for p in 0..<count {
            first[2 * p] = sourceField[p]
            first[2 * p + 1] = 0
        }
        for plan in forwardPlans { fftw_execute_dft(plan, first.complexPointer, first.complexPointer) }
        for i in stride(from: n - 1, through: 0, by: -1) {
            let stage = n - 1 - i
            let input = buffers[stage % 2], output = buffers[(stage + 1) % 2]
            if let plan = backwardPlans[i] {
                Self.dropNyquist(input, shape: shapes[stage], axis: i)
                fftw_execute_dft(plan, input.complexPointer, input.complexPointer)
            }
            // Wavenumbers of the other axes: the target lattice for axes already passed, the source lattice for the rest.
            let lattices = (0..<n).map { a in a > i ? target[a].wavenumbers : source[a].wavenumbers }
            passes[i].apply(input, shape: shapes[stage], into: output, shape: shapes[stage + 1], axis: i,
                            row: map.rows[i], lattices: lattices, inverseTransformed: backwardPlans[i] != nil)
        }
        let final = buffers[n % 2]
        applySpread(final, shift: map.shift, spread: map.spread)
        fftw_execute_dft(synthesisPlan, final.complexPointer, final.complexPointer)
        let scale = 1 / Double(targetField.count)
        for p in 0..<targetField.count { targetField[p] = scale * final[2 * p] }
    }

    /// Multiplies every target coefficient by e^{−ik·c − ½kᵀWk} and zeroes the Nyquist planes. The shift's
    /// phase is a product of one factor per axis (tables), so a point costs one exponential, none when W = 0.
    private func applySpread(_ field: AlignedBuffer, shift c: [Double], spread w: [Double]) {
        let shape = shapes[n], n = self.n
        let ks = target.map(\.wavenumbers)
        let phases: [[Double]] = (0..<n).map { a in ks[a].flatMap { k in [cos(k * c[a]), -sin(k * c[a])] } }
        let noSpread = w.allSatisfy { $0 == 0 }
        let inner = shape[n - 1], outer = shape.reduce(1, *) / inner
        let f = SharedPointer(field.pointer)
        Parallel.forEachRange(count: outer, workers: workers) { _, range in
            var k = [Double](repeating: 0, count: n)
            for row in range {
                var rest = row, nyquist = false
                var pr = 1.0, pi = 0.0      // the shift's phase over the outer axes
                for a in stride(from: n - 2, through: 0, by: -1) {
                    let idx = rest % shape[a]
                    rest /= shape[a]
                    k[a] = ks[a][idx]
                    if idx == shape[a] / 2 && shape[a] > 1 { nyquist = true }
                    let tr = phases[a][2 * idx], ti = phases[a][2 * idx + 1]
                    (pr, pi) = (pr * tr - pi * ti, pr * ti + pi * tr)
                }
                // kᵀWk = q₀ + 2 k_last (Wk)_last + W_last,last k_last², with k_last = 0 in q₀ and (Wk).
                var q0 = 0.0, cross = 0.0
                if !noSpread {
                    for a in 0..<(n - 1) {
                        for b in 0..<(n - 1) { q0 += k[a] * w[a * n + b] * k[b] }
                        cross += w[(n - 1) * n + a] * k[a]
                    }
                }
                let wLast = w[n * n - 1]
                for j in 0..<inner {
                    let p = row * inner + j
                    if nyquist || (j == inner / 2 && inner > 1) {
                        f.base[2 * p] = 0
                        f.base[2 * p + 1] = 0
                        continue
                    }
                    let kl = ks[n - 1][j]
                    let factor = noSpread ? 1 : exp(-0.5 * (q0 + kl * (2 * cross + wLast * kl)))
                    let tr = phases[n - 1][2 * j], ti = phases[n - 1][2 * j + 1]
                    let cr = factor * (pr * tr - pi * ti), ci = factor * (pr * ti + pi * tr)
                    let re = f.base[2 * p], im = f.base[2 * p + 1]
                    f.base[2 * p] = re * cr - im * ci
                    f.base[2 * p + 1] = re * ci + im * cr
                }
            }
        }
    }

    private static func dropNyquist(_ field: AlignedBuffer, shape: [Int], axis: Int) {
        let strides = Self.strides(shape)
        let outer = shape[0..<axis].reduce(1, *), inner = strides[axis], base = (shape[axis] / 2) * inner
        for o in 0..<outer {
            let start = o * shape[axis] * inner + base
            for r in 0..<inner {
                field[2 * (start + r)] = 0
                field[2 * (start + r) + 1] = 0
            }
        }
    }

    static func strides(_ shape: [Int]) -> [Int] {
        var s = [Int](repeating: 1, count: shape.count)
        for i in stride(from: shape.count - 2, through: 0, by: -1) { s[i] = s[i + 1] * shape[i + 1] }
        return s
    }
}

/// One pass of `AffineSpectralMap` along one axis: every line, physical along the axis on the source
/// grid, is transformed to the target wavenumbers κₘ = cᵢkₘ + o (o from the line's other wavenumbers):
///
///     outₘ = (hₛ/hₜ) e^{iκₘbₛ − ikₘbₜ} Σⱼ xⱼ e^{−iκₘ j hₛ},
///
/// in the transform convention with the origin at the box corner (−b), so that lattice values are plain
/// discrete transforms. The sum is a chirp-z: e^{−2πiβmj} with β = cᵢhₛ/(Nₜhₜ), as a convolution of length Nₛ + Nₜ.
final class LinePass: @unchecked Sendable {
    let sourceAxis: Axis
    let targetAxis: TargetAxis
    private let length: Int
    /// Lines transformed together by one batched plan.
    static let block = 16
    private let forwardPlan: fftw_plan
    private let backwardPlan: fftw_plan
    private let kernelPlan: fftw_plan
    /// Per worker: the chirped lines (zero beyond Nₛ, which stays so: the transform is out of place) and their spectra.
    private let scratch: [(lines: AlignedBuffer, spectra: AlignedBuffer)]
    private let kernelBuffer: AlignedBuffer
    private let workers: Int

    init(sourceAxis: Axis, targetAxis: TargetAxis, workers: Int, effort: PlanningEffort) {
        self.sourceAxis = sourceAxis
        self.targetAxis = targetAxis
        let length = sourceAxis.points + targetAxis.points
        self.length = length
        self.workers = workers
        scratch = (0..<workers).map { _ in (AlignedBuffer(complexCount: Self.block * length), AlignedBuffer(complexCount: Self.block * length)) }
        kernelBuffer = AlignedBuffer(complexCount: length)
        let s = scratch[0]
        var size = [Int32(length)]
        forwardPlan = fftw_plan_many_dft(1, &size, Int32(Self.block), s.lines.complexPointer, nil, 1, Int32(length),
                                         s.spectra.complexPointer, nil, 1, Int32(length), _sgdfp_fftw_forward(), effort.flags)!
        backwardPlan = fftw_plan_many_dft(1, &size, Int32(Self.block), s.spectra.complexPointer, nil, 1, Int32(length),
                                          s.spectra.complexPointer, nil, 1, Int32(length), _sgdfp_fftw_backward(), effort.flags)!
        for w in scratch { w.lines.fill(0) }
        kernelPlan = fftw_plan_dft_1d(Int32(length), kernelBuffer.complexPointer, kernelBuffer.complexPointer, _sgdfp_fftw_forward(), effort.flags)!
    }

    deinit {
        fftw_destroy_plan(forwardPlan)
        fftw_destroy_plan(backwardPlan)
        fftw_destroy_plan(kernelPlan)
    }

    /// `output` (shape `outShape`) ← the pass along `axis` with row `row` of `input` (shape `inShape`).
    /// `lattices[a]` are the wavenumbers along axis a in the lattice its values are currently at;
    /// `inverseTransformed` says the lines come from an unnormalised inverse transform (a factor Nₛ too large).
    func apply(_ input: AlignedBuffer, shape inShape: [Int], into output: AlignedBuffer, shape outShape: [Int], axis: Int,
               row: [Double], lattices: [[Double]], inverseTransformed: Bool) {
        let ns = sourceAxis.points, nt = targetAxis.points, len = length
        let hs = sourceAxis.spacing, ht = targetAxis.spacing, bs = sourceAxis.halfWidth, bt = targetAxis.halfWidth
        let scale = row[axis]
        let beta = scale * hs / (Double(nt) * ht)
        // Input chirp e^{−iπβj²}; output factors per m′ = m + Nₜ/2.
        let turns = HalfTurns(beta)
        var chirp = [Double](repeating: 0, count: 2 * ns)
        for j in 0..<ns {
            let (c, s) = turns.cosSin(j * j)
            chirp[2 * j] = c
            chirp[2 * j + 1] = -s
        }
        var post = [Double](repeating: 0, count: 2 * nt)
        let k0 = targetAxis.fundamentalWavenumber
        let offsetTurns = HalfTurns(scale * bs / bt - 1)
        for mm in 0..<nt {
            // e^{−iπβm²} · e^{iπm(cᵢbₛ/bₜ − 1)}, since kₘbₜ = πm.
            let m = mm - nt / 2
            let (c1, s1) = turns.cosSin(m * m), (c2, s2) = offsetTurns.cosSin(m)
            let amp = hs / ht / (inverseTransformed ? Double(ns) : 1)
            post[2 * mm] = amp * (c1 * c2 + s1 * s2)
            post[2 * mm + 1] = amp * (c1 * s2 - s1 * c2)
        }
        // Kernel e^{iπβ(v − Nₜ/2)²} for v = −(Nₛ−1) … Nₜ−1 at v mod L; its transform over L.
        kernelBuffer.fill(0)
        for v in -(ns - 1)...(nt - 1) {
            let t = v - nt / 2, slot = (v + len) % len
            let (c, s) = turns.cosSin(t * t)
            kernelBuffer[2 * slot] = c
            kernelBuffer[2 * slot + 1] = s
        }
        fftw_execute(kernelPlan)
        let kernel = (0..<(2 * len)).map { kernelBuffer[$0] / Double(len) }

        let band = sourceAxis.nyquistWavenumber
        let inner = inShape[(axis + 1)...].reduce(1, *)
        let outer = inShape[0..<axis].reduce(1, *)
        let lineCount = outer * inner
        let others = (0..<inShape.count).filter { $0 != axis }
        let otherShape = others.map { inShape[$0] }
        let otherRow = others.map { row[$0] }
        let otherLattices = others.map { lattices[$0] }
        // Output slots m mod Nₜ, and whether κₘ lies in the source band, per m′ (the band test needs o).
        let slots = (0..<nt).map { ($0 - nt / 2 + nt) % nt }
        let scaled = (0..<nt).map { scale * Double($0 - nt / 2) * k0 }
        let block = Self.block, blocks = (lineCount + block - 1) / block
        let src = SharedPointer(input.pointer), dst = SharedPointer(output.pointer)
        chirp.withUnsafeBufferPointer { inputChirp in
        post.withUnsafeBufferPointer { outputFactor in
        kernel.withUnsafeBufferPointer { kernelSpectrum in
            let ic = SharedPointer(UnsafeMutablePointer(mutating: inputChirp.baseAddress!))
            let of = SharedPointer(UnsafeMutablePointer(mutating: outputFactor.baseAddress!))
            let ks = SharedPointer(UnsafeMutablePointer(mutating: kernelSpectrum.baseAddress!))
            Parallel.forEachRange(count: blocks, workers: workers) { worker, range in
                let z = self.scratch[worker].lines, zp = z.pointer, spectra = self.scratch[worker].spectra, sp = spectra.pointer
                var index = [Int](repeating: 0, count: others.count)
                let offsets = UnsafeMutablePointer<Double>.allocate(capacity: block)
                let inBases = UnsafeMutablePointer<Int>.allocate(capacity: block), outBases = UnsafeMutablePointer<Int>.allocate(capacity: block)
                defer {
                    offsets.deallocate(); inBases.deallocate(); outBases.deallocate()
                }
                for b in range {
                    let first = b * block, count = min(block, lineCount - first)
                    for l in 0..<count {
                        // The line's indices along the other axes (row-major over them) give its offset o.
                        let line = first + l
                        var rest = line
                        for k in stride(from: others.count - 1, through: 0, by: -1) {
                            index[k] = rest % otherShape[k]
                            rest /= otherShape[k]
                        }
                        var o = 0.0
                        for k in 0..<others.count where otherRow[k] != 0 { o += otherRow[k] * otherLattices[k][index[k]] }
                        offsets[l] = o
                        let o1 = line / inner, r = line % inner
                        inBases[l] = o1 * ns * inner + r
                        outBases[l] = o1 * nt * inner + r
                    }
                    for l in 0..<count {
                        // a_j = x_j e^{−i o j hₛ} e^{−iπβj²}, zero beyond Nₛ.
                        let to = zp + 2 * l * len, from = src.base + 2 * inBases[l]
                        let stepR = cos(-offsets[l] * hs), stepI = sin(-offsets[l] * hs)
                        var rotR = 1.0, rotI = 0.0
                        for j in 0..<ns {
                            let xr = from[2 * j * inner], xi = from[2 * j * inner + 1]
                            let cr = rotR * ic.base[2 * j] - rotI * ic.base[2 * j + 1], ci = rotR * ic.base[2 * j + 1] + rotI * ic.base[2 * j]
                            to[2 * j] = xr * cr - xi * ci
                            to[2 * j + 1] = xr * ci + xi * cr
                            let nr = rotR * stepR - rotI * stepI
                            rotI = rotR * stepI + rotI * stepR
                            rotR = nr
                        }
                    }
                    for l in count..<block { for j in 0..<(2 * ns) { zp[2 * l * len + j] = 0 } }
                    fftw_execute_dft(self.forwardPlan, z.complexPointer, spectra.complexPointer)
                    for l in 0..<count {
                        let row = sp + 2 * l * len
                        for u in 0..<len {
                            let re = row[2 * u], im = row[2 * u + 1], kr = ks.base[2 * u], ki = ks.base[2 * u + 1]
                            row[2 * u] = re * kr - im * ki
                            row[2 * u + 1] = re * ki + im * kr
                        }
                    }
                    fftw_execute_dft(self.backwardPlan, spectra.complexPointer, spectra.complexPointer)
                    for l in 0..<count {
                        // out_m = C_{m′} · post_{m′} · e^{i o bₛ}, stored at m mod Nₜ.
                        let o = offsets[l], row = sp + 2 * l * len, to = dst.base + 2 * outBases[l]
                        let lr = cos(o * bs), li = sin(o * bs)
                        for mm in 0..<nt {
                            let at = 2 * slots[mm] * inner
                            // A wavenumber mapped beyond the source band has no source: the sum there is an alias.
                            if abs(scaled[mm] + o) >= band {
                                to[at] = 0
                                to[at + 1] = 0
                                continue
                            }
                            let cr = row[2 * mm], ci = row[2 * mm + 1]
                            let pr = of.base[2 * mm] * lr - of.base[2 * mm + 1] * li, pi = of.base[2 * mm] * li + of.base[2 * mm + 1] * lr
                            to[at] = cr * pr - ci * pi
                            to[at + 1] = cr * pi + ci * pr
                        }
                    }
                }
            }
        }
        }
        }
    }
}

/// A target axis: sampled like an `Axis`, or integrated out (one point, the wavenumber 0 alone, with unit
/// spacing so that the pass's factor hₛ/hₜ makes its sum the integral).
struct TargetAxis: Sendable {
    let points: Int
    let spacing: Double
    let halfWidth: Double
    let wavenumbers: [Double]
    let fundamentalWavenumber: Double

    init(_ axis: Axis) {
        points = axis.points
        spacing = axis.spacing
        halfWidth = axis.halfWidth
        wavenumbers = axis.wavenumbers
        fundamentalWavenumber = axis.fundamentalWavenumber
    }

    private init(points: Int, spacing: Double, halfWidth: Double, wavenumbers: [Double], fundamentalWavenumber: Double) {
        self.points = points
        self.spacing = spacing
        self.halfWidth = halfWidth
        self.wavenumbers = wavenumbers
        self.fundamentalWavenumber = fundamentalWavenumber
    }

    static let integrated = TargetAxis(points: 1, spacing: 1, halfWidth: 0.5, wavenumbers: [0], fundamentalWavenumber: 0)
}

/// e^{iπxn} for a real x and integers n, accurate to round-off in the result whatever the size of xn: x is
/// split into a part with 20 fractional bits, whose products with n are exact and reduced modulo 2 exactly,
/// and a remainder below 2⁻²¹ whose products stay small. (cos and sin of a phase of 200 rad carry an error of
/// 3e-14 from the phase's own rounding; the chirps of a pass reach such phases.)
struct HalfTurns {
    let coarse: Double
    let fine: Double

    init(_ x: Double) {
        coarse = (x * 1_048_576).rounded() / 1_048_576
        fine = x - coarse
    }

    func cosSin(_ n: Int) -> (Double, Double) {
        let reduced = (coarse * Double(n)).truncatingRemainder(dividingBy: 2) + fine * Double(n)
        return (cos(Double.pi * reduced), sin(Double.pi * reduced))
    }
}
