import Foundation
import Testing
import LangevinModel

/// Counts from real numbers never trap: values that are not finite or beyond the integers are nil (checked)
/// or the end of the range (clamped), and the matrix functions that derive a count from a norm return NaN
/// for an infinite matrix instead of trapping.
@Suite struct WholeNumberTests {
    @Test func checkedConversionRefusesWhatIsNotACount() {
        #expect(Int(checking: 2.5) == 3 && Int(checking: 2.5, rounding: .down) == 2 && Int(checking: -7.2, rounding: .up) == -7)
        for x in [Double.nan, .infinity, -.infinity, 1e300, -1e19, 9.3e18] { #expect(Int(checking: x) == nil, "\(x)") }
        #expect(Int(checking: 4e18) == 4_000_000_000_000_000_000)
    }

    @Test func clampedConversionStaysInItsRange() {
        #expect(Int(clamping: 1e300, to: 1...100) == 100 && Int(clamping: -1e300, to: 1...100) == 1)
        #expect(Int(clamping: .nan, to: 0...10) == 10 && Int(clamping: .infinity, to: 0...10) == 10)
        #expect(Int(clamping: 4.2, to: 0...10, rounding: .up) == 5)
    }

    @Test func matrixFunctionsOfInfiniteMatricesAreNaN() throws {
        let a = Matrix(rows: 2, cols: 2, elements: [.infinity, 0, 0, 1])
        #expect(try a.exponential().elements.allSatisfy(\.isNaN))
        #expect(try GaussianTheory.noiseIntegral(drift: a, twiceDiffusion: Matrix(rows: 2, cols: 2, elements: [0, 0, 0, 1]), time: 1).elements.allSatisfy(\.isNaN))
    }
}
