import Foundation

/// L(θ) = ½(θ−μ)ᵀH(θ−μ) with H symmetric positive semi-definite (physics.md §1).
///
/// The initialiser does not validate; `LangevinSDE.init` does, with messages that name the run-file keys.
public struct QuadraticLoss: Sendable, Equatable {
    /// H (d×d).
    public var hessian: Matrix
    /// μ (length d), a minimiser of the unregularised loss.
    public var minimum: [Double]

    /// Stores H and μ as given (no validation).
    public init(hessian: Matrix, minimum: [Double]) {
        self.hessian = hessian
        self.minimum = minimum
    }

    /// d, the number of parameters.
    public var dimension: Int { hessian.rows }

    /// ½(θ−μ)ᵀH(θ−μ) (without weight decay and without the label-noise constant).
    public func value(_ theta: [Double]) -> Double {
        let delta = subtract(theta, minimum)
        return 0.5 * dot(delta, hessian * delta)
    }

    /// H(θ−μ).
    public func gradient(_ theta: [Double]) -> [Double] {
        hessian * subtract(theta, minimum)
    }

    /// L(θ) + (λ/2)|θ|².
    public func regularizedValue(_ theta: [Double], weightDecay lambda: Double) -> Double {
        value(theta) + 0.5 * lambda * dot(theta, theta)
    }

    /// H(θ−μ) + λθ.
    public func regularizedGradient(_ theta: [Double], weightDecay lambda: Double) -> [Double] {
        zip(gradient(theta), theta).map { $0 + lambda * $1 }
    }
}
