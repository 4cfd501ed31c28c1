import Foundation
import Testing
@testable import Spectral

@Suite struct TransformTests {
    /// A Gaussian in v has the analytic transform Σ_j e^{−ikv_j} g(v_j) ≈ (1/Δv) e^{−k²σ²/2} e^{ikL/2}·…;
    /// checked here through the round trip and the zero mode, which is the sum (the mass per θ point).
    @Test func velocityRoundTripRestoresTheField() throws {
        let g = try PhaseSpaceGrid(points: [6, 8, 10, 12], halfWidths: [1, 1, 2, 2])
        let real = g.makeField()
        let spectral = AlignedBuffer(complexCount: g.mixedCount)
        let t = VelocityTransform(grid: g, real: real, spectral: spectral, effort: .estimate)
        var original = [Double](repeating: 0, count: g.pointCount)
        for i in 0..<g.pointCount { original[i] = sin(Double(i) * 0.37) + 0.1 * Double(i % 5) }
        for i in 0..<g.pointCount { real[i] = original[i] }
        t.forward(real, spectral)
        // Zero velocity mode of each θ point = sum over that point's velocity block.
        for it in 0..<g.parameterPointCount {
            let block = original[(it * g.velocityPointCount)..<((it + 1) * g.velocityPointCount)].reduce(0, +)
            #expect(abs(spectral[2 * it * g.velocitySpectralCount] - block) < 1e-12)
        }
        t.backward(spectral, real)
        let n = Double(g.velocityPointCount)
        // Round-off of a few transforms of size 120 on O(1) data.
        for i in 0..<g.pointCount { #expect(abs(real[i] / n - original[i]) < 1e-13) }
    }

    @Test func parameterTransformIsInvertibleAndSumsTheta() throws {
        let g = try PhaseSpaceGrid(points: [6, 8, 4, 6], halfWidths: [1, 1, 2, 2])
        let buffer = AlignedBuffer(complexCount: g.mixedCount)
        let t = ParameterTransform(grid: g, buffer: buffer, effort: .estimate)
        var original = [Double](repeating: 0, count: buffer.count)
        for i in 0..<buffer.count { original[i] = cos(Double(i) * 0.11) }
        for i in 0..<buffer.count { buffer[i] = original[i] }
        t.forward(buffer)
        // The θ zero mode of velocity coefficient j is the sum over θ points.
        let nS = g.velocitySpectralCount
        for j in 0..<nS {
            let s = (0..<g.parameterPointCount).reduce(0.0) { $0 + original[2 * ($1 * nS + j)] }
            #expect(abs(buffer[2 * j] - s) < 1e-12)
        }
        t.backward(buffer)
        let n = Double(g.parameterPointCount)
        for i in 0..<buffer.count { #expect(abs(buffer[i] / n - original[i]) < 1e-13) }
    }

    @Test func fullTransformPairRuns() throws {
        let g = try PhaseSpaceGrid(points: [16, 16], halfWidths: [1, 1])
        let f = FullTransform(grid: g, effort: .estimate)
        f.executePair()
        #expect(!FFTWRuntime.version.isEmpty)
    }

    @Test func wisdomRoundTrip() throws {
        let path = NSTemporaryDirectory() + "sgdfp-wisdom-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let g = try PhaseSpaceGrid(points: [8, 8], halfWidths: [1, 1])
        _ = FullTransform(grid: g, effort: .measure)
        #expect(FFTWRuntime.exportWisdom(to: path))
        #expect(FFTWRuntime.importWisdom(from: path))
        #expect(!FFTWRuntime.importWisdom(from: path + "-missing"))
    }
}
