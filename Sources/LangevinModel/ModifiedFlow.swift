import Foundation

/// Paper 2's oracles (physics.md §9.7, §10): per-step rates of gradient descent against its modified
/// gradient flow, the heavy-ball slow root against the second-order ODE and the first-order flow, and
/// the translation law of a flat direction for the discrete chain and the ODE.
public enum ModifiedFlow {
    /// Per-step log contraction of GD on curvature h: exact log(1 − ηh), modified flow −η(h + ηh²/2),
    /// plain gradient flow −ηh.
    public static func gradientDescentRates(learningRate eta: Double, curvature h: Double) -> (exact: Double, modified: Double, plain: Double) {
        (log(1 - eta * h), -eta * (h + eta * h * h / 2), -eta * h)
    }

    /// The slowest per-step log rate of heavy ball on curvature h: the exact root of z² − (1+β−ηh)z + β = 0
    /// of largest modulus (log |z| and arg z), η times the slow root of s² + 2γs + ω² = 0 (the
    /// second-order ODE), and η times the first-order modified flow −(h/(1−β) + η(1+β)h²/(2(1−β)³)).
    public static func heavyBallSlowRates(learningRate eta: Double, momentum beta: Double, curvature h: Double)
        -> (exact: (re: Double, im: Double), secondOrder: (re: Double, im: Double), firstOrder: Double) {
        let a = 1 + beta - eta * h
        let disc = a * a - 4 * beta
        let exact: (Double, Double)
        if disc >= 0 {
            let z = (a + (a >= 0 ? 1 : -1) * disc.squareRoot()) / 2
            exact = (log(abs(z)), z < 0 ? Double.pi : 0)
        } else {
            // Complex pair: |z|² = β.
            exact = (0.5 * log(beta), atan2((-disc).squareRoot(), a))
        }
        let gamma = (1 - beta) / (eta * (1 + beta)), omega2 = 2 * h / (eta * (1 + beta))
        let d = gamma * gamma - omega2
        let second: (Double, Double) = d >= 0 ? (eta * (-omega2 / (gamma + d.squareRoot())), 0) : (-eta * gamma, eta * (-d).squareRoot())
        let first = -eta * (h / (1 - beta) + eta * (1 + beta) * h * h / (2 * pow(1 - beta, 3)))
        return (exact, second, first)
    }

    /// ψ_k = u·θ_k along a flat direction (Hu = 0) of the discrete chain: ψ_{k+1} = (1+β−ηλ)ψ_k − βψ_{k−1},
    /// started at rest (ψ₋₁ = ψ₀); exact for every minibatch, since no gradient noise reaches u.
    public static func translationDiscrete(_ psi0: Double, learningRate eta: Double, momentum beta: Double, weightDecay lambda: Double,
                                           steps: Int) -> Double {
        var previous = psi0, current = psi0
        for _ in 0..<steps { (previous, current) = (current, (1 + beta - eta * lambda) * current - beta * previous) }
        return current
    }

    /// ψ(t) of the modified-flow ODE ψ̈ + 2γψ̇ + (2λ/(η(1+β)))ψ = 0 from rest (physics.md §10.3).
    public static func translationFlow(_ psi0: Double, learningRate eta: Double, momentum beta: Double, weightDecay lambda: Double,
                                       time t: Double) -> Double {
        psi0 * DiffusionSpectrum.oscillator(gamma: (1 - beta) / (eta * (1 + beta)), omegaSquared: 2 * lambda / (eta * (1 + beta)), time: t)
    }
}
