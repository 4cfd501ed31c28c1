import Foundation
import LangevinModel
import Spectral

/// What to simulate and what to record.
public struct SGDSettings: Sendable {
    /// Independent chains.
    public var chains: Int
    /// Steps per chain.
    public var steps: Int
    /// Steps left out of the stationary statistics (and the origin of the displacement).
    public var burnIn: Int
    /// Steps (counted from the start, 0 = the initial state) at which moments over the chains are recorded.
    public var recordSteps: [Int]
    public var seed: UInt64
    /// Chains whose (θ, v) are kept at every recorded step.
    public var trajectories: Int
    /// Groups of chains whose separate estimates give the standard errors.
    public var groups: Int
    /// Stationary statistics and histogram use every this many steps after the burn-in.
    public var sampleEvery: Int
    /// Threads the chains are split over.
    public var workers: Int

    public init(chains: Int, steps: Int, burnIn: Int = 0, recordSteps: [Int] = [], seed: UInt64 = 1, trajectories: Int = 0,
                groups: Int = 20, sampleEvery: Int = 1, workers: Int = Parallel.defaultWorkers) {
        self.chains = chains
        self.steps = steps
        self.burnIn = burnIn
        self.recordSteps = recordSteps
        self.seed = seed
        self.trajectories = trajectories
        self.groups = groups
        self.sampleEvery = sampleEvery
        self.workers = max(1, workers)
    }
}

/// An estimate with its standard error (from the spread of independent groups of chains).
public struct Estimate: Sendable, Equatable {
    public var value: Double
    public var standardError: Double
    public init(value: Double, standardError: Double) {
        self.value = value
        self.standardError = standardError
    }
}

/// What a simulation measured. Phase-space points are (θ_k, v_k) with v_k = −b_k = (θ_k − θ_{k−1})/η.
public struct SGDResult: Sendable {
    /// The recorded steps and their continuous times t = ηk.
    public var recordSteps: [Int]
    public var times: [Double]
    /// Per recorded step, the mean (n) and covariance over all chains: n×n row-major when n ≤ 16, else the n
    /// variances only (a full covariance per record would cost O(n²) per chain and step recorded).
    public var means: [[Double]]
    public var covariances: [[Double]]
    /// Per recorded step after the burn-in, E‖θ_k − θ_burnIn‖² over chains (0 before it).
    public var displacements: [Estimate]
    /// Time-and-chain averages after the burn-in: mean (n) and covariance (n×n; diagonal only when n > 16).
    public var stationaryMean: [Estimate]
    public var stationaryCovariance: [Estimate]
    /// The stationary histogram as a density on the requested grid (real layout), and the fraction of
    /// samples that fell outside the box.
    public var histogram: [Double]?
    public var fractionOutside: Double
    /// Per kept chain, its (θ, v) at every recorded step, flattened (records × n).
    public var trajectories: [[Double]]
    public var chains: Int
    public var totalSteps: Int
    public var wallTime: Double
    public var stepsPerSecond: Double { Double(totalSteps) / max(wallTime, 1e-12) }
}

/// Many independent chains of heavy-ball SGD exactly as PyTorch runs it (physics.md §2):
/// b ← βb + g(θ), θ ← θ − ηb, with t = ηk and v = −b. Chains are split over the cores; each chain draws
/// from its own random stream (seed, chain index), so results do not depend on the number of workers.
public final class SGDSimulation {
    public let oracle: any GradientOracle
    public let hyperparameters: Hyperparameters
    /// The law of (θ₀, v₀), uncentred; a zero covariance starts every chain at the mean.
    public let initial: Gaussian
    /// For independent modes: the 2×2 covariance of (θ_i, v_i) per mode (row-major), used instead of the
    /// full covariance, whose factorisation would cost O(d³).
    private let modeBlocks: [[Double]]?

    public init(oracle: any GradientOracle, hyperparameters: Hyperparameters, initial: Gaussian) {
        precondition(initial.dimension == 2 * oracle.dimension)
        self.oracle = oracle
        self.hyperparameters = hyperparameters
        self.initial = initial
        modeBlocks = nil
    }

    /// Chains whose modes start independent, mode i from N(mean_i, block_i) over (θ_i, v_i).
    public init(oracle: any GradientOracle, hyperparameters: Hyperparameters, mean: [Double], modeCovariances: [[Double]]) {
        let d = oracle.dimension
        precondition(mean.count == 2 * d && modeCovariances.count == d)
        self.oracle = oracle
        self.hyperparameters = hyperparameters
        initial = Gaussian(mean: mean, covariance: .zeros(2 * d, 2 * d))
        modeBlocks = modeCovariances
    }

    /// A square root of the start's covariance: dense, or one lower-triangular 2×2 factor per mode.
    private func startFactor() -> (dense: [Double]?, blocks: [[Double]]?) {
        guard let blocks = modeBlocks else { return (ModelNoiseGradient.squareRoot(initial.covariance), nil) }
        return (nil, blocks.map { c in
            let l00 = max(c[0], 0).squareRoot()
            let l10 = l00 > 0 ? c[2] / l00 : 0
            return [l00, l10, max(c[3] - l10 * l10, 0).squareRoot()]
        })
    }

    /// Per-worker sums, merged after the run.
    private struct Accumulator {
        var records: [[Double]]        // per record: Σx (n), then Σxxᵀ (n×n) or Σx² (n)
        var displacement: [[Double]]   // per group, per record: Σ‖θ − θ_origin‖²
        var groupSums: [[Double]]      // per group: Σx (n), then Σxxᵀ (n²) or Σx² (n)
        var groupCounts: [Double]
        var groupChains: [Double]
        var histogram: [Double]
        var outside: Double
        var trajectories: [Int: [Double]]
    }

    public func run(_ settings: SGDSettings, histogram grid: PhaseSpaceGrid? = nil, histogramOrigin: [Double]? = nil) -> SGDResult {
        let d = oracle.dimension, n = 2 * d
        let full = n <= 16
        let momentSize = full ? n + n * n : 2 * n
        let groups = max(1, min(settings.groups, settings.chains))
        let records = settings.recordSteps.sorted()
        let recordIndex = Dictionary(records.enumerated().map { ($0.element, $0.offset) }, uniquingKeysWith: { a, _ in a })
        let eta = hyperparameters.learningRate, beta = hyperparameters.momentum
        let (root, blockRoots) = startFactor()
        let workers = settings.workers
        let empty = Accumulator(
            records: records.map { _ in [Double](repeating: 0, count: momentSize) },
            displacement: (0..<groups).map { _ in [Double](repeating: 0, count: records.count) },
            groupSums: (0..<groups).map { _ in [Double](repeating: 0, count: momentSize) },
            groupCounts: [Double](repeating: 0, count: groups), groupChains: [Double](repeating: 0, count: groups),
            histogram: [Double](repeating: 0, count: grid?.pointCount ?? 0), outside: 0, trajectories: [:])
        let results = SharedResults(count: workers, initial: empty)
        let oracle = self.oracle, mean0 = initial.mean
        let shape = grid?.shape ?? [], strides = grid?.strides ?? []
        let lower = grid.map { g in g.axes.enumerated().map { (histogramOrigin?[$0.offset] ?? 0) - $0.element.halfWidth } } ?? []
        let spacing = grid?.axes.map(\.spacing) ?? []

        let clock = ContinuousClock(), began = clock.now
        Parallel.forEachRange(count: settings.chains, workers: workers) { worker, range in
            var acc = empty
            var theta = [Double](repeating: 0, count: d), b = [Double](repeating: 0, count: d)
            var g = [Double](repeating: 0, count: d), origin = [Double](repeating: 0, count: d)
            var x = [Double](repeating: 0, count: n), z = [Double](repeating: 0, count: n)
            var scratch = [Double](repeating: 0, count: max(d, 1))
            for chain in range {
                var rng = RandomSource(seed: settings.seed, stream: UInt64(chain))
                let group = chain % groups
                acc.groupChains[group] += 1
                for i in 0..<n { z[i] = rng.normal() }
                if let root {
                    for i in 0..<n {
                        var s = mean0[i]
                        for j in 0..<n { s += root[i * n + j] * z[j] }
                        x[i] = s
                    }
                } else if let blockRoots {
                    for i in 0..<d {
                        let l = blockRoots[i]
                        x[i] = mean0[i] + l[0] * z[i]
                        x[d + i] = mean0[d + i] + l[1] * z[i] + l[2] * z[d + i]
                    }
                }
                for i in 0..<d { theta[i] = x[i]; b[i] = -x[d + i] }
                origin = theta
                let keep = chain < settings.trajectories
                for k in 0...settings.steps {
                    if k > 0 {
                        theta.withUnsafeMutableBufferPointer { th in
                            g.withUnsafeMutableBufferPointer { gp in oracle.gradient(at: th, into: gp, rng: &rng, scratch: &scratch) }
                        }
                        for i in 0..<d {
                            b[i] = beta * b[i] + g[i]
                            theta[i] -= eta * b[i]
                        }
                    }
                    if k == settings.burnIn { origin = theta }
                    let sampled = k > settings.burnIn && (k - settings.burnIn) % settings.sampleEvery == 0
                    let record = recordIndex[k]
                    guard sampled || record != nil else { continue }
                    for i in 0..<d { x[i] = theta[i]; x[d + i] = -b[i] }
                    if let r = record {
                        for i in 0..<n {
                            acc.records[r][i] += x[i]
                            if full {
                                for j in 0..<n { acc.records[r][n + i * n + j] += x[i] * x[j] }
                            } else {
                                acc.records[r][n + i] += x[i] * x[i]
                            }
                        }
                        if k >= settings.burnIn {
                            var dist = 0.0
                            for i in 0..<d { dist += (theta[i] - origin[i]) * (theta[i] - origin[i]) }
                            acc.displacement[group][r] += dist
                        }
                        if keep { acc.trajectories[chain, default: []] += x }
                    }
                    if sampled {
                        acc.groupCounts[group] += 1
                        for i in 0..<n {
                            acc.groupSums[group][i] += x[i]
                            if full {
                                for j in 0..<n { acc.groupSums[group][n + i * n + j] += x[i] * x[j] }
                            } else {
                                acc.groupSums[group][n + i] += x[i] * x[i]
                            }
                        }
                        if grid != nil {
                            var index = 0, inside = true
                            for a in 0..<n {
                                // A diverged or far chain counts as outside (and a NaN one too), never as a trap.
                                let cell = Int(clamping: (x[a] - lower[a]) / spacing[a], to: -1...shape[a])
                                if cell < 0 || cell >= shape[a] { inside = false; break }
                                index += cell * strides[a]
                            }
                            if inside { acc.histogram[index] += 1 } else { acc.outside += 1 }
                        }
                    }
                }
            }
            results.store(acc, at: worker)
        }
        let wall = clock.now - began
        return summarize(results.all, settings: settings, records: records, groups: groups, full: full, grid: grid,
                         wallTime: Double(wall.components.seconds) + Double(wall.components.attoseconds) * 1e-18)
    }

    private func summarize(_ parts: [Accumulator], settings: SGDSettings, records: [Int], groups: Int, full: Bool,
                           grid: PhaseSpaceGrid?, wallTime: Double) -> SGDResult {
        let d = oracle.dimension, n = 2 * d
        var merged = parts[0]
        for p in parts.dropFirst() {
            for r in 0..<records.count { for i in 0..<merged.records[r].count { merged.records[r][i] += p.records[r][i] } }
            for gi in 0..<groups {
                for r in 0..<records.count { merged.displacement[gi][r] += p.displacement[gi][r] }
                for i in 0..<merged.groupSums[gi].count { merged.groupSums[gi][i] += p.groupSums[gi][i] }
                merged.groupCounts[gi] += p.groupCounts[gi]
                merged.groupChains[gi] += p.groupChains[gi]
            }
            for i in 0..<merged.histogram.count { merged.histogram[i] += p.histogram[i] }
            merged.outside += p.outside
            merged.trajectories.merge(p.trajectories) { a, _ in a }
        }
        let chains = Double(settings.chains)
        var means: [[Double]] = [], covariances: [[Double]] = []
        for r in 0..<records.count {
            let m = (0..<n).map { merged.records[r][$0] / chains }
            means.append(m)
            covariances.append(full ? (0..<(n * n)).map { merged.records[r][n + $0] / chains - m[$0 / n] * m[$0 % n] }
                                    : (0..<n).map { merged.records[r][n + $0] / chains - m[$0] * m[$0] })
        }
        // Group estimates → value and standard error of their mean.
        func estimate(_ values: [Double]) -> Estimate {
            let g = Double(values.count)
            let mean = values.reduce(0, +) / g
            let variance = values.count > 1 ? values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (g - 1) : 0
            return Estimate(value: mean, standardError: (variance / g).squareRoot())
        }
        let used = (0..<groups).filter { merged.groupChains[$0] > 0 }
        let displacements = (0..<records.count).map { r in
            records[r] < settings.burnIn ? Estimate(value: 0, standardError: 0)
                : estimate(used.map { merged.displacement[$0][r] / merged.groupChains[$0] })
        }
        let sampled = used.filter { merged.groupCounts[$0] > 0 }
        var stationaryMean: [Estimate] = [], stationaryCovariance: [Estimate] = []
        if !sampled.isEmpty {
            let groupMeans = sampled.map { gi in (0..<n).map { merged.groupSums[gi][$0] / merged.groupCounts[gi] } }
            stationaryMean = (0..<n).map { i in estimate(groupMeans.map { $0[i] }) }
            let entries = full ? n * n : n
            stationaryCovariance = (0..<entries).map { e in
                estimate(sampled.enumerated().map { index, gi in
                    let (i, j) = full ? (e / n, e % n) : (e, e)
                    return merged.groupSums[gi][n + e] / merged.groupCounts[gi] - groupMeans[index][i] * groupMeans[index][j]
                })
            }
        }
        var histogram: [Double]?
        let samples = merged.groupCounts.reduce(0, +)
        if let grid, samples > 0 {
            histogram = merged.histogram.map { $0 / (samples * grid.cellVolume) }
        }
        return SGDResult(
            recordSteps: records, times: records.map { hyperparameters.learningRate * Double($0) }, means: means,
            covariances: covariances, displacements: displacements, stationaryMean: stationaryMean,
            stationaryCovariance: stationaryCovariance, histogram: histogram,
            fractionOutside: samples > 0 ? merged.outside / samples : 0,
            trajectories: (0..<min(settings.trajectories, settings.chains)).map { merged.trajectories[$0] ?? [] },
            chains: settings.chains, totalSteps: settings.chains * settings.steps, wallTime: wallTime)
    }
}

/// Per-worker results written from concurrent closures, one slot per worker: each worker writes only
/// its own slot, through a raw pointer, so no two threads touch the same memory.
private final class SharedResults<T>: @unchecked Sendable {
    private let slots: UnsafeMutablePointer<T>
    private let count: Int
    init(count: Int, initial: T) {
        self.count = count
        slots = .allocate(capacity: count)
        slots.initialize(repeating: initial, count: count)
    }
    deinit {
        slots.deinitialize(count: count)
        slots.deallocate()
    }
    func store(_ value: T, at index: Int) { slots[index] = value }
    var all: [T] { Array(UnsafeBufferPointer(start: slots, count: count)) }
}
