import Foundation
import Testing
@testable import Spectral

/// A pass q(y) = s·p(…, s·yᵢ + Σⱼ≠ᵢ cⱼyⱼ, …) applied to a resolved Gaussian must reproduce the Gaussian
/// evaluated at the mapped points to spectral accuracy, keep the mass of every line, and agree whatever
/// the axis, the dimension or the block split.
@Suite struct AxisResamplerTests {
    /// exp(−½ Σ (y_a − m_a)²/σ_a²) at every grid point.
    static func gaussian(on grid: PhaseSpaceGrid, mean: [Double], sigma: [Double], map: ([Double]) -> [Double] = { $0 },
                         scale: Double = 1) -> AlignedBuffer {
        let out = grid.makeField()
        let coords = grid.axes.map(\.coordinates)
        var index = GridIndex(shape: grid.shape)
        for i in 0..<grid.pointCount {
            let y = map(index.values.enumerated().map { coords[$0.offset][$0.element] })
            var e = 0.0
            for a in 0..<y.count { e += (y[a] - mean[a]) * (y[a] - mean[a]) / (sigma[a] * sigma[a]) }
            out[i] = scale * exp(-0.5 * e)
            index.advance()
        }
        return out
    }

    static func maxError(_ a: AlignedBuffer, _ b: AlignedBuffer) -> (error: Double, peak: Double) {
        var e = 0.0, peak = 0.0
        for i in 0..<a.count {
            e = max(e, abs(a[i] - b[i]))
            peak = max(peak, abs(b[i]))
        }
        return (e, peak)
    }

    @Test(arguments: [(0, 1.06), (1, 0.95), (0, 0.9), (1, 1.1)])
    func twoDimensionalPassMatchesTheMappedGaussian(axis: Int, scale s: Double) throws {
        let grid = try PhaseSpaceGrid(points: [64, 96], halfWidths: [4, 5])
        var c = [0.15, -0.2]
        c[axis] = s
        let mean = [0.3, -0.4], sigma = [0.4, 0.5]
        let p = Self.gaussian(on: grid, mean: mean, sigma: sigma)
        let expected = Self.gaussian(on: grid, mean: mean, sigma: sigma, map: { y in
            var z = y
            z[axis] = (0..<y.count).reduce(0) { $0 + c[$1] * y[$1] }
            return z
        }, scale: s)
        let pass = AxisResampler(grid: grid, axis: axis, effort: .estimate)
        let tables = pass.tables(for: c)
        let q = grid.makeField()
        pass.apply(p, into: q, tables: tables)
        let (err, peak) = Self.maxError(q, expected)
        #expect(err / peak < 1e-12, "max error \(err / peak)")
        // Mass of the whole field is kept to round-off (every line keeps its own).
        let m0 = (0..<p.count).reduce(0.0) { $0 + p[$1] }, m1 = (0..<q.count).reduce(0.0) { $0 + q[$1] }
        #expect(abs(m1 - m0) / m0 < 1e-13)
        // In place gives the same result.
        pass.apply(p, into: p, tables: tables)
        #expect(Self.maxError(p, q).error == 0)
    }

    @Test func fourDimensionalPassesOnEveryAxis() throws {
        let grid = try PhaseSpaceGrid(points: [32, 30, 32, 34], halfWidths: [4, 4, 4.2, 4])
        let mean = [0.2, -0.1, 0.3, 0], sigma = [0.55, 0.55, 0.6, 0.55]
        let p = Self.gaussian(on: grid, mean: mean, sigma: sigma)
        for axis in 0..<4 {
            var c = [0.05, -0.04, 0.06, 0.03]
            c[axis] = 1.03
            let expected = Self.gaussian(on: grid, mean: mean, sigma: sigma, map: { y in
                var z = y
                z[axis] = (0..<4).reduce(0) { $0 + c[$1] * y[$1] }
                return z
            }, scale: 1.03)
            let q = grid.makeField()
            for workers in [1, 2] {
                let pass = AxisResampler(grid: grid, axis: axis, workers: workers, effort: .estimate)
                pass.apply(p, into: q, tables: pass.tables(for: c))
                let (err, peak) = Self.maxError(q, expected)
                #expect(err / peak < 1e-9, "axis \(axis), workers \(workers): max error \(err / peak)")
            }
        }
    }

    @Test func blockSizeIsAnEvenDivisor() {
        #expect(AxisResampler.blockSize(256) == 64)
        #expect(AxisResampler.blockSize(50) == 50)
        #expect(AxisResampler.blockSize(110_592) == 64)
        #expect(AxisResampler.blockSize(90) == 30)
    }
}
