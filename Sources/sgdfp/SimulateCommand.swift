import ArgumentParser
import LangevinModel
import Studies

struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Run discrete heavy-ball SGD (many chains) beside the theory: stationary moments against the exact discrete chain and the continuous model.",
        discussion: """
            Chains follow PyTorch's update b ← βb + g, θ ← θ − ηb (t = η·step, v = −b). The gradient is \
            ∇L_λ(θ) plus Gaussian noise of covariance C_S Σ(θ) from the run file's [noise] (the model's own \
            noise), or the real minibatch gradient of linear regression: on a synthetic Gaussian design of \
            --design samples (features N(0, H), teacher [loss] minimum, label-noise variance σ² of the hessian \
            noise or [noise] label_noise), or on --data FILE.csv (features, then the target; H, the minimum and \
            Σ at the minimum are estimated from the data). The stationary moments over chains and steps after \
            the burn-in are printed with 95 % confidence intervals (±1.96 standard errors from 20 independent \
            groups of chains) beside the exact covariance of the discrete recursion (physics.md §3.3) and the \
            continuous model's. The stationary histogram lies on the grid `sgdfp solve` uses for the run file \
            (or on the grid of --compare FILE.h5, with the total-variation distance to its density).
            """)

    @OptionGroup var runFile: RunFileOptions
    @Option(name: .shortAndLong, help: "Output HDF5 file.") var output = "sgdfp-simulate.h5"
    @Flag(help: "Replace the output file if it already exists.") var overwrite = false
    @Option(help: "Independent chains.") var chains = 1000
    @Option(help: "Steps per chain.") var steps = 20000
    @Option(help: "Steps before the stationary statistics start (default: ten slowest relaxation times).") var burnIn: Int?
    @Option(help: "Moments over chains are recorded every this many steps.") var recordEvery = 100
    @Option(help: "Random seed; the same seed repeats a run exactly.") var seed: UInt64 = 1
    @Option(help: "Chains whose trajectories are written.") var trajectories = 5
    @Option(help: "Start: initial ([initial] law of the run file) or stationary (the exact discrete stationary law).") var start = "initial"
    @Option(help: "Linear regression on a synthetic Gaussian design with this many samples.") var design: Int?
    @Option(help: "Linear regression on a CSV data set (features, then the target).") var data: String?
    @Option(help: "Minibatch sampling for regression: with or without replacement.") var sampling = "with"
    @Option(help: "A solve or stationary output whose grid the histogram uses and whose density it is compared with.") var compare: String?

    func validate() throws {
        guard chains >= 1, steps >= 1, recordEvery >= 1 else { throw ValidationError("--chains, --steps and --record-every must be at least 1.") }
        guard SimulationStudy.Start(rawValue: start) != nil else { throw ValidationError("--start must be initial or stationary (got '\(start)').") }
        guard ["with", "without"].contains(sampling) else { throw ValidationError("--sampling must be with or without (got '\(sampling)').") }
        guard design == nil || data == nil else { throw ValidationError("Give either --design or --data, not both.") }
    }

    var options: SimulationStudy.Options {
        var o = SimulationStudy.Options()
        (o.chains, o.steps, o.burnIn, o.recordEvery, o.seed, o.trajectories) = (chains, steps, burnIn, recordEvery, seed, trajectories)
        (o.start, o.design, o.data, o.withReplacement, o.compare) = (SimulationStudy.Start(rawValue: start)!, design, data, sampling == "with", compare)
        return o
    }

    func run() throws {
        let study = try SimulationStudy(configuration: try runFile.configuration(), options: options)
        try runFile.reportLeftovers(of: output)
        if !runFile.quiet {
            print(Describe.model(study.sde))
            print("\nSGD: \(chains) chains × \(steps) steps (burn-in \(study.burnIn)), \(study.source)\n")
        }
        let result = try study.run(output: output, overwrite: overwrite)
        print(Describe.moments(result.comparison))
        if study.usesRegression {
            print("The exact discrete covariance holds Σ at its value at the minimum; real regression noise grows with the distance from it (physics.md §4), which SGD feels and that column does not.")
        }
        let factors = study.sde.modes.map { fmt(DiscreteSGDTheory.varianceFactor(curvature: $0.curvature, study.sde.hyperparameters), 6) }
        print("finite-η factor 1/(1 − η(h+λ)/(2(1+β))) per Hessian mode (the discrete chain over the continuous model): \(factors.joined(separator: ", "))")
        if let tv = result.totalVariation {
            print(String(format: "\ntotal-variation distance between the SGD histogram and %@: %.3g (%.2g%% of samples outside the box)", compare!, tv, 100 * result.sgd.fractionOutside))
        }
        if !runFile.quiet {
            print(String(format: "\n%.3g SGD steps per second (%ld chains on %ld threads)", result.sgd.stepsPerSecond, chains, result.workers))
            print("wrote \(output)")
        }
    }
}
