import ArgumentParser
import Foundation
import LangevinModel
import PhaseSpaceIO
import RunConfiguration
import SGDSimulation

struct ModifiedFlowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "modified-flow",
        abstract: "Paper 2's checks: per-step rates of the discrete iteration against the modified flows, and the translation law of flat directions for the exact recursion, the modified-flow ODE and simulated SGD.",
        discussion: """
            For every Hessian mode (curvature h + λ) the table gives the per-step log rate of the noise-free \
            iteration: for gradient descent (β = 0) log(1 − η(h+λ)) against the modified gradient flow \
            −η(h+λ)(1 + η(h+λ)/2) and plain gradient flow; for heavy ball the slowest root of \
            z² − (1+β−η(h+λ))z + β = 0 (log |z| and arg z) against the second-order ODE \
            (η(1+β)/2)θ̈ + (1−β)θ̇ = −∇L_λ and the first-order modified flow, which is invalid once the root is \
            complex (physics.md §9.7, §10.1). For every flat direction u (Hu = 0) ψ = u·θ is printed over \
            the steps for the exact recursion ψ_{k+1} = (1+β−ηλ)ψ_k − βψ_{k−1}, the ODE \
            ψ̈ + 2γψ̇ + (2λ/(η(1+β)))ψ = 0 and --chains chains of SGD on the run's noise, all started at rest at \
            the run file's initial mean θ (physics.md §10.3). When the noise vanishes along u (hessian and \
            loss-hessian noise), every chain must follow the recursion to round-off.
            """)

    @OptionGroup var runFile: RunFileOptions
    @Option(name: .shortAndLong, help: "Output HDF5 file.") var output = "sgdfp-modified-flow.h5"
    @Flag(help: "Replace the output file if it already exists.") var overwrite = false
    @Option(help: "SGD chains for the translation law; 0 skips the simulation (default 100).") var chains = 100
    @Option(help: "Steps (default: five decay times of the slowest flat direction, between 100 and 100000).") var steps: Int?
    @Option(help: "Rows of the translation table (default 11).") var rows = 11
    @Option(help: "Random seed of the simulation (default 1).") var seed: UInt64 = 1

    func validate() throws {
        guard chains >= 0 else { throw ValidationError("--chains must be 0 or more (got \(chains)).") }
        if let steps, steps < 1 { throw ValidationError("--steps must be at least 1 (got \(steps)).") }
        guard rows >= 2 else { throw ValidationError("--rows must be at least 2 (got \(rows)).") }
    }

    func run() throws {
        try runReportingErrors {
            let config = try runFile.configuration()
            let sde = try RunSetup.makeSDE(config)
            let hp = sde.hyperparameters
            let eta = hp.learningRate, beta = hp.momentum, lambda = hp.weightDecay
            if !runFile.quiet { print(Describe.model(sde) + "\n") }

            let rates = sde.modes.map { ModeRates(curvature: $0.curvature + lambda, eta: eta, beta: beta) }
            print(ModeRates.table(rates, momentum: beta))

            let flat = sde.modes.filter { $0.curvature == 0 }.map(\.direction)
            var translation: TranslationLaw?
            if flat.isEmpty {
                print("\nNo flat direction: H has no null vector, so no translation law applies.")
            } else {
                let theta0 = Array(config.initial.components[0].mean.prefix(sde.parameterDimension))
                let lawRate = sde.modes.filter { $0.curvature == 0 }.map(\.relaxationRates.slow).min()!
                let defaultSteps = lawRate > 0 ? Int((5 / (lawRate * eta)).rounded(.up)) : 1000
                let total = steps ?? min(100_000, max(100, defaultSteps))
                let law = TranslationLaw(sde: sde, directions: flat, start: theta0, steps: total, rows: rows, chains: chains, seed: seed)
                print("\n" + law.table())
                translation = law
            }
            try write(rates: rates, translation: translation, config: config)
            if !runFile.quiet { print("\nwrote \(output)") }
            if let translation, let failure = translation.failure { throw SetupError(failure) }
        }
    }

    private func write(rates: [ModeRates], translation: TranslationLaw?, config: RunConfiguration) throws {
        let stepsCoordinate = translation?.steps.map(Double.init) ?? [0]
        var attributes: [String: AttributeValue] = [
            "learning_rate": .double(config.sgd.learningRate), "momentum": .double(config.sgd.momentum),
            "weight_decay": .double(config.sgd.weightDecay), "flat_directions": .int(translation?.directions.count ?? 0)]
        if let translation { attributes["translation_max_deviation"] = .double(translation.maxDeviation ?? .nan) }
        try TableFile.write(to: output, overwrite: overwrite, title: "Modified flows and the translation law (Kunin et al., physics.md §10)",
                            coordinate: ("step", "SGD step k", stepsCoordinate), attributes: attributes) { file in
            try file.defineDimension("mode", coordinates: rates.indices.map(Double.init),
                                     attributes: ["long_name": .text("Hessian mode index"), "units": .text("1")])
            try TableFile.series(file, "curvature", "mode", "curvature h + lambda of the mode", rates.map(\.curvature))
            try TableFile.series(file, "log_rate_exact", "mode", "log|z| per step of the slowest root of the noise-free iteration", rates.map(\.exact.re))
            try TableFile.series(file, "angle_exact", "mode", "arg z per step of that root (0: no oscillation)", rates.map(\.exact.im))
            try TableFile.series(file, "log_rate_second_order", "mode", "eta times the slow root of the second-order modified ODE (real part)", rates.map(\.secondOrder.re))
            try TableFile.series(file, "angle_second_order", "mode", "eta times the slow root of the second-order modified ODE (imaginary part)", rates.map(\.secondOrder.im))
            try TableFile.series(file, "log_rate_first_order", "mode", "per-step rate of the first-order modified flow", rates.map(\.firstOrder))
            try TableFile.series(file, "log_rate_gradient_flow", "mode", "per-step rate of plain gradient flow", rates.map(\.plain))
            guard let translation else { return }
            for (i, law) in translation.series.enumerated() {
                let s = translation.series.count == 1 ? "" : "_\(i + 1)"
                try TableFile.series(file, "psi_discrete\(s)", "step", "u.theta of the exact recursion from rest", law.discrete)
                try TableFile.series(file, "psi_flow\(s)", "step", "u.theta of the modified-flow ODE at t = eta k", law.flow)
                if let mean = law.sgdMean {
                    try TableFile.series(file, "psi_sgd\(s)", "step", "u.theta of simulated SGD, mean over chains", mean)
                    try TableFile.series(file, "psi_sgd_variance\(s)", "step", "variance of u.theta over chains", law.sgdVariance!)
                }
            }
        }
    }
}

/// Per-step rates of one mode's noise-free iteration against its continuous-time models.
struct ModeRates {
    var curvature: Double
    var exact: (re: Double, im: Double)
    var secondOrder: (re: Double, im: Double)
    var firstOrder: Double
    var plain: Double

    init(curvature h: Double, eta: Double, beta: Double) {
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
    var firstOrderValid: Bool { exact.im == 0 }

    static func table(_ rates: [ModeRates], momentum beta: Double) -> String {
        var t = beta == 0
            ? ConsoleTable("h + λ", "log(1 − η(h+λ))", "modified flow", "rel. error", "gradient flow", "rel. error")
            : ConsoleTable("h + λ", "exact log z", "2nd-order ODE", "rel. error", "1st-order flow", "rel. error", "gradient flow")
        for r in rates {
            func relative(_ x: Double) -> String {
                r.exact.re == 0 ? "–" : fmt(abs(x - r.exact.re) / abs(r.exact.re), 2)
            }
            func complex(_ z: (re: Double, im: Double)) -> String {
                z.im == 0 ? fmt(z.re, 6) : "\(fmt(z.re, 6))\(z.im < 0 ? "−" : "+")\(fmt(abs(z.im), 6))i"
            }
            let firstOrder = r.firstOrderValid ? fmt(r.firstOrder, 6) : "\(fmt(r.firstOrder, 6)) (invalid)"
            if beta == 0 {
                t.add(fmt(r.curvature, 6), complex(r.exact), fmt(r.secondOrder.re, 6), relative(r.secondOrder.re), fmt(r.plain, 6), relative(r.plain))
            } else {
                let second = r.exact.im == 0
                    ? relative(r.secondOrder.re)
                    : fmt(hypot(r.secondOrder.re - r.exact.re, r.secondOrder.im - r.exact.im) / hypot(r.exact.re, r.exact.im), 2)
                t.add(fmt(r.curvature, 6), complex(r.exact), complex(r.secondOrder), second, firstOrder,
                      r.firstOrderValid ? relative(r.firstOrder) : "–", fmt(r.plain, 6))
            }
        }
        return "Per-step log rates of the slowest root of the noise-free iteration (physics.md §9.7):\n" + t.render()
    }
}

/// ψ = u·θ along each flat direction: exact recursion, modified-flow ODE and simulated SGD from rest.
struct TranslationLaw {
    struct Series {
        var psi0: Double
        var discrete: [Double]
        var flow: [Double]
        var sgdMean: [Double]?
        var sgdVariance: [Double]?
        var sgdDeviation: Double?
    }
    var directions: [[Double]]
    var steps: [Int]
    var series: [Series]
    var chains: Int
    /// Whether the run's noise vanishes along every u (up to the round-off of Σ).
    var noiseFree: Bool
    /// Largest uᵀΣu that the round-off of Σ allows, for the statistical part of the bound.
    var noiseAlongU: Double
    let eta: Double, batchNoiseFactor: Double, momentum: Double

    init(sde: LangevinSDE, directions: [[Double]], start theta0: [Double], steps total: Int, rows: Int, chains: Int, seed: UInt64) {
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
    var maxDeviation: Double? { series.compactMap(\.sgdDeviation).max() }

    /// Round-off of ψ over the run (a few ulps of the largest |ψ| per step) plus eight standard
    /// deviations of what noise at the round-off of Σ along u can add after k steps:
    /// η √(C_S uᵀΣu) √k / (1−β), since the recursion's impulse response never exceeds 1/(1−β).
    var tolerance: Double {
        let scale = series.map { s in (s.discrete + [s.psi0]).map(abs).max()! }.max()!
        let k = Double(max(1, steps.last!))
        return 1e-15 * scale * k + 8 * eta * (batchNoiseFactor * noiseAlongU).squareRoot() * k.squareRoot() / (1 - momentum)
    }

    /// A sentence when simulated SGD left the recursion although no noise reaches u.
    var failure: String? {
        guard noiseFree, let deviation = maxDeviation, deviation > tolerance else { return nil }
        return "simulated SGD left the exact translation recursion by \(fmt(deviation, 3)) (round-off bound \(fmt(tolerance, 2))) although the noise vanishes along u; this is a defect, please report it."
    }

    func table() -> String {
        var out = ["Translation law of the flat direction\(directions.count > 1 ? "s" : "") (physics.md §10.3), from rest:"]
        for (i, u) in directions.enumerated() {
            let s = series[i]
            out.append("u = (\(u.map { fmt($0, 6) }.joined(separator: ", "))), ψ₀ = u·θ₀ = \(fmt(s.psi0, 8))")
            var t = s.sgdMean == nil
                ? ConsoleTable("step k", "t = ηk", "exact recursion", "modified-flow ODE", "ODE − recursion")
                : ConsoleTable("step k", "t = ηk", "exact recursion", "modified-flow ODE", "ODE − recursion", "SGD mean", "SGD Var(u·θ)")
            for (r, k) in steps.enumerated() {
                var row = [String(k), fmt(eta * Double(k), 6), fmt(s.discrete[r], 8), fmt(s.flow[r], 8), fmt(s.flow[r] - s.discrete[r], 3)]
                if let mean = s.sgdMean, let variance = s.sgdVariance { row += [fmt(mean[r], 8), fmt(variance[r], 3)] }
                t.add(row)
            }
            out.append(t.render())
        }
        if let deviation = maxDeviation {
            out.append("\(chains) SGD chains: max |u·θ_k − recursion| over every chain and step = \(fmt(deviation, 3))"
                + (noiseFree ? " (no noise reaches u beyond the round-off of Σ: the law holds per chain, bound \(fmt(tolerance, 2)))"
                             : " (the noise reaches u: only the mean follows the recursion)"))
        }
        return out.joined(separator: "\n")
    }
}
