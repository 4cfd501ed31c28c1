import ArgumentParser
import Foundation
import LangevinModel
import RunConfiguration
import Studies

struct DiffusionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diffusion",
        abstract: "Anomalous diffusion E‖θ_k − θ_0‖² over a Hessian spectrum: exact mode sums, local slopes, fitted exponent, and simulated SGD.",
        discussion: """
            The noise is the paper's Σ = σ²H and the start is stationary (physics.md §8). The curve is summed \
            exactly over the modes, for the continuous model and for the discrete heavy-ball chain, at steps \
            spaced --per-decade per decade from --from to --to (the discrete chain and SGD at the nearest whole \
            step); the local log-log slopes of the continuous curve follow, and the \
            exponent is fitted the paper's way: on checkpoints every --checkpoint steps up to --to, in the window \
            of one of its figures (--fit; fig1 by default, see the README). Also printed: the local displacement η² tr P_vv per \
            step, the weight-decay cut-off (1−β)/(ηλ) and the saturation 2 tr P_θθ. --simulate N runs N chains of \
            SGD on the matching quadratic (the spectrum's eigenbasis) from the discrete chain's stationary law up \
            to --simulate-to steps, and prints their curve with 95 % intervals. With a run file, --fdt and \
            --replicas print the effective temperature T_eff(τ) and the replica distance D_rep(t) of its model \
            (physics.md §11) instead.
            """)

    @Argument(help: "Run file, for --fdt and --replicas (its model; the spectrum options are then ignored).") var runFile: String?
    @Option(help: "Learning rate η.") var learningRate = 0.01
    @Option(help: "Momentum β.") var momentum = 0.9
    @Option(help: "Batch size S.") var batchSize = 32.0
    @Option(help: "Weight decay λ.") var weightDecay = 0.0
    @Option(help: "σ² of the noise Σ = σ²H.") var noiseScale = 1.0
    @Option(help: "Spectrum h_i = i^(−p): the exponent p.") var power = 2.0
    @Option(help: "Spectrum h_i = i^(−p): the number of modes.") var modes = 2000
    @Option(help: "A file of Hessian eigenvalues (numbers separated by commas, spaces or newlines) instead of the power law.") var spectrum: String?
    @Option(help: "First step of the table.") var from = 10.0
    @Option(help: "Last step.") var to = 1e7
    @Option(help: "Table rows per decade.") var perDecade = 2
    @Option(help: "Checkpoint spacing of the exponent fit, in steps.") var checkpoint = 250
    @Option(help: "The checkpoints the exponent is fitted to, as in the paper's Fig. 1 (the first 21 skipped, the last two thirds of the rest), Fig. 7 (all) or Fig. 8 (the last half).") var fit = ExponentFit.fig1
    @Option(help: "Simulate this many SGD chains on the matching quadratic.") var simulate: Int?
    @Option(help: "Last step of the simulation.") var simulateTo = 10_000
    @Option(help: "Random seed of the simulation.") var seed: UInt64 = 1
    @Flag(help: "With a run file: the effective temperature T_eff(τ) from theory (and --simulate).") var fdt = false
    @Flag(help: "With a run file: the replica distance D_rep(t) from theory, the Fokker-Planck solver and (with --simulate) SGD.") var replicas = false
    @Option(name: .shortAndLong, help: "Output HDF5 file.") var output = "sgdfp-diffusion.h5"
    @Flag(help: "Replace the output file if it already exists.") var overwrite = false
    @Flag(name: .shortAndLong, help: "Print only the tables, warnings and errors.") var quiet = false

    func validate() throws {
        guard learningRate > 0, momentum >= 0, momentum < 1, batchSize >= 1, weightDecay >= 0, noiseScale >= 0 else {
            throw ValidationError("Need learning rate > 0, 0 ≤ momentum < 1, batch size ≥ 1, weight decay ≥ 0 and noise scale ≥ 0.")
        }
        guard (1...10_000_000).contains(modes), from >= 1, to > from, perDecade >= 1, checkpoint >= 1, simulateTo >= 1 else {
            throw ValidationError("Need 1 ≤ --modes ≤ 10⁷, 1 ≤ --from < --to, --per-decade ≥ 1, --checkpoint ≥ 1 and --simulate-to ≥ 1.")
        }
        if (fdt || replicas) && runFile == nil { throw ValidationError("--fdt and --replicas need a run file for the model.") }
    }

    func run() throws {
        if fdt || replicas { return try fluctuations() }
        var options = DiffusionStudy.Options(curvatures: try spectrum.map(DiffusionStudy.readSpectrum) ?? DiffusionSpectrum.powerLaw(exponent: power, modes: modes))
        options.hyperparameters = Hyperparameters(learningRate: learningRate, momentum: momentum, batchSize: batchSize, weightDecay: weightDecay)
        (options.noiseScale, options.from, options.to, options.perDecade, options.checkpoint, options.fit) = (noiseScale, from, to, perDecade, checkpoint, fit)
        (options.chains, options.simulateTo, options.seed) = (simulate, simulateTo, seed)
        let study = try DiffusionStudy(options: options)
        let r = study.run()
        let c = options.curvatures
        if !quiet { print("Spectrum: \(c.count) modes from \(fmt(c.max()!)) to \(fmt(c.min()!)); η = \(fmt(learningRate)), β = \(fmt(momentum)), S = \(fmt(batchSize)), λ = \(fmt(weightDecay)), σ² = \(fmt(noiseScale))\n") }
        print(Describe.diffusion(r, learningRate: learningRate))
        print(String(format: "\nfitted exponent (checkpoints every %ld steps to %@; %@): %.4f continuous, %.4f discrete chain",
                     checkpoint, fmt(to), fit.summary, r.fittedContinuous, r.fittedDiscrete))
        print("local displacement per step η² tr P_vv: \(fmt(r.model.localDisplacement)) (discrete chain \(fmt(r.model.discreteLocalDisplacement)))")
        print("saturation 2 tr P_θθ: \(fmt(r.model.saturation)); weight-decay cut-off: " + (r.model.weightDecayCutoff.map { "\(fmt($0)) steps" } ?? "none (λ = 0)"))
        if let throughput = r.throughput { print("simulated SGD: \(fmt(throughput, 3)) steps per second (\(simulate!) chains × \(c.count) modes)") }
        try study.write(r, to: output, overwrite: overwrite)
        if !quiet { print("wrote \(output)") }
    }

    /// The effective temperature and the replica distance of the run file's model.
    private func fluctuations() throws {
        var study = try FluctuationStudy(configuration: try RunConfiguration.load(path: runFile!).validated(), fdt: fdt, replicas: replicas, chains: simulate)
        study.seed = seed
        if !quiet { print(Describe.model(study.sde) + "\n") }
        let temperature = fdt ? try study.effectiveTemperature() : nil
        if let temperature { print("Effective temperature T_eff(τ) = (C(0) − C(τ))/χ(τ):\n" + Describe.temperature(temperature, chains: simulate) + "\n") }
        let distance = replicas ? try study.replicaDistance() : nil
        if let distance { print("Replica distance D_rep(t) = E‖θᵃ(t) − θᵇ(t)‖² = 2 tr W_θθ(t)" + (distance.limit.map { " (→ \(fmt($0, 6)))" } ?? "") + ":\n" + Describe.replicas(distance, chains: simulate)) }
        try study.write(temperature, distance, to: output, overwrite: overwrite)
        if !quiet { print("\nwrote \(output)") }
    }
}

extension ExponentFit: ExpressibleByArgument {}
