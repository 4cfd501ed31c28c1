import Foundation
import FokkerPlanck
import LangevinModel
import PhaseSpaceIO
import RunConfiguration
import SGDSimulation
import Spectral

/// `sgdfp simulate`: heavy-ball SGD chains on the model's own noise or on linear regression (a synthetic
/// Gaussian design or a CSV data set), their stationary moments beside the exact discrete chain and the
/// continuous model, and the stationary histogram on the solver's grid (or on a compared file's grid).
public struct SimulationStudy {
    public enum Start: String, Sendable { case initial, stationary }

    public struct Options: Sendable {
        public var chains = 1000
        public var steps = 20000
        /// nil: ten slowest relaxation times (0 from a stationary start).
        public var burnIn: Int?
        public var recordEvery = 100
        public var seed: UInt64 = 1
        public var trajectories = 5
        public var start = Start.initial
        /// Linear regression on a synthetic Gaussian design with this many samples.
        public var design: Int?
        /// Linear regression on a CSV data set (features, then the target).
        public var data: String?
        public var withReplacement = true
        /// A solve or stationary output whose grid the histogram uses and whose density it is compared with.
        public var compare: String?
        public init() {}
    }

    public struct Result {
        public var sgd: SGDResult
        public var comparison: MomentComparison
        /// Total-variation distance between the histogram and the compared file's density.
        public var totalVariation: Double?
        public var workers: Int
    }

    public let configuration: RunConfiguration
    public let options: Options
    /// The model the chains are compared with: the run file's, or the regression data's own.
    public let sde: LangevinSDE
    /// Where the gradients come from, in words.
    public let source: String
    public let burnIn: Int
    public var invocation: Invocation = .current
    private let oracle: any GradientOracle
    private let initial: Gaussian

    public var usesRegression: Bool { options.design != nil || options.data != nil }

    public init(configuration config: RunConfiguration, options: Options) throws {
        configuration = config
        self.options = options
        var sde = try RunSetup.model(config)
        let hp = sde.hyperparameters
        var source = "model noise: ∇L_λ(θ) + N(0, C_S Σ(θ))"
        if options.design != nil || options.data != nil {
            let regression: RegressionData
            if let path = options.data {
                regression = try RegressionData.load(csv: path)
                guard regression.dimension == sde.parameterDimension || config.loss.hessian == RunConfiguration.builtInExample.loss.hessian else {
                    throw StudyError("The data have \(regression.dimension) features but [loss] hessian is \(sde.parameterDimension)×\(sde.parameterDimension); the data replace [loss], so drop it or match it.")
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
                regression = try RegressionData.gaussianDesign(samples: options.design!, hessian: sde.loss.hessian, teacher: sde.loss.minimum,
                                                               labelNoise: label, seed: options.seed)
                source = "linear regression on a Gaussian design (\(options.design!) samples, label-noise variance \(String(format: "%.4g", label)))"
            }
            let without = !options.withReplacement
            guard !without || config.sgd.batchSize <= regression.count else {
                throw StudyError("[sgd] batch_size \(config.sgd.batchSize) exceeds the \(regression.count) samples; lower it or sample with replacement.")
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
        switch options.start {
        case .stationary:
            initial = Gaussian(mean: sde.stationaryPoint, covariance: try DiscreteSGDTheory.stationaryCovariance(sde))
        case .initial:
            guard config.initial.kind != .file else { throw StudyError("simulate starts from an [initial] law (gaussian or mixture), not a file; use --start stationary.") }
            // The mixture's total moments, so that chains start with the run file's first two moments.
            let mixture = GaussianMixture(components: config.initial.components.map {
                GaussianMixture.Component(weight: $0.weight, mean: $0.mean, covariance: $0.covariance.flatMap { $0 })
            })
            let (mean, covariance) = mixture.moments
            let n = sde.phaseDimension
            // With --data the data set sets d; the run file's [initial] law must have the same dimension.
            guard mean.count == n else {
                throw StudyError("The [initial] law has \(mean.count) phase-space components but the model has \(n) (d = \(sde.parameterDimension)\(options.data == nil ? "" : ", from the features of the data")); give an [initial] mean and covariance of \(n) components, or use --start stationary.")
            }
            initial = Gaussian(mean: mean, covariance: Matrix(rows: n, cols: n, elements: covariance).symmetrized)
        }
        let slowest = sde.modes.map(\.relaxationRates.slow).filter { $0 > 0 }.min() ?? 1
        burnIn = options.burnIn ?? (options.start == .stationary ? 0 : Int(clamping: 10 / (slowest * hp.learningRate), to: 0...(options.steps / 2), rounding: .up))
        guard burnIn < options.steps else { throw StudyError("--burn-in (\(burnIn)) must be below --steps (\(options.steps)); run more steps.") }
        self.sde = sde
        self.source = source
    }

    public func run(output: String, overwrite: Bool) throws -> Result {
        let (grid, origin, reference, axisValues) = try histogramGrid()
        let o = options
        let settings = SGDSettings(chains: o.chains, steps: o.steps, burnIn: burnIn, recordSteps: Array(stride(from: 0, through: o.steps, by: o.recordEvery)),
                                   seed: o.seed, trajectories: min(o.trajectories, o.chains))
        let result = SGDSimulation(oracle: oracle, hyperparameters: sde.hyperparameters, initial: initial).run(settings, histogram: grid, histogramOrigin: origin)
        let comparison = try MomentComparison(sde: sde, result: result)
        // Chains that left double precision give NaN moments: an error, never a table of NaN with exit 0.
        if let bad = comparison.rows.first(where: { !$0.simulated.value.isFinite || !$0.simulated.standardError.isFinite }) {
            throw StudyError("The simulated chains left the range of double precision (\(bad.label) is not finite); start them nearer the minimum ([initial] mean and covariance) or lower the learning rate.")
        }
        var tv: Double?
        if let reference, let grid, let histogram = result.histogram {
            tv = histogram.withUnsafeBufferPointer { h in
                reference.withUnsafeBufferPointer { r in 0.5 * Quadrature.l1Distance(h, r, on: grid) }
            }
        }
        try SimulationProduct.write(to: output, overwrite: overwrite, config: configuration, sde: sde, result: result, comparison: comparison,
                                    grid: grid, origin: origin, axisValues: axisValues, totalVariation: tv, source: source, invocation: invocation)
        return Result(sgd: result, comparison: comparison, totalVariation: tv, workers: settings.workers)
    }

    /// The grid of the compared file with its density, or the grid `sgdfp solve` would use for the run.
    private func histogramGrid() throws -> (PhaseSpaceGrid?, [Double]?, [Double]?, [[Double]]?) {
        if let path = options.compare {
            let reader = try NetCDFReader(path: path)
            defer { reader.close() }
            let names = PhaseSpaceGrid.axisNames(parameterDimension: sde.parameterDimension)
            guard names.allSatisfy(reader.hasVariable) else {
                throw StudyError("File \(path) has no \(names.joined(separator: ", ")) coordinates; pass a solve or stationary output of the same model.")
            }
            let axes = try names.map { PhaseSpaceAxis(name: $0, longName: "", units: "1", values: try reader.read($0)) }
            let density: [Double]
            if reader.hasVariable("stationary_density"), try reader.dimensions(of: "stationary_density") == names {
                density = try reader.read("stationary_density")
            } else if reader.hasVariable(RunVariable.density) {
                let records = try reader.shape(of: RunVariable.density)[0]
                density = try reader.readRecord(RunVariable.density, index: records - 1)
            } else {
                throw StudyError("File \(path) holds no full density (density or stationary_density); write one with [output] full_density = true or --full-fields.")
            }
            let (grid, origin) = try FileGrid.grid(of: axes, path: path)
            return (grid, origin, density, axes.map(\.values))
        }
        if sde.parameterDimension > 2 { return (nil, nil, nil, nil) }
        // The histogram's grid is the solver's own in the fixed frame (an adapted frame's output grid may be far finer).
        var fixed = configuration
        fixed.grid.frame = .fixed
        guard let setup = try? RunSetup.build(fixed) else { return (nil, nil, nil, nil) }
        return (setup.grid, sde.stationaryPoint, nil, nil)
    }
}
