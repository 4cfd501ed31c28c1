import ArgumentParser
import Foundation
import LangevinModel
import PhaseSpaceIO
import SGDSimulation

struct DiffusionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diffusion",
        abstract: "Anomalous diffusion E‖θ_k − θ_0‖² over a Hessian spectrum: exact mode sums, local slopes, fitted exponent, and simulated SGD.",
        discussion: """
            The noise is the paper's Σ = σ²H and the start is stationary (physics.md §8). The curve is summed \
            exactly over the modes, for the continuous model and for the discrete heavy-ball chain, at steps \
            spaced --per-decade per decade from --from to --to (the discrete chain and SGD at the nearest whole \
            step); the local log-log slopes of the continuous curve follow, and the \
            exponent is fitted the paper's way: on checkpoints every --checkpoint steps up to --to, skipping the \
            first third and fitting the last two thirds. Also printed: the local displacement η² tr P_vv per \
            step, the weight-decay cut-off (1−β)/(ηλ) and the saturation 2 tr P_θθ. --simulate N runs N chains of \
            SGD on the matching quadratic (the spectrum's eigenbasis) from the discrete chain's stationary law up \
            to --simulate-to steps, and prints their curve with 95 % intervals. With a run file, --fdt and \
            --replicas print the effective temperature T_eff(τ) and the replica distance D_rep(t) of its model \
            (physics.md §11) instead.
            """)

    @Argument(help: "Run file, for --fdt and --replicas (its model; the spectrum options are then ignored).") var runFile: String?
    @Option(help: "Learning rate η (default 0.01).") var learningRate = 0.01
    @Option(help: "Momentum β (default 0.9).") var momentum = 0.9
    @Option(help: "Batch size S (default 32).") var batchSize = 32.0
    @Option(help: "Weight decay λ (default 0).") var weightDecay = 0.0
    @Option(help: "σ² of the noise Σ = σ²H (default 1).") var noiseScale = 1.0
    @Option(help: "Spectrum h_i = i^(−p): the exponent p (default 2).") var power = 2.0
    @Option(help: "Spectrum h_i = i^(−p): the number of modes (default 2000).") var modes = 2000
    @Option(help: "A file of Hessian eigenvalues (numbers separated by commas, spaces or newlines) instead of the power law.") var spectrum: String?
    @Option(help: "First step of the table (default 10).") var from = 10.0
    @Option(help: "Last step (default 1e7).") var to = 1e7
    @Option(help: "Table rows per decade (default 2).") var perDecade = 2
    @Option(help: "Checkpoint spacing of the exponent fit, in steps (default 250).") var checkpoint = 250
    @Option(help: "Simulate this many SGD chains on the matching quadratic.") var simulate: Int?
    @Option(help: "Last step of the simulation (default 10000).") var simulateTo = 10_000
    @Option(help: "Random seed of the simulation (default 1).") var seed: UInt64 = 1
    @Flag(help: "With a run file: the effective temperature T_eff(τ) from theory (and --simulate).") var fdt = false
    @Flag(help: "With a run file: the replica distance D_rep(t) from theory, the Fokker-Planck solver and (with --simulate) SGD.") var replicas = false
    @Option(name: .shortAndLong, help: "Output HDF5 file.") var output = "sgdfp-diffusion.h5"
    @Flag(help: "Replace the output file if it already exists.") var overwrite = false
    @Flag(name: .shortAndLong, help: "Print only the tables, warnings and errors.") var quiet = false

    func validate() throws {
        guard learningRate > 0, momentum >= 0, momentum < 1, batchSize >= 1, weightDecay >= 0, noiseScale >= 0 else {
            throw ValidationError("Need learning rate > 0, 0 ≤ momentum < 1, batch size ≥ 1, weight decay ≥ 0 and noise scale ≥ 0.")
        }
        guard modes >= 1, from >= 1, to > from, perDecade >= 1, checkpoint >= 1, simulateTo >= 1 else {
            throw ValidationError("Need --modes ≥ 1, 1 ≤ --from < --to, --per-decade ≥ 1, --checkpoint ≥ 1 and --simulate-to ≥ 1.")
        }
        if (fdt || replicas) && runFile == nil { throw ValidationError("--fdt and --replicas need a run file for the model.") }
    }

    func run() throws {
        try runReportingErrors {
            if fdt || replicas {
                try FluctuationReport(runFile: runFile!, fdt: fdt, replicas: replicas, chains: simulate, seed: seed,
                                      output: output, overwrite: overwrite, quiet: quiet).run()
                return
            }
            let hp = Hyperparameters(learningRate: learningRate, momentum: momentum, batchSize: batchSize, weightDecay: weightDecay)
            let curvatures = try spectrum.map(Self.readSpectrum) ?? DiffusionSpectrum.powerLaw(exponent: power, modes: modes)
            let unstable = curvatures.filter { learningRate * ($0 + weightDecay) >= 2 * (1 + momentum) }
            guard unstable.isEmpty else {
                throw SetupError("Discrete SGD diverges along h = \(fmt(unstable.max()!)) because η(h+λ) ≥ 2(1+β); lower --learning-rate below \(fmt(2 * (1 + momentum) / (unstable.max()! + weightDecay))).")
            }
            let model = DiffusionSpectrum(hyperparameters: hp, curvatures: curvatures, noiseScale: noiseScale)
            let count = Int((log10(to / from) * Double(perDecade)).rounded()) + 1
            // The continuous curve and its slopes at exact fractions of a decade (as physics.md §9.8 tabulates
            // them); the discrete chain and SGD at the nearest whole step.
            let steps = (0..<count).map { from * pow(10, Double($0) / Double(perDecade)) }
            let wholeSteps = steps.map { Int($0.rounded()) }
            let continuous = steps.map { model.continuousDisplacement(steps: $0) }
            let discrete = wholeSteps.map { model.discreteDisplacement(steps: $0) }
            let slopes = DiffusionSpectrum.localSlopes(steps: steps, values: continuous)
            let checkpoints = stride(from: Double(checkpoint), through: to, by: Double(checkpoint)).map { $0 }
            let fitContinuous = checkpoints.count >= 3
                ? DiffusionSpectrum.fittedExponent(steps: checkpoints, values: checkpoints.map { model.continuousDisplacement(steps: $0) }) : Double.nan
            let fitDiscrete = checkpoints.count >= 3
                ? DiffusionSpectrum.fittedExponent(steps: checkpoints, values: model.discreteDisplacements(steps: checkpoints.map { Int($0) })) : Double.nan

            var simulated: [Estimate?] = steps.map { _ in nil }
            var throughput: Double?
            if let chains = simulate {
                let recorded = Array(Set(wholeSteps.filter { $0 <= simulateTo })).sorted()
                let oracle = DiagonalModelGradient(hyperparameters: hp, curvatures: curvatures, noiseScale: noiseScale)
                let simulation = SGDSimulation(oracle: oracle, hyperparameters: hp, mean: [Double](repeating: 0, count: 2 * curvatures.count),
                                               modeCovariances: model.discreteStationaryBlocks)
                let result = simulation.run(SGDSettings(chains: chains, steps: recorded.last ?? 1, recordSteps: recorded, seed: seed,
                                                        groups: min(20, chains), sampleEvery: max(1, recorded.last ?? 1)))
                for (i, k) in wholeSteps.enumerated() where k <= simulateTo { simulated[i] = result.displacements[recorded.firstIndex(of: k)!] }
                throughput = result.stepsPerSecond
            }

            var table = ConsoleTable("step k", "t = ηk", "continuous", "discrete chain (whole k)", "local slope", "SGD (95 % CI)")
            for (i, k) in steps.enumerated() {
                table.add(fmt(k, 4), fmt(learningRate * k, 4), fmt(continuous[i], 5), "\(fmt(discrete[i], 5)) (\(wholeSteps[i]))", i > 0 ? String(format: "%.3f", slopes[i - 1]) : "",
                          simulated[i].map { "\(fmt($0.value, 5)) ± \(fmt(1.96 * $0.standardError, 2))" } ?? "")
            }
            if !quiet { print("Spectrum: \(curvatures.count) modes from \(fmt(curvatures.max()!)) to \(fmt(curvatures.min()!)); η = \(fmt(learningRate)), β = \(fmt(momentum)), S = \(fmt(batchSize)), λ = \(fmt(weightDecay)), σ² = \(fmt(noiseScale))\n") }
            print(table.render())
            print(String(format: "\nfitted exponent (checkpoints every %d steps to %@, last two thirds): %.4f continuous, %.4f discrete chain",
                         checkpoint, fmt(to), fitContinuous, fitDiscrete))
            print("local displacement per step η² tr P_vv: \(fmt(model.localDisplacement)) (discrete chain \(fmt(model.discreteLocalDisplacement)))")
            print("saturation 2 tr P_θθ: \(fmt(model.saturation)); weight-decay cut-off: " + (model.weightDecayCutoff.map { "\(fmt($0)) steps" } ?? "none (λ = 0)"))
            if let throughput { print("simulated SGD: \(fmt(throughput, 3)) steps per second (\(simulate!) chains × \(curvatures.count) modes)") }

            try DiffusionOutput.write(to: output, overwrite: overwrite, steps: steps, wholeSteps: wholeSteps, continuous: continuous, discrete: discrete, slopes: slopes,
                                      simulated: simulated, attributes: [
                                        "fitted_exponent_continuous": .double(fitContinuous), "fitted_exponent_discrete": .double(fitDiscrete),
                                        "fit_checkpoint_steps": .int(checkpoint), "local_displacement": .double(model.localDisplacement),
                                        "discrete_local_displacement": .double(model.discreteLocalDisplacement), "saturation": .double(model.saturation),
                                        "weight_decay_cutoff_steps": .double(model.weightDecayCutoff ?? .infinity), "learning_rate": .double(learningRate),
                                        "momentum": .double(momentum), "batch_size": .double(batchSize), "weight_decay": .double(weightDecay),
                                        "noise_scale": .double(noiseScale), "curvatures": .doubles(curvatures),
                                      ])
            if !quiet { print("wrote \(output)") }
        }
    }

    static func readSpectrum(_ path: String) throws -> [Double] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw SetupError("Could not read the spectrum file \(path); check the path.") }
        let fields = text.split { ",; \t\n\r".contains($0) }
        var values: [Double] = []
        for f in fields {
            guard let x = Double(f), x.isFinite, x > 0 else {
                throw SetupError("The spectrum file \(path) has '\(f)', which is not a positive number; give the Hessian's positive eigenvalues.")
            }
            values.append(x)
        }
        guard !values.isEmpty else { throw SetupError("The spectrum file \(path) holds no numbers; give the Hessian's positive eigenvalues.") }
        return values
    }
}
