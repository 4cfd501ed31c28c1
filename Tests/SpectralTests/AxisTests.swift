import Foundation
import Testing
@testable import Spectral

@Suite struct AxisTests {
    @Test func wavenumbersFollowFFTWOrder() throws {
        let a = try Axis(name: "v", points: 8, halfWidth: Double.pi)   // L = 2π, so k are integers
        #expect(a.wavenumbers == [0, 1, 2, 3, 4, -3, -2, -1])
        #expect(a.halfWavenumbers == [0, 1, 2, 3, 4])
        #expect(a.oddFactors(halved: false) == [0, 1, 2, 3, 0, -3, -2, -1])
        #expect(a.oddFactors(halved: true) == [0, 1, 2, 3, 0])
        #expect(a.coordinates.first == -Double.pi)
        #expect(abs(a.spacing - Double.pi / 4) < 1e-15)
    }

    @Test func rejectsOddPointCountsAndBadWidths() {
        #expect(throws: GridError.oddPointCount(axis: "theta", points: 7)) { try Axis(name: "theta", points: 7, halfWidth: 1) }
        #expect(throws: GridError.badHalfWidth(axis: "v", value: 0)) { try Axis(name: "v", points: 8, halfWidth: 0) }
        #expect(GridError.oddPointCount(axis: "theta", points: 7).description.contains("[grid] points"))
    }

    @Test func gridLayoutAndNames() throws {
        let g = try PhaseSpaceGrid(points: [4, 6, 8, 10], halfWidths: [1, 2, 3, 4])
        #expect(g.axes.map(\.name) == ["theta1", "theta2", "v1", "v2"])
        #expect(g.parameterPointCount == 24)
        #expect(g.velocityPointCount == 80)
        #expect(g.velocitySpectralCount == 8 * 6)
        #expect(g.strides == [480, 80, 10, 1])
        #expect(g.coordinate(ofPoint: 80 + 10 * 3 + 2, axis: 2) == -3 + 3 * 0.75)
        #expect(PhaseSpaceGrid.axisNames(parameterDimension: 1) == ["theta", "v"])
    }

    @Test func gridIndexWalksInStorageOrder() {
        var index = GridIndex(shape: [2, 3, 2])
        var seen: [[Int]] = []
        var changed: [Int] = []
        for _ in 0..<12 {
            seen.append(index.values)
            changed.append(index.advance())
        }
        #expect(seen.count == 12 && seen[1] == [0, 0, 1] && seen[2] == [0, 1, 0] && seen[6] == [1, 0, 0] && seen[11] == [1, 2, 1])
        #expect(changed[0] == 2 && changed[1] == 1 && changed[5] == 0)
        #expect(index.values == [0, 0, 0])   // wraps after the last point
    }

    @Test func refusesGridsLargerThanMemoryBeforeAllocating() throws {
        let g = try PhaseSpaceGrid(points: [1024, 1024, 1024, 1024], halfWidths: [1, 1, 1, 1])
        #expect(throws: GridError.self) { try g.checkMemory(bytes: g.bytesPerFieldPair * 10) }
        let small = try PhaseSpaceGrid(points: [16, 16], halfWidths: [1, 1])
        try small.checkMemory(bytes: small.bytesPerFieldPair * 10)
    }

    /// Counts in messages are 64-bit: a 256⁴ grid is 4294967296 points, not 0 (a 32-bit %d read it so).
    @Test func messagesCountBeyondThirtyTwoBits() {
        let text = GridError.tooLarge(points: 256 * 256 * 256 * 256, bytesNeeded: 1e11, bytesAvailable: 1e10).description
        #expect(text.contains("4294967296 points"), "\(text)")
        #expect(FrameError.componentTooNarrow(width: 1e-4, points: 5_000_000_000).description.contains("5000000000 points"))
    }
}
