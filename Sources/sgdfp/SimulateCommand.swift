import ArgumentParser
import Foundation
import LangevinModel
import PhaseSpaceIO
import RunConfiguration
import SGDSimulation
import Spectral

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
    @Option(help: "Independent chains (default 1000).") var chains = 1000
    @Option(help: "Steps per chain (default 20000).") var steps = 20000
    @Option(help: "Steps before the stationary statistics start (default: ten slowest relaxation times).") var burnIn: Int?
    @Option(help: "Moments over chains are recorded every this many steps (default 100).") var recordEvery = 100
    @Option(help: "Random seed; the same seed repeats a run exactly (default 1).") var seed: UInt64 = 1
    @Option(help: "Chains whose trajectories are written (default 5).") var trajectories = 5
    @Option(help: "Start: initial ([initial] law of the run file) or stationary (the exact discrete stationary law).") var start = "initial"
    @Option(help: "Linear regression on a synthetic Gaussian design with this many samples.") var design: Int?
    @Option(help: "Linear regression on a CSV data set (features, then the target).") var data: String?
    @Option(help: "Minibatch sampling for regression: with or without replacement (default with).") var sampling = "with"
    @Option(help: "A solve or stationary output whose grid the histogram uses and whose density it is compared with.") var compare: String?

    func validate() throws {
        guard chains >= 1, steps >= 1, recordEvery >= 1 else { throw ValidationError("--chains, --steps and --record-every must be at least 1.") }
        guard ["initial", "stationary"].contains(start) else { throw ValidationError("--start must be initial or stationary (got '\(start)').") }
        guard ["with", "without"].contains(sampling) else { throw ValidationError("--sampling must be with or without (got '\(sampling)').") }
        guard design == nil || data == nil else { throw ValidationError("Give either --design or --data, not both.") }
    }

    func run() throws {
        try runReportingErrors {
            let config = try runFile.configuration()
            var sde = try RunSetup.makeSDE(config)
            let hp = sde.hyperparameters
            let oracle: any GradientOracle
            var source = "model noise: ∇L_λ(θ) + N(0, C_S Σ(θ))"
            if design != nil || data != nil {
                let regression: RegressionData
                if let path = data {
                    regression = try RegressionData.load(csv: path)
                    guard regression.dimension == sde.parameterDimension || config.loss.hessian == RunConfiguration.builtInExample.loss.hessian else {
                        throw SetupError("The data have \(regression.dimension) features but [loss] hessian is \(sde.parameterDimension)×\(sde.parameterDimension); the data replace [loss], so drop it or match it.")
                    }
                    source = "linear regression on \(path) (\(regression.count) samples)"
                } else {
                    let label: Double = {
                        switch sde.noise {
                        case .hessian(let s): return s
                        case .lossHessian(let s): return s
                        default: return 1
                        }
                    }()
                    regression = try RegressionData.gaussianDesign(samples: design!, hessian: sde.loss.hessian, teacher: sde.loss.minimum,
                                                                   labelNoise: label, seed: seed)
                    source = "linear regression on a Gaussian design (\(design!) samples, label-noise variance \(fmt(label)))"
                }
                let without = sampling == "without"
                guard !without || config.sgd.batchSize <= regression.count else {
                    throw SetupError("[sgd] batch_size \(config.sgd.batchSize) exceeds the \(regression.count) samples; lower it or sample with replacement.")
                }
                // The model of these data: their own H and minimum, and Σ at that minimum.
                let minimum = try regression.minimum()
                let modelHP = Hyperparameters(learningRate: hp.learningRate, momentum: hp.momentum, batchSize: hp.batchSize,
                                              weightDecay: hp.weightDecay, datasetSize: without ? Double(regression.count) : nil)
                sde = try LangevinSDE(hyperparameters: modelHP, loss: QuadraticLoss(hessian: regression.hessian, minimum: minimum),
                                      noise: .matrix(regression.gradientCovariance(at: minimum)))
                oracle = RegressionGradient(data: regression, batchSize: config.sgd.batchSize, withReplacement: !without,
                                            weightDecay: hp.weightDecay)
                source += ", minibatches \(without ? "without" : "with") replacement"
            } else {
                oracle = ModelNoiseGradient(sde)
            }
            let initial: Gaussian
            if start == "stationary" {
                initial = Gaussian(mean: sde.stationaryPoint, covariance: try DiscreteSGDTheory.stationaryCovariance(sde))
            } else {
                guard config.initial.kind != .file else { throw SetupError("simulate starts from an [initial] law (gaussian or mixture), not a file; use --start stationary.") }
                let mixture = config.initial.components
                let mean = mixture.reduce([Double](repeating: 0, count: sde.phaseDimension)) { acc, c in zip(acc, c.mean).map { $0 + c.weight * $1 } }
                let total = mixture.reduce(0) { $0 + $1.weight }
                let m = mean.map { $0 / total }
                // The mixture's total covariance, so that chains start with the run file's first two moments.
                var cov = Matrix.zeros(sde.phaseDimension, sde.phaseDimension)
                for c in mixture {
                    let offset = zip(c.mean, m).map { $0 - $1 }
                    cov = cov + (c.weight / total) * (Matrix(c.covariance) + Matrix.outer(offset, offset))
                }
                initial = Gaussian(mean: m, covariance: cov.symmetrized)
            }
            let slowest = sde.modes.map(\.relaxationRates.slow).filter { $0 > 0 }.min() ?? 1
            let burn = burnIn ?? (start == "stationary" ? 0 : min(steps / 2, Int((10 / (slowest * hp.learningRate)).rounded(.up))))
            guard burn < steps else { throw SetupError("--burn-in (\(burn)) must be below --steps (\(steps)); run more steps.") }

            let (grid, origin, reference, axisValues) = try histogramGrid(config: config, sde: sde)
            let settings = SGDSettings(chains: chains, steps: steps, burnIn: burn, recordSteps: Array(stride(from: 0, through: steps, by: recordEvery)),
                                       seed: seed, trajectories: min(trajectories, chains))
            if !runFile.quiet {
                print(Describe.model(sde))
                print("\nSGD: \(chains) chains × \(steps) steps (burn-in \(burn)), \(source)\n")
            }
            let result = SGDSimulation(oracle: oracle, hyperparameters: sde.hyperparameters, initial: initial).run(settings, histogram: grid, histogramOrigin: origin)
            let comparison = try MomentComparison(sde: sde, result: result)
            var tv: Double?
            if let reference, let histogram = result.histogram {
                tv = histogram.withUnsafeBufferPointer { h in
                    reference.withUnsafeBufferPointer { r in 0.5 * Quadrature.l1Distance(h, r, on: grid!) }
                }
            }
            try SimulationOutput.write(to: output, overwrite: overwrite, config: config, sde: sde, result: result, comparison: comparison,
                                       grid: grid, origin: origin, axisValues: axisValues, totalVariation: tv, source: source)
            print(comparison.table())
            if design != nil || data != nil {
                print("The exact discrete covariance holds Σ at its value at the minimum; real regression noise grows with the distance from it (physics.md §4), which SGD feels and that column does not.")
            }
            let factors = sde.modes.map { fmt(DiscreteSGDTheory.varianceFactor(curvature: $0.curvature, sde.hyperparameters), 6) }
            print("finite-η factor 1/(1 − η(h+λ)/(2(1+β))) per Hessian mode (the discrete chain over the continuous model): \(factors.joined(separator: ", "))")
            if let tv { print(String(format: "\ntotal-variation distance between the SGD histogram and %@: %.3g (%.2g%% of samples outside the box)", compare!, tv, 100 * result.fractionOutside)) }
            if !runFile.quiet {
                print(String(format: "\n%.3g SGD steps per second (%d chains on %d threads)", result.stepsPerSecond, chains, settings.workers))
                print("wrote \(output)")
            }
        }
    }

    /// The grid of `--compare`'s file with its density, or the grid `sgdfp solve` would use for the run.
    private func histogramGrid(config: RunConfiguration, sde: LangevinSDE) throws -> (PhaseSpaceGrid?, [Double]?, [Double]?, [[Double]]?) {
        if let path = compare {
            let reader = try NetCDFReader(path: path)
            defer { reader.close() }
            let names = PhaseSpaceGrid.axisNames(parameterDimension: sde.parameterDimension)
            guard names.allSatisfy(reader.hasVariable) else {
                throw SetupError("File \(path) has no \(names.joined(separator: ", ")) coordinates; pass a solve or stationary output of the same model.")
            }
            let axes = try names.map { try reader.read($0) }
            let density: [Double]
            if reader.hasVariable("stationary_density"), try reader.dimensions(of: "stationary_density") == names {
                density = try reader.read("stationary_density")
            } else if reader.hasVariable(RunVariable.density) {
                let records = try reader.shape(of: RunVariable.density)[0]
                density = try reader.readRecord(RunVariable.density, index: records - 1)
            } else {
                throw SetupError("File \(path) holds no full density (density or stationary_density); write one with [output] full_density = true or --full-fields.")
            }
            let halfWidths = axes.map { Double($0.count) * ($0[1] - $0[0]) / 2 }
            let origin = zip(axes, halfWidths).map { $0[0] + $1 }
            return (try PhaseSpaceGrid(points: axes.map(\.count), halfWidths: halfWidths), origin, density, axes)
        }
        if sde.parameterDimension > 2 { return (nil, nil, nil, nil) }
        guard let setup = try? RunSetup.build(config) else { return (nil, nil, nil, nil) }
        return (setup.grid, sde.stationaryPoint, nil, nil)
    }
}
