import Foundation
import Testing
@testable import Spectral

/// The Fourier-side affine map against closed forms: a Gaussian carried by z = G y + c + ζ, ζ ∼ N(0, W), is
/// N(c, GGᵀ + W). On ±7.5 with 32 points per axis the source N(0, I) is resolved to about 1e-10 (its
/// spectrum at the last mode is e^{−½k²} with k = π·32/15), so the tolerance is 1e-9 of the peak.
@Suite struct AffineSpectralMapTests {
    static func axes(_ points: [Int], _ halfWidths: [Double]) -> [Axis] {
        zip(points, halfWidths).enumerated().map { try! Axis(name: "x\($0.offset)", points: $0.element.0, halfWidth: $0.element.1) }
    }

    /// Samples the density of N(m, P) on the product of `axes`.
    static func gaussian(on axes: [Axis], mean m: [Double], covariance p: [Double]) -> AlignedBuffer {
        let n = axes.count
        let frame = try! Frame(mean: m, covariance: p)
        let points = PhaseSpaceGrid.points(of: axes)
        let field = AlignedBuffer(count: points.count)
        let norm = pow(2 * Double.pi, -Double(n) / 2) / frame.jacobian
        for (i, x) in points.enumerated() {
            let y = frame.frameCoordinates(of: x)
            field[i] = norm * exp(-0.5 * y.reduce(0) { $0 + $1 * $1 })
        }
        return field
    }

    static func transposeProduct(_ g: [Double], _ n: Int) -> [Double] {
        SmallMatrix.multiply(g, SmallMatrix.transpose(g, n), n)
    }

    /// A contracting, shearing 2-D map with a shift and a spread that brings the law back to about N(0, I).
    @Test func twoDimensionalStepIsExact() throws {
        let grid = Self.axes([32, 32], [7.5, 7.5])
        let g = [0.8, 0.0, -0.3, 0.7]
        let c = [0.4, -0.6]
        let ggt = Self.transposeProduct(g, 2)
        let w = [1 - ggt[0], -ggt[1], -ggt[2], 1 - ggt[3]]
        let spread = try #require(AffineSpread(linear: g, shift: c, spread: w))
        let map = AffineSpectralMap(source: grid, target: grid, effort: .estimate)
        let source = Self.gaussian(on: grid, mean: [0, 0], covariance: [1, 0, 0, 1])
        let out = AlignedBuffer(count: source.count)
        map.apply(source, into: out, spread)
        let exact = Self.gaussian(on: grid, mean: c, covariance: [1, 0, 0, 1])
        let (e, peak) = AxisResamplerTests.maxError(out, exact)
        #expect(e <= 1e-9 * peak, "max error \(e / peak) of the peak")
    }

    /// 4-D: a general map (every row and column coupled) with a spread; and onto a different, wider grid.
    @Test func fourDimensionalStepIsExact() throws {
        let grid = Self.axes([32, 32, 32, 32], [7.5, 7.5, 7.5, 7.5])
        let g = [0.85, 0.05, -0.1, 0.02,
                 0.1, 0.8, 0.05, -0.05,
                 -0.2, 0.1, 0.75, 0.1,
                 0.05, -0.15, 0.1, 0.8]
        let ggt = Self.transposeProduct(g, 4)
        var w = [Double](repeating: 0, count: 16)
        for i in 0..<4 { for j in 0..<4 { w[i * 4 + j] = (i == j ? 1 : 0) - ggt[i * 4 + j] } }
        let c = [0.3, -0.2, 0.5, 0.1]
        let spread = try #require(AffineSpread(linear: g, shift: c, spread: w))
        let map = AffineSpectralMap(source: grid, target: grid, effort: .estimate)
        let source = Self.gaussian(on: grid, mean: [0, 0, 0, 0], covariance: Frame.identity(4).covariance)
        let out = AlignedBuffer(count: source.count)
        map.apply(source, into: out, spread)
        let exact = Self.gaussian(on: grid, mean: c, covariance: Frame.identity(4).covariance)
        let (e, peak) = AxisResamplerTests.maxError(out, exact)
        #expect(e <= 1e-9 * peak, "max error \(e / peak) of the peak")
    }

    /// From a frame grid to an axis-aligned grid of another box and point count (W = 0): the frame's own
    /// map x = μ + L y evaluates the density at physical points exactly.
    @Test func frameToAxisAlignedGrid() throws {
        let frameGrid = Self.axes([32, 32], [7.5, 7.5])
        let physical = Self.axes([48, 64], [2.0, 6.0])
        let frame = try Frame(mean: [0.3, -0.4], covariance: [0.04, 0.05, 0.05, 0.5])
        let spread = try #require(AffineSpread(linear: frame.factor, shift: frame.mean, spread: [0, 0, 0, 0]))
        let map = AffineSpectralMap(source: frameGrid, target: physical, effort: .estimate)
        let source = Self.gaussian(on: frameGrid, mean: [0, 0], covariance: [1, 0, 0, 1])
        let out = AlignedBuffer(count: 48 * 64)
        map.apply(source, into: out, spread)
        let exact = Self.gaussian(on: physical, mean: frame.mean, covariance: frame.covariance)
        let (e, peak) = AxisResamplerTests.maxError(out, exact)
        #expect(e <= 1e-9 * peak, "max error \(e / peak) of the peak")
    }

    /// A 2-D marginal by the Fourier slice from a 4-D frame: exact on its own plane (48² resolving it) although
    /// the output grid has only 6 points along the two integrated axes, which could not hold the density at all.
    @Test func marginalByFourierSlice() throws {
        let frameGrid = Self.axes([32, 32, 32, 32], [7.5, 7.5, 7.5, 7.5])
        let p = [0.01646791, -0.00521199, 0, -0.02018707, -0.00521199, 0.01627019, 0.02018707, 0,
                 0, 0.02018707, 0.5267759, 0.07570152, -0.02018707, 0, 0.07570152, 0.2626978]
        let frame = try Frame(mean: [0.1, -0.05, 0.2, 0], covariance: p)
        let spread = try #require(AffineSpread(linear: frame.factor, shift: frame.mean, spread: [Double](repeating: 0, count: 16)))
        let source = Self.gaussian(on: frameGrid, mean: [0, 0, 0, 0], covariance: Frame.identity(4).covariance)
        for (a, b) in [(0, 1), (0, 3), (2, 3)] {
            // 8 deviations around the mean on the kept axes, 6 points on ±1 along the integrated ones.
            let output = Self.axes((0..<4).map { [a, b].contains($0) ? 48 : 6 },
                                   (0..<4).map { [a, b].contains($0) ? 8 * p[$0 * 4 + $0].squareRoot() + abs(frame.mean[$0]) : 1 })
            let map = AffineSpectralMap(source: frameGrid, marginalOn: output, keeping: [a, b], effort: .estimate)
            let out = AlignedBuffer(count: output[a].points * output[b].points)
            map.apply(source, into: out, spread)
            let exact = Self.gaussian(on: [output[a], output[b]], mean: [frame.mean[a], frame.mean[b]],
                                      covariance: [p[a * 4 + a], p[a * 4 + b], p[b * 4 + a], p[b * 4 + b]])
            let (e, peak) = AxisResamplerTests.maxError(out, exact)
            #expect(e <= 1e-9 * peak, "marginal \(a)\(b): max error \(e / peak) of the peak")
        }
    }

    /// Mass (the zero mode) is carried to round-off whatever the map.
    @Test func massIsKept() throws {
        let grid = Self.axes([32, 32], [7.5, 7.5])
        let source = Self.gaussian(on: grid, mean: [1, -0.5], covariance: [0.8, 0.2, 0.2, 0.5])
        let spread = try #require(AffineSpread(linear: [0.6, 0.2, -0.4, 0.9], shift: [0.1, 0.2], spread: [0.3, 0.1, 0.1, 0.2]))
        let map = AffineSpectralMap(source: grid, target: grid, effort: .estimate)
        let out = AlignedBuffer(count: source.count)
        map.apply(source, into: out, spread)
        let m0 = (0..<source.count).reduce(0.0) { $0 + source[$1] }, m1 = (0..<out.count).reduce(0.0) { $0 + out[$1] }
        #expect(abs(m1 - m0) <= 1e-13 * m0)
    }

    @Test func frameAlgebra() throws {
        let p = [0.04, 0.05, 0.0, 0.05, 0.5, 0.1, 0.0, 0.1, 1.0]
        let frame = try Frame(mean: [1, 2, 3], covariance: p)
        #expect(zip(frame.covariance, p).allSatisfy { abs($0 - $1) < 1e-15 })
        let x = [0.3, -1.0, 2.0]
        let back = frame.point(atFrameCoordinates: frame.frameCoordinates(of: x))
        #expect(zip(back, x).allSatisfy { abs($0 - $1) < 1e-14 })
        #expect(zip(frame.transformedCovariance(p), Frame.identity(3).covariance).allSatisfy { abs($0 - $1) < 1e-13 })
        #expect(throws: FrameError.self) { try Frame(mean: [0, 0], covariance: [1, 1, 1, 1]) }
        #expect(throws: FrameError.self) { try Frame(mean: [0, 0], covariance: [1, 0, 0, 1e-14]) }
    }

    /// Gaussian elimination by rows reproduces the map; a permutation has no such factorisation.
    @Test func rowFactorization() throws {
        let b = [0.9, 0.1, -0.2, 0.05, 1.1, 0.3, 0.2, -0.1, 0.8]
        let rows = try #require(RowFactorization.rows(of: b, dimension: 3))
        #expect(zip(RowFactorization.product(rows), b).allSatisfy { abs($0 - $1) < 1e-15 })
        #expect(RowFactorization.rows(of: [0, 1, 1, 0], dimension: 2) == nil)
    }
}
