import Foundation
import LangevinModel
import PhaseSpaceIO
import SGDSimulation

/// `sgdfp diffusion`: E‖θ_k − θ_0‖² over a Hessian spectrum from a stationary start (physics.md §8), summed
/// exactly over the modes for the continuous model and the discrete chain, its local slopes, the paper's
/// fitted exponent, and optionally simulated SGD on the matching quadratic.
public struct DiffusionStudy {
    public struct Options: Sendable {
        public var hyperparameters = Hyperparameters(learningRate: 0.01, momentum: 0.9, batchSize: 32)
        /// σ² of the noise Σ = σ²H.
        public var noiseScale = 1.0
        public var curvatures: [Double]
        /// The table's steps: `perDecade` per decade from `from` to `to`.
        public var from = 10.0
        public var to = 1e7
        public var perDecade = 2
        /// Checkpoint spacing of the exponent fit, in steps.
        public var checkpoint = 250
        /// Which checkpoints the exponent is fitted to.
        public var fit = ExponentFit.fig1
        /// Chains of simulated SGD, and its last step.
        public var chains: Int?
        public var simulateTo = 10_000
        public var seed: UInt64 = 1
        public init(curvatures: [Double]) { self.curvatures = curvatures }
    }

    public struct Result: Sendable {
        /// The table's steps at exact fractions of a decade, and the whole steps the discrete chain and SGD use.
        public var steps: [Double]
        public var wholeSteps: [Int]
        public var continuous: [Double]
        public var discrete: [Double]
        /// Local log-log slope of the continuous curve from each step to the next.
        public var slopes: [Double]
        public var simulated: [Estimate?]
        public var fittedContinuous: Double
        public var fittedDiscrete: Double
        public var model: DiffusionSpectrum
        /// Simulated SGD steps per second, when simulated.
        public var throughput: Double?
    }

    public let options: Options
    public var invocation: Invocation = .current

    public init(options: Options) throws {
        let hp = options.hyperparameters
        let unstable = options.curvatures.filter { hp.learningRate * ($0 + hp.weightDecay) >= 2 * (1 + hp.momentum) }
        guard unstable.isEmpty else {
            let h = unstable.max()!
            throw StudyError(String(format: "Discrete SGD diverges along h = %.4g because η(h+λ) ≥ 2(1+β); lower --learning-rate below %.4g.",
                                    h, 2 * (1 + hp.momentum) / (h + hp.weightDecay)))
        }
        // Every whole step and checkpoint is held in memory: refuse tables and fits that could not be.
        guard options.to <= 1e15 else {
            throw StudyError(String(format: "--to %.3g is beyond the steps the discrete chain can count exactly; use at most 1e15.", options.to))
        }
        guard options.to / Double(options.checkpoint) <= 1e6 else {
            throw StudyError(String(format: "--to %.3g with --checkpoint %ld makes %.3g checkpoints for the exponent fit; raise --checkpoint to at least %.0f.",
                                    options.to, options.checkpoint, options.to / Double(options.checkpoint), (options.to / 1e6).rounded(.up)))
        }
        guard options.curvatures.count <= 10_000_000 else {
            throw StudyError("A spectrum of \(options.curvatures.count) modes is more than the 10⁷ the sums are held to; use fewer --modes.")
        }
        self.options = options
    }

    public func run() -> Result {
        let o = options, hp = o.hyperparameters
        let model = DiffusionSpectrum(hyperparameters: hp, curvatures: o.curvatures, noiseScale: o.noiseScale)
        let count = Int(clamping: log10(o.to / o.from) * Double(o.perDecade), to: 0...100_000) + 1
        // The continuous curve and its slopes at exact fractions of a decade (as physics.md §9.8 tabulates
        // them); the discrete chain and SGD at the nearest whole step.
        let steps = (0..<count).map { o.from * pow(10, Double($0) / Double(o.perDecade)) }
        let wholeSteps = steps.map { Int(clamping: $0, to: 0...Int(1e15)) }
        let continuous = steps.map { model.continuousDisplacement(steps: $0) }
        let discrete = wholeSteps.map { model.discreteDisplacement(steps: $0) }
        let slopes = DiffusionSpectrum.localSlopes(steps: steps, values: continuous)
        let checkpoints = stride(from: Double(o.checkpoint), through: o.to, by: Double(o.checkpoint)).map { $0 }
        let fitContinuous = checkpoints.count >= 2
            ? DiffusionSpectrum.fittedExponent(steps: checkpoints, values: checkpoints.map { model.continuousDisplacement(steps: $0) }, fit: o.fit) : Double.nan
        let fitDiscrete = checkpoints.count >= 2
            ? DiffusionSpectrum.fittedExponent(steps: checkpoints, values: model.discreteDisplacements(steps: checkpoints.map { Int(clamping: $0, to: 0...Int(1e15), rounding: .down) }), fit: o.fit) : Double.nan

        var simulated: [Estimate?] = steps.map { _ in nil }
        var throughput: Double?
        if let chains = o.chains {
            let recorded = Array(Set(wholeSteps.filter { $0 <= o.simulateTo })).sorted()
            let oracle = DiagonalModelGradient(hyperparameters: hp, curvatures: o.curvatures, noiseScale: o.noiseScale)
            let simulation = SGDSimulation(oracle: oracle, hyperparameters: hp, mean: [Double](repeating: 0, count: 2 * o.curvatures.count),
                                           modeCovariances: model.discreteStationaryBlocks)
            let result = simulation.run(SGDSettings(chains: chains, steps: recorded.last ?? 1, recordSteps: recorded, seed: o.seed,
                                                    groups: min(20, chains), sampleEvery: max(1, recorded.last ?? 1)))
            for (i, k) in wholeSteps.enumerated() where k <= o.simulateTo { simulated[i] = result.displacements[recorded.firstIndex(of: k)!] }
            throughput = result.stepsPerSecond
        }
        return Result(steps: steps, wholeSteps: wholeSteps, continuous: continuous, discrete: discrete, slopes: slopes, simulated: simulated,
                      fittedContinuous: fitContinuous, fittedDiscrete: fitDiscrete, model: model, throughput: throughput)
    }

    /// The curves over a `step` coordinate and the figures as attributes.
    public func write(_ r: Result, to destination: String, overwrite: Bool) throws {
        let o = options, hp = o.hyperparameters
        let attributes: [String: AttributeValue] = [
            "fitted_exponent_continuous": .double(r.fittedContinuous), "fitted_exponent_discrete": .double(r.fittedDiscrete),
            "fit_checkpoint_steps": .int(o.checkpoint), "exponent_fit": .text(o.fit.rawValue), "local_displacement": .double(r.model.localDisplacement),
            "discrete_local_displacement": .double(r.model.discreteLocalDisplacement), "saturation": .double(r.model.saturation),
            "weight_decay_cutoff_steps": .double(r.model.weightDecayCutoff ?? .infinity), "learning_rate": .double(hp.learningRate),
            "momentum": .double(hp.momentum), "batch_size": .double(hp.batchSize), "weight_decay": .double(hp.weightDecay),
            "noise_scale": .double(o.noiseScale), "curvatures": .doubles(o.curvatures),
        ]
        try TableProduct.write(to: destination, overwrite: overwrite, kind: .diffusion, title: "Anomalous diffusion of SGD with momentum (mode sums)",
                               invocation: invocation, coordinate: ("step", "SGD step k", r.steps), attributes: attributes) { file in
            try TableProduct.series(file, "msd_continuous", "step", "E|theta_k - theta_0|^2 from a stationary start, continuous model", r.continuous)
            try TableProduct.series(file, "whole_step", "step", "the whole step at which the discrete chain and SGD are evaluated", r.wholeSteps.map(Double.init))
            try TableProduct.series(file, "msd_discrete", "step", "E|theta_k - theta_0|^2 from a stationary start, exact discrete chain at whole_step", r.discrete)
            try TableProduct.series(file, "local_slope", "step", "local log-log slope of msd_continuous from the previous step", [Double.nan] + r.slopes)
            if r.simulated.contains(where: { $0 != nil }) {
                try TableProduct.series(file, "msd_sgd", "step", "E|theta_k - theta_0|^2 of simulated SGD (NaN where not simulated)",
                                        r.simulated.map { $0?.value ?? .nan })
                try TableProduct.series(file, "msd_sgd_error", "step", "standard error of msd_sgd", r.simulated.map { $0?.standardError ?? .nan })
            }
        }
    }

    /// Hessian eigenvalues from a file: numbers separated by commas, semicolons, spaces or newlines.
    public static func readSpectrum(_ path: String) throws -> [Double] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw StudyError("Could not read the spectrum file \(path); check the path.") }
        var values: [Double] = []
        for f in text.split(whereSeparator: { ",; \t\n\r".contains($0) }) {
            guard let x = Double(f), x.isFinite, x > 0 else {
                throw StudyError("The spectrum file \(path) has '\(f)', which is not a positive number; give the Hessian's positive eigenvalues.")
            }
            values.append(x)
        }
        guard !values.isEmpty else { throw StudyError("The spectrum file \(path) holds no numbers; give the Hessian's positive eigenvalues.") }
        return values
    }
}
