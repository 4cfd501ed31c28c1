import Foundation
import Testing
@testable import Spectral

@Suite struct QuadratureTests {
    /// A Gaussian well inside a periodic box: the trapezoidal rule is spectrally accurate, so mass and
    /// moments agree with the exact values to round-off (≤ 1e-12).
    @Test func momentsOfASampledGaussian() throws {
        let g = try PhaseSpaceGrid(points: [80, 96], halfWidths: [5, 8])   // 10σ: truncation e^(−50) is negligible
        let s1 = 0.5, s2 = 0.8, rho = 0.3, m1 = 0.3, m2 = -0.4
        let det = s1 * s1 * s2 * s2 * (1 - rho * rho)
        var p = [Double](repeating: 0, count: g.pointCount)
        for i in 0..<g.pointCount {
            let x = g.coordinate(ofPoint: i, axis: 0) - m1, y = g.coordinate(ofPoint: i, axis: 1) - m2
            let q = (x * x / (s1 * s1) - 2 * rho * x * y / (s1 * s2) + y * y / (s2 * s2)) / (1 - rho * rho)
            p[i] = exp(-0.5 * q) / (2 * Double.pi * det.squareRoot())
        }
        let m = p.withUnsafeBufferPointer { Quadrature.moments(of: $0, on: g) }
        #expect(abs(m.mass - 1) < 1e-12)
        #expect(abs(m.mean[0] - m1) < 1e-12 && abs(m.mean[1] - m2) < 1e-12)
        #expect(abs(m.covariance[0] - s1 * s1) < 1e-12)
        #expect(abs(m.covariance[1] - rho * s1 * s2) < 1e-12)
        #expect(abs(m.covariance[3] - s2 * s2) < 1e-12)
        #expect(m.negativeMass == 0)
        #expect(m.boundaryFractions.allSatisfy { $0 < 1e-9 })
        let marginals = p.withUnsafeBufferPointer { Quadrature.pairMarginals(of: $0, on: g) }
        #expect(marginals.keys.sorted() == ["theta_v"])
        #expect(abs(marginals["theta_v"]!.reduce(0, +) * g.cellVolume - 1) < 1e-12)
    }

    @Test func marginalsOf4DDensityIntegrateToTheMass() throws {
        let g = try PhaseSpaceGrid(points: [4, 6, 8, 4], halfWidths: [1, 1, 1, 1])
        let p = (0..<g.pointCount).map { Double($0 % 7) + 1 }
        let m = p.withUnsafeBufferPointer { Quadrature.moments(of: $0, on: g) }
        let marginals = p.withUnsafeBufferPointer { Quadrature.pairMarginals(of: $0, on: g) }
        #expect(marginals.count == 6)
        #expect(Set(marginals.keys) == ["theta1_theta2", "theta1_v1", "theta1_v2", "theta2_v1", "theta2_v2", "v1_v2"])
        for (key, values) in marginals {
            let names = key.split(separator: "_").map(String.init)
            let da = g.axes.first { $0.name == names[0] }!.spacing, db = g.axes.first { $0.name == names[1] }!.spacing
            #expect(abs(values.reduce(0, +) * da * db - m.mass) < 1e-12 * m.mass)
        }
    }

    @Test func negativeMassIsReportedNotClipped() throws {
        let g = try PhaseSpaceGrid(points: [4, 4], halfWidths: [1, 1])
        var p = [Double](repeating: 1, count: 16)
        p[5] = -0.5
        let m = p.withUnsafeBufferPointer { Quadrature.moments(of: $0, on: g) }
        #expect(m.minimum == -0.5)
        #expect(abs(m.negativeMass - 0.5 * g.cellVolume) < 1e-15)
        let q = [Double](repeating: 1, count: 16)
        let l1 = p.withUnsafeBufferPointer { a in q.withUnsafeBufferPointer { Quadrature.l1Distance(a, $0, on: g) } }
        #expect(abs(l1 - 1.5 * g.cellVolume) < 1e-15)
    }
}
