import Foundation
import Testing
@testable import LangevinModel
@_exported import SGDFPTestSupport

/// |a − b| ≤ rel·|b| + abs.
func isClose(_ a: Double, _ b: Double, rel: Double, abs absTol: Double = 0) -> Bool {
    abs(a - b) <= rel * abs(b) + absTol
}

/// Elementwise closeness measured against the reference's largest entry: max|a − b| ≤ rel · max|b|.
func isClose(_ a: Matrix, _ b: Matrix, rel: Double) -> Bool {
    guard a.rows == b.rows, a.cols == b.cols else { return false }
    return (a - b).maxAbs <= rel * max(b.maxAbs, Double.leastNormalMagnitude)
}

/// Vector closeness against the reference's largest entry.
func isClose(_ a: [Double], _ b: [Double], rel: Double) -> Bool {
    guard a.count == b.count else { return false }
    let scale = b.map(abs).max() ?? 0
    return zip(a, b).allSatisfy { abs($0 - $1) <= rel * scale }
}

/// Entrywise relative closeness against printed numbers: every entry within rel of its printed value
/// (entries printed as 0 must be below `zero` in absolute value).
func matchesPrinted(_ a: Matrix, _ printed: [[Double]], rel: Double, zero: Double = 1e-12) -> Bool {
    let b = Matrix(printed)
    guard a.rows == b.rows, a.cols == b.cols else { return false }
    return zip(a.elements, b.elements).allSatisfy { x, y in y == 0 ? abs(x) <= zero : isClose(x, y, rel: rel) }
}

/// The covariance N(x0, 0.05² I) start of physics.md §9.6.
func narrowStart(_ x0: [Double]) -> Gaussian {
    Gaussian(mean: x0, covariance: 0.0025 * Matrix.identity(x0.count))
}

/// Compares the four d×d blocks of two phase-space matrices, each against its own natural scale, so a
/// small θθ block is not judged by the size of the vv block: max|b_θθ| and max|b_vv| for the diagonal
/// blocks and their geometric mean (the round-off scale of the θv block in mode coordinates) for the
/// off-diagonal ones.
func blocksClose(_ a: Matrix, _ b: Matrix, rel: Double) -> Bool {
    let d = b.rows / 2
    let th = 0..<d, v = d..<(2 * d)
    let scaleTheta = b.block(rows: th, cols: th).maxAbs
    let scaleV = b.block(rows: v, cols: v).maxAbs
    let scaleMixed = max(b.block(rows: th, cols: v).maxAbs, (scaleTheta * scaleV).squareRoot())
    for (rows, cols, scale) in [(th, th, scaleTheta), (v, v, scaleV), (th, v, scaleMixed), (v, th, scaleMixed)] {
        if (a.block(rows: rows, cols: cols) - b.block(rows: rows, cols: cols)).maxAbs > rel * scale { return false }
    }
    return true
}
