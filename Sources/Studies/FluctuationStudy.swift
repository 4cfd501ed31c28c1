import Foundation
import FokkerPlanck
import LangevinModel
import PhaseSpaceIO
import RunConfiguration
import SGDSimulation
import Spectral

/// `sgdfp diffusion RUNFILE --fdt --replicas` (physics.md §11): the effective temperature and the replica
/// distance of the run file's model, from the exact theory, from the Fokker-Planck solver and from SGD.
public struct FluctuationStudy {
    public static let lags: [Double] = [0, 0.1, 0.5, 1, 2, 5]
    public static let times: [Double] = [0.1, 0.5, 1, 2, 5]

    public struct EffectiveTemperature: Sendable {
        /// T_eff at each of `lags` (lag 0: T_kin).
        public var theory: [Double]
        /// With C from simulated SGD, where simulated.
        public var sgd: [Estimate?]
        public var staticTemperature: Double
    }

    public struct ReplicaDistance: Sendable {
        /// D_rep at each of `times`.
        public var theory: [Double]
        public var fokkerPlanck: [Double]
        public var sgd: [Estimate?]
        /// 2 tr P_θθ, the limit at long times, when the stationary law exists.
        public var limit: Double?
    }

    public let configuration: RunConfiguration
    public let sde: LangevinSDE
    public var fdt: Bool
    public var replicas: Bool
    /// SGD chains, or nil for no simulation.
    public var chains: Int?
    public var seed: UInt64 = 1
    public var invocation: Invocation = .current

    public init(configuration: RunConfiguration, fdt: Bool, replicas: Bool, chains: Int?) throws {
        self.configuration = configuration
        sde = try RunSetup.model(configuration)
        guard !sde.noise.isStateDependent else {
            throw StudyError("--fdt and --replicas use the exact Gaussian theory, which needs constant noise; choose [noise] model hessian, matrix or isotropic.")
        }
        self.fdt = fdt
        self.replicas = replicas
        self.chains = chains
    }

    /// Steps of simulated SGD that reach time t = η·k, refused beyond 10⁹ (hours of simulation per chain).
    static func simulatedSteps(_ t: Double, learningRate: Double) throws -> Int {
        guard let k = Int(checking: t / learningRate), k <= 1_000_000_000 else {
            throw StudyError(String(format: "Simulated chains would need %.3g steps to reach t = %.3g at learning rate %.3g, more than 10⁹; raise the learning rate or run without --chains.", t / learningRate, t, learningRate))
        }
        return k
    }

    public func effectiveTemperature() throws -> EffectiveTemperature {
        let hp = sde.hyperparameters
        let theory = try Self.lags.map { try FluctuationTheory.effectiveTemperature(sde, lag: $0) }
        var sgd: [Estimate?] = Self.lags.map { _ in nil }
        if let chains {
            // C(τ) from simulated SGD in its stationary law; χ(τ) of the discrete recursion, which is linear
            // and noise-free: a constant force f on θ moves the mean by χ f.
            let lagSteps = try Self.lags.map { try Self.simulatedSteps($0, learningRate: hp.learningRate) }
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
        return EffectiveTemperature(theory: theory, sgd: sgd, staticTemperature: try FluctuationTheory.staticTemperature(sde))
    }

    public func replicaDistance() throws -> ReplicaDistance {
        let hp = sde.hyperparameters
        let theory = Self.times.map { FluctuationTheory.replicaDistance(sde, time: $0) }
        let fp = try Self.solverReplicaDistance(sde, config: configuration, times: Self.times)
        var sgd: [Estimate?] = Self.times.map { _ in nil }
        if let chains {
            // Chains from one point with independent noise are replicas: E‖θᵃ − θᵇ‖² = 2 tr Cov_θθ.
            let steps = try Self.times.map { try Self.simulatedSteps($0, learningRate: hp.learningRate) }
            let start = configuration.initial.components[0].mean
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
        let limit = (try? GaussianTheory.stationaryCovariance(sde)).map { p in 2 * (0..<sde.parameterDimension).reduce(0) { $0 + p[$1, $1] } }
        return ReplicaDistance(theory: theory, fokkerPlanck: fp, sgd: sgd, limit: limit)
    }

    public func write(_ temperature: EffectiveTemperature?, _ distance: ReplicaDistance?, to output: String, overwrite: Bool) throws {
        var attributes: [String: AttributeValue] = [:]
        var series: [(String, String, [Double])] = []
        if let t = temperature {
            attributes["static_temperature"] = .double(t.staticTemperature)
            attributes["kinetic_temperature"] = .double(t.theory[0])
            series.append(("effective_temperature", "T_eff(lag) from the exact theory (lag 0: T_kin)", t.theory))
            if chains != nil {
                series.append(("effective_temperature_sgd", "T_eff(lag) with C from simulated SGD", t.sgd.map { $0?.value ?? .nan }))
                series.append(("effective_temperature_sgd_error", "standard error of effective_temperature_sgd", t.sgd.map { $0?.standardError ?? .nan }))
            }
        }
        if let r = distance {
            series.append(("replica_distance", "D_rep(t) from the exact theory", r.theory))
            series.append(("replica_distance_fokker_planck", "D_rep(t) from the Fokker-Planck solver: 2 tr of the theta-covariance grown from the start", r.fokkerPlanck))
            if chains != nil {
                series.append(("replica_distance_sgd", "D_rep(t) from simulated SGD chains sharing their start", r.sgd.map { $0?.value ?? .nan }))
                series.append(("replica_distance_sgd_error", "standard error of replica_distance_sgd", r.sgd.map { $0?.standardError ?? .nan }))
            }
        }
        let both = temperature != nil && distance != nil
        let coordinate = distance == nil ? ("lag", "lag tau in units of t", Self.lags) : ("replica_time", "time t since the common start", Self.times)
        try TableProduct.write(to: output, overwrite: overwrite, kind: .fluctuations, title: "Effective temperature and replica distance",
                               configuration: configuration, sde: sde, invocation: invocation, coordinate: coordinate, attributes: attributes) { file in
            if both { try file.defineDimension("lag", coordinates: Self.lags, attributes: ["long_name": .text("lag tau in units of t"), "units": .text("1")]) }
            for (name, longName, values) in series {
                try TableProduct.series(file, name, name.hasPrefix("effective") ? "lag" : "replica_time", longName, values)
            }
        }
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
        let start = grid.makeField()
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
