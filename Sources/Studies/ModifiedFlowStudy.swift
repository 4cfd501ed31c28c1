import Foundation
import LangevinModel
import PhaseSpaceIO
import RunConfiguration
import SGDSimulation

/// `sgdfp modified-flow` (physics.md §9.7, §10): per-mode rates of the noise-free iteration against the
/// modified flows, and for every flat direction u the translation law of ψ = u·θ for the exact recursion,
/// the modified-flow ODE and simulated SGD, all from rest at the run file's initial mean.
public struct ModifiedFlowStudy {
    public let configuration: RunConfiguration
    public let sde: LangevinSDE
    /// SGD chains for the translation law; 0 skips the simulation.
    public var chains = 100
    /// nil: five decay times of the slowest flat direction, between 100 and 100000.
    public var steps: Int?
    public var rows = 11
    public var seed: UInt64 = 1
    public var invocation: Invocation = .current

    public init(configuration: RunConfiguration) throws {
        self.configuration = configuration
        sde = try RunSetup.model(configuration)
    }

    public var rates: [ModeRates] {
        let hp = sde.hyperparameters
        return sde.modes.map { ModeRates(curvature: $0.curvature + hp.weightDecay, eta: hp.learningRate, beta: hp.momentum) }
    }

    /// The translation law, or nil when H has no null vector.
    public func translationLaw() -> TranslationLaw? {
        let flat = sde.modes.filter { $0.curvature == 0 }.map(\.direction)
        guard !flat.isEmpty else { return nil }
        let theta0 = Array(configuration.initial.components[0].mean.prefix(sde.parameterDimension))
        let lawRate = sde.modes.filter { $0.curvature == 0 }.map(\.relaxationRates.slow).min()!
        let defaultSteps = lawRate > 0 ? Int(clamping: 5 / (lawRate * sde.hyperparameters.learningRate), to: 100...100_000, rounding: .up) : 1000
        let total = steps ?? defaultSteps
        return TranslationLaw(sde: sde, directions: flat, start: theta0, steps: total, rows: rows, chains: chains, seed: seed)
    }

    public func write(rates: [ModeRates], translation: TranslationLaw?, to output: String, overwrite: Bool) throws {
        let config = configuration
        let stepsCoordinate = translation?.steps.map(Double.init) ?? [0]
        var attributes: [String: AttributeValue] = [
            "learning_rate": .double(config.sgd.learningRate), "momentum": .double(config.sgd.momentum),
            "weight_decay": .double(config.sgd.weightDecay), "flat_directions": .int(translation?.directions.count ?? 0)]
        if let translation { attributes["translation_max_deviation"] = .double(translation.maxDeviation ?? .nan) }
        try TableProduct.write(to: output, overwrite: overwrite, kind: .modifiedFlow, title: "Modified flows and the translation law (Kunin et al., physics.md §10)",
                               configuration: config, sde: sde, invocation: invocation, coordinate: ("step", "SGD step k", stepsCoordinate), attributes: attributes) { file in
            try file.defineDimension("mode", coordinates: rates.indices.map(Double.init),
                                     attributes: ["long_name": .text("Hessian mode index"), "units": .text("1")])
            try TableProduct.series(file, "curvature", "mode", "curvature h + lambda of the mode", rates.map(\.curvature))
            try TableProduct.series(file, "log_rate_exact", "mode", "log|z| per step of the slowest root of the noise-free iteration", rates.map(\.exact.re))
            try TableProduct.series(file, "angle_exact", "mode", "arg z per step of that root (0: no oscillation)", rates.map(\.exact.im))
            try TableProduct.series(file, "log_rate_second_order", "mode", "eta times the slow root of the second-order modified ODE (real part)", rates.map(\.secondOrder.re))
            try TableProduct.series(file, "angle_second_order", "mode", "eta times the slow root of the second-order modified ODE (imaginary part)", rates.map(\.secondOrder.im))
            try TableProduct.series(file, "log_rate_first_order", "mode", "per-step rate of the first-order modified flow", rates.map(\.firstOrder))
            try TableProduct.series(file, "log_rate_gradient_flow", "mode", "per-step rate of plain gradient flow", rates.map(\.plain))
            guard let translation else { return }
            for (i, law) in translation.series.enumerated() {
                let s = translation.series.count == 1 ? "" : "_\(i + 1)"
                try TableProduct.series(file, "psi_discrete\(s)", "step", "u.theta of the exact recursion from rest", law.discrete)
                try TableProduct.series(file, "psi_flow\(s)", "step", "u.theta of the modified-flow ODE at t = eta k", law.flow)
                if let mean = law.sgdMean {
                    try TableProduct.series(file, "psi_sgd\(s)", "step", "u.theta of simulated SGD, mean over chains", mean)
                    try TableProduct.series(file, "psi_sgd_variance\(s)", "step", "variance of u.theta over chains", law.sgdVariance!)
                }
            }
        }
    }
}

/// Per-step rates of one mode's noise-free iteration against its continuous-time models.
public struct ModeRates: Sendable {
    public var curvature: Double
    public var exact: (re: Double, im: Double)
    public var secondOrder: (re: Double, im: Double)
    public var firstOrder: Double
    public var plain: Double

    public init(curvature h: Double, eta: Double, beta: Double) {
        curvature = h
        if beta == 0 {
            let r = ModifiedFlow.gradientDescentRates(learningRate: eta, curvature: h)
            // 1 − ηh < 0 flips sign every step: the rate is log|1 − ηh| with angle π.
            exact = 1 - eta * h >= 0 ? (r.exact, 0) : (log(abs(1 - eta * h)), .pi)
            secondOrder = (r.modified, 0)
            firstOrder = r.modified
            plain = r.plain
        } else {
            let r = ModifiedFlow.heavyBallSlowRates(learningRate: eta, momentum: beta, curvature: h)
            exact = r.exact
            secondOrder = r.secondOrder
            firstOrder = r.firstOrder
            plain = -eta * h / (1 - beta)
        }
    }

    /// A real first-order flow cannot follow an oscillating or sign-flipping iteration.
    public var firstOrderValid: Bool { exact.im == 0 }
}

/// ψ = u·θ along each flat direction: exact recursion, modified-flow ODE and simulated SGD from rest.
public struct TranslationLaw: Sendable {
    public struct Series: Sendable {
        public var psi0: Double
        public var discrete: [Double]
        public var flow: [Double]
        public var sgdMean: [Double]?
        public var sgdVariance: [Double]?
        public var sgdDeviation: Double?
    }
    public var directions: [[Double]]
    public var steps: [Int]
    public var series: [Series]
    public var chains: Int
    /// Whether the run's noise vanishes along every u (up to the round-off of Σ).
    public var noiseFree: Bool
    /// Largest uᵀΣu that the round-off of Σ allows, for the statistical part of the bound.
    var noiseAlongU: Double
    public let eta: Double, batchNoiseFactor: Double, momentum: Double

    public init(sde: LangevinSDE, directions: [[Double]], start theta0: [Double], steps total: Int, rows: Int, chains: Int, seed: UInt64) {
        let hp = sde.hyperparameters
        eta = hp.learningRate
        batchNoiseFactor = hp.batchNoiseFactor
        momentum = hp.momentum
        self.directions = directions
        self.chains = chains
        let stepList = Array(Set((0..<rows).map { Int((Double(total) * Double($0) / Double(rows - 1)).rounded()) })).sorted()
        steps = stepList
        // The run's noise along u at the start; hessian and loss-hessian noise vanish on the null space.
        let sigma = sde.noise.covariance(at: theta0, loss: sde.loss)
        let alongU = directions.map { u in zip(u, sigma * u).reduce(0) { $0 + $1.0 * $1.1 } }
        let roundOff = 8 * Double.ulpOfOne * sigma.maxAbs * Double(sde.parameterDimension)
        noiseFree = alongU.allSatisfy { $0 <= roundOff }
        noiseAlongU = max(alongU.max()!, 0) + roundOff
        let d = sde.parameterDimension
        let result: SGDResult? = chains == 0 ? nil : SGDSimulation(
            oracle: ModelNoiseGradient(sde), hyperparameters: hp, initial: .pointMass(at: theta0 + [Double](repeating: 0, count: d)))
            .run(SGDSettings(chains: chains, steps: stepList.last!, recordSteps: stepList, seed: seed, trajectories: chains))
        series = directions.map { u in
            let psi0 = zip(u, theta0).reduce(0) { $0 + $1.0 * $1.1 }
            let discrete = stepList.map { ModifiedFlow.translationDiscrete(psi0, learningRate: hp.learningRate, momentum: hp.momentum,
                                                                            weightDecay: hp.weightDecay, steps: $0) }
            let flow = stepList.map { ModifiedFlow.translationFlow(psi0, learningRate: hp.learningRate, momentum: hp.momentum,
                                                                    weightDecay: hp.weightDecay, time: hp.learningRate * Double($0)) }
            var s = Series(psi0: psi0, discrete: discrete, flow: flow)
            if let result {
                let n = 2 * d
                s.sgdMean = result.means.map { m in (0..<d).reduce(0) { $0 + u[$1] * m[$1] } }
                s.sgdVariance = result.covariances.map { c in
                    (0..<d).reduce(0.0) { acc, i in (0..<d).reduce(acc) { $0 + u[i] * c[i * n + $1] * u[$1] } }
                }
                s.sgdDeviation = result.trajectories.map { trajectory in
                    stepList.indices.map { r in abs((0..<d).reduce(0) { $0 + u[$1] * trajectory[r * n + $1] } - discrete[r]) }.max()!
                }.max()
            }
            return s
        }
    }

    /// The largest |ψ_SGD − ψ_recursion| over every chain and recorded step.
    public var maxDeviation: Double? { series.compactMap(\.sgdDeviation).max() }

    /// Round-off of ψ over the run (a few ulps of the largest |ψ| per step) plus eight standard
    /// deviations of what noise at the round-off of Σ along u can add after k steps:
    /// η √(C_S uᵀΣu) √k / (1−β), since the recursion's impulse response never exceeds 1/(1−β).
    public var tolerance: Double {
        let scale = series.map { s in (s.discrete + [s.psi0]).map(abs).max()! }.max()!
        let k = Double(max(1, steps.last!))
        return 1e-15 * scale * k + 8 * eta * (batchNoiseFactor * noiseAlongU).squareRoot() * k.squareRoot() / (1 - momentum)
    }

    /// A sentence when simulated SGD left the recursion although no noise reaches u.
    public var failure: String? {
        guard noiseFree, let deviation = maxDeviation, deviation > tolerance else { return nil }
        return "simulated SGD left the exact translation recursion by \(String(format: "%.3g", deviation)) (round-off bound \(String(format: "%.2g", tolerance))) although the noise vanishes along u; this is a defect, please report it."
    }
}
