import Foundation

/// Anomalous diffusion by mode sums (physics.md §8): the distance travelled from a stationary start,
/// E‖θ_k − θ_0‖², for the paper's noise Σ = σ²H over a Hessian spectrum of any size, both for the
/// continuous model and for the exact discrete heavy-ball chain. Every mode is independent, so thousands
/// of modes take milliseconds.
public struct DiffusionSpectrum: Sendable {
    public let hyperparameters: Hyperparameters
    /// The Hessian eigenvalues h_i > 0.
    public let curvatures: [Double]
    /// σ² in Σ = σ²H.
    public let noiseScale: Double

    /// Per mode, the discrete chain's one-step matrix and stationary covariance of (θ, b), solved once.
    private let discreteModes: [(m: [Double], y: [Double])]

    public init(hyperparameters: Hyperparameters, curvatures: [Double], noiseScale: Double) {
        precondition(curvatures.allSatisfy { $0 > 0 } && noiseScale >= 0)
        self.hyperparameters = hyperparameters
        self.curvatures = curvatures
        self.noiseScale = noiseScale
        discreteModes = curvatures.map { Self.discreteMode($0, hyperparameters, noiseScale) }
    }

    /// h_i = i^(−p), i = 1 … n.
    public static func powerLaw(exponent p: Double, modes n: Int) -> [Double] { (1...n).map { pow(Double($0), -p) } }

    var eta: Double { hyperparameters.learningRate }
    var beta: Double { hyperparameters.momentum }
    var lambda: Double { hyperparameters.weightDecay }
    /// κ = η C_S σ²/(2(1−β)).
    public var kappa: Double { eta * hyperparameters.batchNoiseFactor * noiseScale / (2 * (1 - beta)) }

    /// Continuous model: Σ_i 2κ h_i/(h_i+λ)·[1 − y_i(ηk)], with y_i the damped oscillator at ω_i² = (h_i+λ)/m.
    public func continuousDisplacement(steps k: Double) -> Double {
        let t = eta * k, gamma = hyperparameters.gamma, m = hyperparameters.mass
        var total = 0.0
        for h in curvatures {
            let y = Self.oscillator(gamma: gamma, omegaSquared: (h + lambda) / m, time: t)
            total += 2 * kappa * h / (h + lambda) * (1 - y)
        }
        return total
    }

    /// Exact discrete chain: Σ_i 2[Y_θθ − (M_iᵏ Y)_θθ] with Y the mode's stationary covariance of (θ, b).
    public func discreteDisplacement(steps k: Int) -> Double {
        var total = 0.0
        for (m, y) in discreteModes {
            let mk = Self.power(m, k)
            // (Mᵏ Y)_θθ = Mᵏ₀₀ Y₀₀ + Mᵏ₀₁ Y₁₀.
            total += 2 * (y[0] - (mk[0] * y[0] + mk[1] * y[2]))
        }
        return total
    }

    /// `discreteDisplacement` at many steps (ascending), reusing each mode's Mᵏ from the previous step.
    public func discreteDisplacements(steps: [Int]) -> [Double] {
        var totals = [Double](repeating: 0, count: steps.count)
        for (m, y) in discreteModes {
            var power = [1.0, 0, 0, 1], previous = 0
            var lastDifference = -1, jump = power
            for (j, k) in steps.enumerated() {
                let difference = k - previous
                if difference != lastDifference { jump = Self.power(m, difference); lastDifference = difference }
                power = Self.multiply(power, jump)
                previous = k
                totals[j] += 2 * (y[0] - (power[0] * y[0] + power[1] * y[2]))
            }
        }
        return totals
    }

    /// E‖θ_{k+1} − θ_k‖² = η² tr P_vv: the local displacement per step (physics.md §8.3).
    public var localDisplacement: Double {
        eta * eta * hyperparameters.batchNoiseFactor * noiseScale * curvatures.reduce(0, +) / (1 - beta * beta)
    }

    /// The same for the discrete chain: each mode's share times 1/(1 − η(h+λ)/(2(1+β))).
    public var discreteLocalDisplacement: Double {
        eta * eta * hyperparameters.batchNoiseFactor * noiseScale / (1 - beta * beta)
            * curvatures.reduce(0) { $0 + $1 * DiscreteSGDTheory.varianceFactor(curvature: $1, hyperparameters) }
    }

    /// The step count (1−β)/(ηλ) beyond which weight decay stops the growth; nil without weight decay.
    public var weightDecayCutoff: Double? { lambda > 0 ? (1 - beta) / (eta * lambda) : nil }

    /// The saturation value 2 tr P_θθ = 2κ Σ h_i/(h_i+λ).
    public var saturation: Double { curvatures.reduce(0) { $0 + 2 * kappa * $1 / ($1 + lambda) } }

    /// Per mode, the exact stationary covariance of the discrete chain's (θ_i, v_i), row-major 2×2: the
    /// start of a stationary simulation.
    public var discreteStationaryBlocks: [[Double]] {
        discreteModes.map { mode in
            let y = mode.y
            return [y[0], -y[1], -y[2], y[3]]
        }
    }

    /// The mode's one-step matrix M (row-major 2×2) of (θ − μ_λ, b) and its stationary covariance Y.
    static func discreteMode(_ h: Double, _ hyperparameters: Hyperparameters, _ noiseScale: Double) -> (m: [Double], y: [Double]) {
        let eta = hyperparameters.learningRate, beta = hyperparameters.momentum
        let k = h + hyperparameters.weightDecay
        let m = Matrix([[1 - eta * k, -eta * beta], [k, beta]])
        let q = hyperparameters.batchNoiseFactor * noiseScale * h * Matrix([[eta * eta, -eta], [-eta, 1]])
        let y = (try? DiscreteSGDTheory.stein(m, q)) ?? .zeros(2, 2)
        return (m.elements, y.elements)
    }

    /// Mᵏ for a row-major 2×2 M, by repeated squaring.
    static func multiply(_ a: [Double], _ b: [Double]) -> [Double] {
        let c00: Double = a[0] * b[0] + a[1] * b[2]
        let c01: Double = a[0] * b[1] + a[1] * b[3]
        let c10: Double = a[2] * b[0] + a[3] * b[2]
        let c11: Double = a[2] * b[1] + a[3] * b[3]
        return [c00, c01, c10, c11]
    }

    static func power(_ m: [Double], _ k: Int) -> [Double] {
        let mul = multiply
        var result = [1.0, 0, 0, 1], base = m, e = k
        while e > 0 {
            if e & 1 == 1 { result = mul(result, base) }
            base = mul(base, base)
            e >>= 1
        }
        return result
    }

    /// y(t) of y'' + 2γy' + ω²y = 0 with y(0) = 1, y'(0) = 0; the overdamped branch in split exponentials,
    /// which do not overflow.
    public static func oscillator(gamma: Double, omegaSquared: Double, time t: Double) -> Double {
        let disc = omegaSquared - gamma * gamma
        if disc > 1e-14 * omegaSquared {
            let w = disc.squareRoot()
            return exp(-gamma * t) * (cos(w * t) + gamma / w * sin(w * t))
        }
        if disc < -1e-14 * omegaSquared {
            let w = (-disc).squareRoot()
            let slow = -omegaSquared / (gamma + w), fast = -gamma - w   // the roots, slow without cancellation
            return 0.5 * (1 + gamma / w) * exp(slow * t) + 0.5 * (1 - gamma / w) * exp(fast * t)
        }
        return exp(-gamma * t) * (1 + gamma * t)
    }

    /// Local log-log slopes between consecutive points.
    public static func localSlopes(steps: [Double], values: [Double]) -> [Double] {
        (1..<steps.count).map { (i: Int) -> Double in
            let rise: Double = log(values[i] / values[i - 1])
            let run: Double = log(steps[i] / steps[i - 1])
            return rise / run
        }
    }

    /// The exponent c of values ∝ steps^c fitted by least squares on log-log axes over the checkpoints the
    /// protocol `fit` keeps (NaN when it keeps fewer than two).
    public static func fittedExponent(steps: [Double], values: [Double], fit: ExponentFit = .fig1) -> Double {
        guard let window = fit.window(count: steps.count) else { return .nan }
        let x = steps[window].map { log($0) }, y = values[window].map { log($0) }
        let mx = x.reduce(0, +) / Double(x.count), my = y.reduce(0, +) / Double(y.count)
        var sxy = 0.0, sxx = 0.0
        for (a, b) in zip(x, y) { sxy += (a - mx) * (b - my); sxx += (a - mx) * (a - mx) }
        return sxy / sxx
    }
}

/// The ways the limiting-dynamics paper fits the diffusion exponent to checkpoints of ‖θ_k − θ_0‖² (physics.md
/// §12, as its authors' notebooks do it), each a window of the checkpoints in order. On one curve they differ by
/// as much as its log-log slope changes over the windows.
public enum ExponentFit: String, CaseIterable, Sendable {
    /// Fig. 1: the first 21 checkpoints skipped (about an epoch), then the last two thirds of the rest.
    case fig1
    /// Fig. 7: every checkpoint.
    case fig7
    /// Fig. 8: the last half of the checkpoints.
    case fig8

    /// The indices of the checkpoints the fit uses out of `count`, or nil when fewer than two remain.
    public func window(count: Int) -> Range<Int>? {
        let first: Int
        switch self {
        case .fig1: first = 21 + max(0, count - 21) / 3
        case .fig7: first = 0
        case .fig8: first = count / 2
        }
        return count - first >= 2 ? first..<count : nil
    }

    /// Which checkpoints the fit uses, in words.
    public var summary: String {
        switch self {
        case .fig1: return "the paper's Fig. 1: the first 21 skipped, the last two thirds of the rest"
        case .fig7: return "the paper's Fig. 7: every one"
        case .fig8: return "the paper's Fig. 8: the last half"
        }
    }
}
