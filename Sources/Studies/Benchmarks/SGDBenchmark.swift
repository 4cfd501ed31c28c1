import Foundation
import LangevinModel
import SGDSimulation

/// Throughput of simulated SGD: steps per second for 1, 10 and 1000 chains on d = 2 (P3, the model's noise
/// with a dense 2×2 factor) and d = 200 (the diagonal spectrum h_i = i⁻²), medians of `repeats` runs, with
/// the speed-up over one chain measured in the same run.
public struct SGDBenchmark {
    public struct Row: Sendable {
        public var dimension: Int
        public var chains: Int
        public var stepsPerChain: Int
        /// Median steps per second.
        public var stepsPerSecond: Double
        public var speedUpOverOneChain: Double
    }

    public var repeats = 3
    public init(repeats: Int = 3) { self.repeats = repeats }

    public func run() -> [Row] {
        var rows: [Row] = []
        let p3 = ReferenceModel.p3.sde
        let spectrumHP = Hyperparameters(learningRate: 0.01, momentum: 0.9, batchSize: 32)
        // Chains start at the minimum; per-mode start factors avoid a dense factorisation at d = 200.
        let cases: [(Int, any GradientOracle, Hyperparameters)] = [
            (2, ModelNoiseGradient(p3), p3.hyperparameters),
            (200, DiagonalModelGradient(hyperparameters: spectrumHP, curvatures: DiffusionSpectrum.powerLaw(exponent: 2, modes: 200), noiseScale: 1), spectrumHP),
        ]
        for (d, oracle, hp) in cases {
            let simulation = SGDSimulation(oracle: oracle, hyperparameters: hp, mean: [Double](repeating: 0, count: 2 * d),
                                           modeCovariances: [[Double]](repeating: [0, 0, 0, 0], count: d))
            var single = 0.0
            for chains in [1, 10, 1000] {
                // About 2·10⁷ coordinate-steps per run.
                let steps = max(100, 20_000_000 / (chains * d))
                let rates = (0..<repeats).map { r in
                    simulation.run(SGDSettings(chains: chains, steps: steps, seed: UInt64(r + 1), groups: 1)).stepsPerSecond
                }.sorted()
                let median = rates[rates.count / 2]
                if chains == 1 { single = median }
                rows.append(Row(dimension: d, chains: chains, stepsPerChain: steps, stepsPerSecond: median, speedUpOverOneChain: median / single))
            }
        }
        return rows
    }
}
