import Foundation
import LangevinModel

/// R(deg), the counter-clockwise rotation used to build the Hessians of physics.md §9.0.
public func rotation(_ degrees: Double) -> Matrix {
    let a = degrees * Double.pi / 180
    return Matrix([[cos(a), -sin(a)], [sin(a), cos(a)]])
}

/// R(30°) diag(2, 0.5) R(30°)ᵀ, the Hessian of P3–P5 (the reference models hold it to 15 digits).
public let hessianP3 = rotation(30) * Matrix.diagonal([2, 0.5]) * rotation(30).transposed
/// R(30°) diag(1, 0) R(30°)ᵀ, the singular Hessian of P6, flat along u = (−0.5, 0.866).
public let hessianP6 = rotation(30) * Matrix.diagonal([1, 0]) * rotation(30).transposed

/// One parameter set of physics.md §9.0 (the model from `ReferenceModel`, the one definition) with the
/// numbers printed for it in §9.1–§9.5.
public struct ReferenceSet: Sendable, CustomStringConvertible {
    public let model: ReferenceModel
    /// σ² when Σ = σ²H (the closed forms of §6.2 apply), else nil.
    public let hessianScale: Double?
    public let mass: Double
    public let gamma: Double
    /// ω² per mode, ascending, as printed.
    public let omegaSquared: [Double]
    /// Ω per mode (printed or, where not printed, √|ω² − γ²|).
    public let dampedFrequency: [Double]
    public let regimes: [DampingRegime]
    public let regularizedMinimum: [Double]

    public var description: String { model.rawValue.uppercased() }
    public var name: String { description }
    public func sde() throws -> LangevinSDE { model.sde }
    public var hyperparameters: Hyperparameters { model.sde.hyperparameters }
    public var loss: QuadraticLoss { model.sde.loss }
    public var noise: NoiseModel { model.sde.noise }
}

public enum ReferenceSets {
    public static let p1 = ReferenceSet(
        model: .p1, hessianScale: 1, mass: 0.095, gamma: 0.526316, omegaSquared: [10.5263], dampedFrequency: [3.20145],
        regimes: [.underdamped], regularizedMinimum: [0])
    public static let p2 = ReferenceSet(
        model: .p2, hessianScale: 1, mass: 0.05, gamma: 10, omegaSquared: [50], dampedFrequency: [(50.0).squareRoot()],
        regimes: [.overdamped], regularizedMinimum: [0.8])
    public static let p3 = ReferenceSet(
        model: .p3, hessianScale: 1, mass: 0.0475, gamma: 1.052632, omegaSquared: [12.6316, 44.2105], dampedFrequency: [3.39463, 6.56525],
        regimes: [.underdamped, .underdamped], regularizedMinimum: [0.896844, -0.379998])
    public static let p4 = ReferenceSet(
        model: .p4, hessianScale: nil, mass: p3.mass, gamma: p3.gamma, omegaSquared: p3.omegaSquared,
        dampedFrequency: p3.dampedFrequency, regimes: p3.regimes, regularizedMinimum: p3.regularizedMinimum)
    public static let p5 = ReferenceSet(
        model: .p5, hessianScale: nil, mass: p3.mass, gamma: p3.gamma, omegaSquared: p3.omegaSquared,
        dampedFrequency: p3.dampedFrequency, regimes: p3.regimes, regularizedMinimum: p3.regularizedMinimum)
    // P6: ω² = (h+λ)/m = 0.05/0.0475 and 1.05/0.0475 (not printed in physics.md; closed form).
    public static let p6 = ReferenceSet(
        model: .p6, hessianScale: 1, mass: 0.0475, gamma: 1.052632, omegaSquared: [0.05 / 0.0475, 1.05 / 0.0475],
        dampedFrequency: [abs(0.05 / 0.0475 - 0.1 / 0.095 * 0.1 / 0.095).squareRoot(),
                          (1.05 / 0.0475 - 0.1 / 0.095 * 0.1 / 0.095).squareRoot()],
        regimes: [.overdamped, .underdamped], regularizedMinimum: [0, 0])

    public static let all = [p1, p2, p3, p4, p5, p6]
    /// The sets whose A is Hurwitz and whose stationary covariance is non-singular.
    public static let regular = [p1, p2, p3, p4, p5]
}
