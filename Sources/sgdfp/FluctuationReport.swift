import Foundation
import FokkerPlanck
import LangevinModel
import PhaseSpaceIO
import RunConfiguration
import SGDSimulation
import Spectral

/// `sgdfp diffusion RUNFILE --fdt --replicas` (physics.md §11): the effective temperature and the replica
/// distance of the run file's model, from the exact theory, from the Fokker-Planck solver and from SGD.
struct FluctuationReport {
    let runFile: String
    let fdt: Bool
    let replicas: Bool
    let chains: Int?
    let seed: UInt64
    let output: String
    let overwrite: Bool
    var quiet = false

    static let lags: [Double] = [0, 0.1, 0.5, 1, 2, 5]
    static let times: [Double] = [0.1, 0.5, 1, 2, 5]

    func run() throws {
        let config = try RunConfiguration.load(path: runFile).validated()
        let sde = try RunSetup.makeSDE(config)
        guard !sde.noise.isStateDependent else {
            throw SetupError("--fdt and --replicas use the exact Gaussian theory, which needs constant noise; choose [noise] model hessian, matrix or isotropic.")
        }
        if !quiet { print(Describe.model(sde) + "\n") }
        var attributes: [String: AttributeValue] = ["configuration": .text(config.renderTOML())]
        var series: [(String, String, [Double])] = []
        let hp = sde.hyperparameters
        if fdt {
            let theory = try Self.lags.map { try FluctuationTheory.effectiveTemperature(sde, lag: $0) }
            var sgd: [Estimate?] = Self.lags.map { _ in nil }
            if let chains {
                // C(τ) from simulated SGD in its stationary law; χ(τ) of the discrete recursion, which is linear
                // and noise-free: a constant force f on θ moves the mean by χ f.
                let lagSteps = Self.lags.map { Int(($0 / hp.learningRate).rounded()) }
                let simulation = SGDSimulation(oracle: ModelNoiseGradient(sde), hyperparameters: hp,
                                               initial: Gaussian(mean: sde.stationaryPoint, covariance: try DiscreteSGDTheory.stationaryCovariance(sde)))
                let trajectories = simulation.run(SGDSettings(chains: chains, steps: lagSteps.last!, recordSteps: lagSteps, seed: seed,
                                                              trajectories: chains)).trajectories
                let d = sde.parameterDimension, n = 2 * d, mu = sde.regularizedMinimum
                // C(0) − C(τ) = E[θ(0)·(θ(0) − θ(τ))] per chain, averaged over 20 groups of chains for a standard error.
                let response = Self.discreteResponse(sde, steps: lagSteps.last!)
                let groups = min(20, chains)
                sgd = lagSteps.enumerated().map { r, k in
                    guard k > 0 else { return nil }
                    var sums = [Double](repeating: 0, count: groups), counts = [Double](repeating: 0, count: groups)
                    for (c, x) in trajectories.enumerated() {
                        sums[c % groups] += (0..<d).reduce(0) { $0 + (x[$1] - mu[$1]) * (x[$1] - x[r * n + $1]) }
                        counts[c % groups] += 1
                    }
                    let values = (0..<groups).map { sums[$0] / counts[$0] / response[k] }
                    let mean = values.reduce(0, +) / Double(groups)
                    let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(groups - 1)
                    return Estimate(value: mean, standardError: (variance / Double(groups)).squareRoot())
                }
            }
            var table = ConsoleTable("lag τ", "T_eff theory", chains == nil ? "" : "T_eff SGD, 95 % CI (C from \(chains!) chains)")
            for (i, tau) in Self.lags.enumerated() {
                table.add(i == 0 ? "→ 0 (T_kin)" : fmt(tau), fmt(theory[i], 6), sgd[i].map { "\(fmt($0.value, 4)) ± \(fmt(1.96 * $0.standardError, 2))" } ?? "")
            }
            let tStatic = try FluctuationTheory.staticTemperature(sde)
            table.add("→ ∞ (T_static)", fmt(tStatic, 6), "")
            print("Effective temperature T_eff(τ) = (C(0) − C(τ))/χ(τ):\n" + table.render() + "\n")
            attributes["static_temperature"] = .double(tStatic)
            attributes["kinetic_temperature"] = .double(theory[0])
            series.append(("effective_temperature", "T_eff(lag) from the exact theory (lag 0: T_kin)", theory))
            if chains != nil {
                series.append(("effective_temperature_sgd", "T_eff(lag) with C from simulated SGD", sgd.map { $0?.value ?? .nan }))
                series.append(("effective_temperature_sgd_error", "standard error of effective_temperature_sgd", sgd.map { $0?.standardError ?? .nan }))
            }
        }
        if replicas {
            let theory = Self.times.map { FluctuationTheory.replicaDistance(sde, time: $0) }
            let fp = try Self.solverReplicaDistance(sde, config: config, times: Self.times)
            var sgd: [Estimate?] = Self.times.map { _ in nil }
            if let chains {
                // Chains from one point with independent noise are replicas: E‖θᵃ − θᵇ‖² = 2 tr Cov_θθ.
                let steps = Self.times.map { Int(($0 / hp.learningRate).rounded()) }
                let start = config.initial.components[0].mean
                let result = SGDSimulation(oracle: ModelNoiseGradient(sde), hyperparameters: hp, initial: .pointMass(at: start))
                    .run(SGDSettings(chains: chains, steps: steps.last!, recordSteps: steps, seed: seed))
                let d = sde.parameterDimension, n = 2 * d
                sgd = result.covariances.map { c in
                    let value = 2 * (0..<d).reduce(0) { $0 + c[$1 * n + $1] }
                    // Var of a sample variance ≈ 2σ⁴/N per independent direction, summed.
                    let error = 2 * (0..<d).reduce(0) { $0 + c[$1 * n + $1] * c[$1 * n + $1] * 2 / Double(chains) }.squareRoot()
                    return Estimate(value: value, standardError: error)
                }
            }
            var table = ConsoleTable("t", "D_rep theory", "Fokker-Planck", "FP − theory", chains == nil ? "" : "SGD (95 % CI)")
            for (i, t) in Self.times.enumerated() {
                table.add(fmt(t), fmt(theory[i], 6), fmt(fp[i], 6), fmt(fp[i] - theory[i], 2),
                          sgd[i].map { "\(fmt($0.value, 5)) ± \(fmt(1.96 * $0.standardError, 2))" } ?? "")
            }
            let limit = (try? GaussianTheory.stationaryCovariance(sde)).map { p in 2 * (0..<sde.parameterDimension).reduce(0) { $0 + p[$1, $1] } }
            print("Replica distance D_rep(t) = E‖θᵃ(t) − θᵇ(t)‖² = 2 tr W_θθ(t)" + (limit.map { " (→ \(fmt($0, 6)))" } ?? "") + ":\n" + table.render())
            series.append(("replica_distance", "D_rep(t) from the exact theory", theory))
            series.append(("replica_distance_fokker_planck", "D_rep(t) from the Fokker-Planck solver: 2 tr of the theta-covariance grown from the start", fp))
            if chains != nil {
                series.append(("replica_distance_sgd", "D_rep(t) from simulated SGD chains sharing their start", sgd.map { $0?.value ?? .nan }))
                series.append(("replica_distance_sgd_error", "standard error of replica_distance_sgd", sgd.map { $0?.standardError ?? .nan }))
            }
        }
        let coordinate = fdt && !replicas ? ("lag", "lag tau in units of t", Self.lags) : ("replica_time", "time t since the common start", Self.times)
        try TableFile.write(to: output, overwrite: overwrite, title: "Effective temperature and replica distance", coordinate: coordinate,
                            attributes: attributes) { file in
            if fdt && replicas { try file.defineDimension("lag", coordinates: Self.lags, attributes: ["long_name": .text("lag tau in units of t"), "units": .text("1")]) }
            for (name, longName, values) in series {
                try TableFile.series(file, name, name.hasPrefix("effective") ? "lag" : "replica_time", longName, values)
            }
        }
        if !quiet { print("\nwrote \(output)") }
    }

    /// χ_k = δθ_k / f summed over θ for a unit constant force on θ in the discrete recursion, k = 0 … steps.
    static func discreteResponse(_ sde: LangevinSDE, steps: Int) -> [Double] {
        let d = sde.parameterDimension, hp = sde.hyperparameters
        let h = sde.regularizedHessian
        var response = [Double](repeating: 0, count: steps + 1)
        for axis in 0..<d {
            var theta = [Double](repeating: 0, count: d), b = [Double](repeating: 0, count: d)
            for k in 1...max(steps, 1) where steps > 0 {
                let g = (0..<d).map { i in (0..<d).reduce(0) { $0 + h[i, $1] * theta[$1] } - (i == axis ? 1 : 0) }
                for i in 0..<d { b[i] = hp.momentum * b[i] + g[i]; theta[i] -= hp.learningRate * b[i] }
                response[k] += theta[axis]
            }
        }
        return response
    }

    /// D_rep from the Fokker-Planck solver: evolve N(x₀, P₀) (x₀ the run file's initial mean, P₀ the
    /// stationary variances, so that the grid resolves it; at least 40 points per axis in 4-D) and subtract the start's propagated spread:
    /// 2 tr[Cov(t) − e^{−At}P₀e^{−Aᵀt}]_θθ = 2 tr W_θθ(t).
    static func solverReplicaDistance(_ sde: LangevinSDE, config: RunConfiguration, times: [Double]) throws -> [Double] {
        let d = sde.parameterDimension, n = 2 * d
        let p = try GaussianTheory.stationaryCovariance(sde)
        let p0 = Matrix.diagonal((0..<n).map { p[$0, $0] })
        let x0 = config.initial.components[0].mean
        let mixture = GaussianMixture(mean: x0, covariance: p0.elements)
        let exact = ExactSolution(sde: sde, initial: mixture)
        let widths = GridPlanner().automaticHalfWidths(exact.envelopes(times: (0...200).map { times.last! * Double($0) / 200 }), stationaryPoint: sde.stationaryPoint)
        let grid = try PhaseSpaceGrid(points: config.grid.points(axes: n).map { d == 2 ? max($0, 40) : $0 }, halfWidths: widths)
        let dynamics = LinearDynamics(sde)
        let stepper = try TimeSteppers.make("exact", dynamics: dynamics, grid: grid, effort: .estimate)
        let start = AlignedBuffer(count: grid.pointCount)
        try mixture.sample(on: grid, origin: sde.stationaryPoint, into: start.buffer)
        var values: [Double] = []
        var previous = 0.0
        let simulation = Simulation(stepper: stepper, initialDensity: start)
        for t in times {
            _ = try simulation.run(SimulationSettings(stopTime: t, outputEvery: t - previous, boundaryTolerance: 1e-5)) { frame in
                guard abs(frame.time - t) < 1e-12 else { return }
                let e = GaussianTheory.propagator(sde, time: t)
                let spread = e * p0 * e.transposed
                values.append(2 * (0..<d).reduce(0) { $0 + frame.moments.covariance[$1 * n + $1] - spread[$1, $1] })
            }
            previous = t
        }
        return values
    }
}
