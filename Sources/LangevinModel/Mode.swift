import Foundation

/// How an eigenmode of the Hessian relaxes (physics.md §3.1): compare ω² = (h+λ)/m with γ².
public enum DampingRegime: String, Sendable, Equatable, CaseIterable {
    /// ω² > γ²(1 + 1e-12): the mean spirals at Ω = √(ω² − γ²).
    case underdamped
    /// |ω² − γ²| ≤ 1e-12 γ².
    case critical
    /// ω² < γ²(1 − 1e-12), h + λ > 0.
    case overdamped
    /// h + λ = 0 (a flat direction without weight decay): no restoring force at all.
    case free
}

/// One eigenmode of H (shared with H_λ = H + λI).
public struct Mode: Sendable, Equatable {
    /// The Hessian eigenvalue h (eigenvalues within 1e-12 of the largest |eigenvalue| of zero are set to 0).
    public var curvature: Double
    /// The unit eigenvector u (largest-magnitude component positive).
    public var direction: [Double]
    /// ω² = (h+λ)/m.
    public var omegaSquared: Double
    /// ω = √((h+λ)/m), the undamped frequency (per unit t = η·step).
    public var omega: Double
    /// γ = (1−β)/(η(1+β)), the same for every mode.
    public var gamma: Double
    /// Ω = √|ω² − γ²|: the damped frequency when underdamped, the rate split √(γ² − ω²) when overdamped.
    public var dampedFrequency: Double
    /// How the mode relaxes.
    public var regime: DampingRegime

    /// Derives ω and Ω from ω² and γ; `LangevinSDE` builds the modes, this is for tests and tools.
    public init(curvature: Double, direction: [Double], omegaSquared: Double, gamma: Double, regime: DampingRegime) {
        self.curvature = curvature
        self.direction = direction
        self.omegaSquared = omegaSquared
        self.omega = omegaSquared.squareRoot()
        self.gamma = gamma
        self.dampedFrequency = abs(omegaSquared - gamma * gamma).squareRoot()
        self.regime = regime
    }

    /// The relaxation rates: the real parts of the roots s of s² + 2γs + ω² = 0, negated, slowest first
    /// (γ, γ for under/critically damped; γ ∓ Ω when overdamped; 0 and 2γ when free).
    public var relaxationRates: (slow: Double, fast: Double) {
        switch regime {
        case .underdamped, .critical: return (gamma, gamma)
        case .overdamped, .free:
            // ω²/(γ+Ω) = γ − Ω without cancellation.
            return (omegaSquared / (gamma + dampedFrequency), gamma + dampedFrequency)
        }
    }
}
