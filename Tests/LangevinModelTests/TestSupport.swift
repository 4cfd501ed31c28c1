import Foundation
import Testing
@testable import LangevinModel

/// R(deg), the counter-clockwise rotation used to build the Hessians of physics.md §9.0.
func rotation(_ degrees: Double) -> Matrix {
    let a = degrees * Double.pi / 180
    return Matrix([[cos(a), -sin(a)], [sin(a), cos(a)]])
}

/// R(30°) diag(2, 0.5) R(30°)ᵀ, the Hessian of P3–P5.
let hessianP3 = rotation(30) * Matrix.diagonal([2, 0.5]) * rotation(30).transposed
/// R(30°) diag(1, 0) R(30°)ᵀ, the singular Hessian of P6.
let hessianP6 = rotation(30) * Matrix.diagonal([1, 0]) * rotation(30).transposed

/// One parameter set of physics.md §9.0 with the numbers printed in §9.1–§9.5.
struct ParameterSet: Sendable, CustomTestStringConvertible {
    let name: String
    let hyperparameters: Hyperparameters
    let loss: QuadraticLoss
    let noise: NoiseModel
    /// σ² when Σ = σ²H (the closed forms of §6.2 apply), else nil.
    let hessianScale: Double?
    let mass: Double
    let gamma: Double
    /// ω² per mode, ascending, as printed.
    let omegaSquared: [Double]
    /// Ω per mode (printed or, where not printed, √|ω² − γ²|).
    let dampedFrequency: [Double]
    let regimes: [DampingRegime]
    let regularizedMinimum: [Double]

    var testDescription: String { name }

    func sde() throws -> LangevinSDE {
        try LangevinSDE(hyperparameters: hyperparameters, loss: loss, noise: noise)
    }
}

enum ParameterSets {
    static let p1 = ParameterSet(
        name: "P1", hyperparameters: .init(learningRate: 0.1, momentum: 0.9, batchSize: 1, weightDecay: 0),
        loss: .init(hessian: Matrix([[1]]), minimum: [0]), noise: .hessian(scale: 1), hessianScale: 1,
        mass: 0.095, gamma: 0.526316, omegaSquared: [10.5263], dampedFrequency: [3.20145],
        regimes: [.underdamped], regularizedMinimum: [0])
    static let p2 = ParameterSet(
        name: "P2", hyperparameters: .init(learningRate: 0.1, momentum: 0, batchSize: 2, weightDecay: 0.5),
        loss: .init(hessian: Matrix([[2]]), minimum: [1]), noise: .hessian(scale: 1), hessianScale: 1,
        mass: 0.05, gamma: 10, omegaSquared: [50], dampedFrequency: [(50.0).squareRoot()],
        regimes: [.overdamped], regularizedMinimum: [0.8])
    static let p3 = ParameterSet(
        name: "P3", hyperparameters: .init(learningRate: 0.05, momentum: 0.9, batchSize: 8, weightDecay: 0.1),
        loss: .init(hessian: hessianP3, minimum: [1, -0.5]), noise: .hessian(scale: 1), hessianScale: 1,
        mass: 0.0475, gamma: 1.052632, omegaSquared: [12.6316, 44.2105], dampedFrequency: [3.39463, 6.56525],
        regimes: [.underdamped, .underdamped], regularizedMinimum: [0.896844, -0.379998])
    static let p4 = ParameterSet(
        name: "P4", hyperparameters: p3.hyperparameters, loss: p3.loss, noise: .matrix(Matrix.diagonal([1, 0.2])),
        hessianScale: nil, mass: p3.mass, gamma: p3.gamma, omegaSquared: p3.omegaSquared,
        dampedFrequency: p3.dampedFrequency, regimes: p3.regimes, regularizedMinimum: p3.regularizedMinimum)
    static let p5 = ParameterSet(
        name: "P5", hyperparameters: p3.hyperparameters, loss: p3.loss, noise: .isotropic(scale: 0.5),
        hessianScale: nil, mass: p3.mass, gamma: p3.gamma, omegaSquared: p3.omegaSquared,
        dampedFrequency: p3.dampedFrequency, regimes: p3.regimes, regularizedMinimum: p3.regularizedMinimum)
    // P6: ω² = (h+λ)/m = 0.05/0.0475 and 1.05/0.0475 (not printed in physics.md; closed form).
    static let p6 = ParameterSet(
        name: "P6", hyperparameters: .init(learningRate: 0.05, momentum: 0.9, batchSize: 8, weightDecay: 0.05),
        loss: .init(hessian: hessianP6, minimum: [0, 0]), noise: .hessian(scale: 1), hessianScale: 1,
        mass: 0.0475, gamma: 1.052632, omegaSquared: [0.05 / 0.0475, 1.05 / 0.0475],
        dampedFrequency: [abs(0.05 / 0.0475 - 0.1 / 0.095 * 0.1 / 0.095).squareRoot(),
                          (1.05 / 0.0475 - 0.1 / 0.095 * 0.1 / 0.095).squareRoot()],
        regimes: [.overdamped, .underdamped], regularizedMinimum: [0, 0])

    static let all = [p1, p2, p3, p4, p5, p6]
    /// The sets whose A is Hurwitz and whose stationary covariance is non-singular.
    static let regular = [p1, p2, p3, p4, p5]
}

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
