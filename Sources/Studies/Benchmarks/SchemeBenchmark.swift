import Foundation
import FokkerPlanck
import LangevinModel
import RunConfiguration
import Spectral

/// One benchmark problem on one grid.
public struct BenchCase: Sendable {
    public let name: String
    let problem: String
    let points: Int
    let stop: Double
    let every: Double
    /// Interval over which lawson-dp54 is timed (its cost per unit time is constant).
    let coreStop: Double
    var schemes = ["exact", "lawson-dp54"]
    /// Tolerance of each adaptive scheme: the loosest that meets the case's accuracy target.
    var tolerances = ["lawson-dp54": 1e-10]

    func tolerance(_ scheme: String) -> Double { tolerances[scheme] ?? 1e-10 }

    public static let all: [BenchCase] = [
        BenchCase(name: "kramers-64", problem: RunFiles.kramers, points: 64, stop: 40, every: 1, coreStop: 40),
        BenchCase(name: "kramers-128", problem: RunFiles.kramers, points: 128, stop: 40, every: 1, coreStop: 40),
        BenchCase(name: "kramers-256", problem: RunFiles.kramers, points: 256, stop: 40, every: 1, coreStop: 40),
        BenchCase(name: "p1-256", problem: RunFiles.p1, points: 256, stop: 5, every: 0.5, coreStop: 5),
        BenchCase(name: "p3-32", problem: RunFiles.p3, points: 32, stop: 5, every: 0.5, coreStop: 0.5),
        BenchCase(name: "p4-32", problem: RunFiles.p4, points: 32, stop: 5, every: 0.5, coreStop: 0.5),
        BenchCase(name: "p3-48", problem: RunFiles.p3, points: 48, stop: 5, every: 0.5, coreStop: 0.1),
        BenchCase(name: "p4-48", problem: RunFiles.p4, points: 48, stop: 5, every: 0.5, coreStop: 0.1),
        // Target: stationary second moments within 1e-6 of physics.md §9.10.
        BenchCase(name: "m1-256", problem: RunFiles.m1, points: 256, stop: 40, every: 1, coreStop: 40,
                  schemes: ["exact-strang", "lawson-dp54"], tolerances: ["exact-strang": 1e-5, "lawson-dp54": 1e-8]),
        BenchCase(name: "p3-64", problem: RunFiles.p3, points: 64, stop: 0.5, every: 0.5, coreStop: 0.01,
                  schemes: ["exact"]),
    ]

    public static let defaults = all.map(\.name).filter { $0 != "p3-64" }

    public static func named(_ name: String) -> BenchCase? { all.first { $0.name == name } }

    func configuration(stop: Double, scheme: String) throws -> RunConfiguration {
        var c = try RunConfiguration.parse(toml: problem, source: name)
        try c.apply(override: "grid.points", value: "\(points)")
        try c.apply(override: "time.stop", value: "\(stop)")
        try c.apply(override: "time.output_every", value: "\(min(every, stop))")
        try c.apply(override: "time.scheme", value: scheme)
        // The schemes are compared on the one grid they share.
        c.grid.frame = .fixed
        return c
    }

    /// The case as a run file for `sgdfp solve`: its run file with the case's grid and times.
    public func runFile() throws -> String { try configuration(stop: stop, scheme: "exact").renderTOML() }

    /// Writes the cases `names` as run files `<name>.toml` into `directory` (made if missing); returns their paths.
    public static func export(_ names: [String], to directory: String) throws -> [String] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return try names.map { name in
            let path = (directory as NSString).appendingPathComponent("\(name).toml")
            guard let bench = named(name) else { throw StudyError("Unknown bench case '\(name)'; choose from \(all.map(\.name).joined(separator: ", ")).") }
            try bench.runFile().write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
    }
}

/// Times every scheme on a case in one process, with costs in units of one forward+inverse FFT of the same
/// grid measured in the same run, so the figures compare across machines.
public struct SchemeBenchmark {
    public struct Row: Sendable {
        public var caseName: String
        public var grid: String
        public var scheme: String
        /// The simulated interval, output frames and steps.
        public var stop: Double
        public var frames: Int
        public var steps: Int
        /// Median solver time (stepping only) over the repeats, in seconds.
        public var solverSeconds: Double
        public var fftPairsPerFrame: Double
        /// Largest relative L¹ error over the frames, or the second moments' at the last frame without an exact density.
        public var error: Double
        /// Per unit simulated time over lawson-dp54 on the same case.
        public var speedUp: Double?
        public var peakBytes: Double?
        public var predictedBytes: Double
    }

    public var repeats = 3
    /// Schemes to run where they apply; nil: each case's own list.
    public var schemes: [String]?
    /// Tolerance of adaptive schemes; nil: each case's own.
    public var tolerance: Double?
    public var threads = 1

    public init() {}

    /// Runs the cases in order and hands over each case's rows as they come.
    public func run(_ cases: [BenchCase], onRows: ([Row]) -> Void) throws {
        // Large fields straight from and back to the system, so each case's peak is its own.
        MemoryUsage.returnLargeBlocksToTheSystem()
        FFTWRuntime.setThreads(threads)
        FFTWRuntime.importWisdom(from: FFTWRuntime.defaultWisdomPath)
        defer { FFTWRuntime.exportWisdom(to: FFTWRuntime.defaultWisdomPath) }
        for bench in cases { onRows(try measure(bench)) }
    }

    private struct Measured {
        var wall: Double
        var steps: Int
        var frames: Int
        var error: Double
        var stop: Double
    }

    private func measure(_ bench: BenchCase) throws -> [Row] {
        let entries = try (schemes ?? bench.schemes).map { try TimeSteppers.entry($0) }
        var results: [(entry: TimeSteppers.Entry, m: Measured, peak: Double?, predicted: Double)] = []
        var pairTimes: [Double] = []
        var gridLabel = ""
        // lawson-dp54 over its window; the others over the whole interval and, for comparison at equal
        // times, over lawson-dp54's window too.
        var runsToDo: [(TimeSteppers.Entry, Double)] = []
        for entry in entries {
            runsToDo.append((entry, entry.name == "lawson-dp54" ? bench.coreStop : bench.stop))
            if entry.name != "lawson-dp54" && bench.coreStop < bench.stop { runsToDo.append((entry, bench.coreStop)) }
        }
        for (entry, stop) in runsToDo {
            let setup = try RunSetup.build(try bench.configuration(stop: stop, scheme: entry.name).validated())
            if entry.unavailability(for: setup.dynamics) != nil { continue }
            let grid = setup.grid
            gridLabel = grid.shape.map(String.init).joined(separator: "×")
            MemoryUsage.resetPeak()
            let baseline = MemoryUsage.resident()?.current
            let fft = FullTransform(grid: grid, effort: .measure)
            guard case .mixture = setup.start, let exact = setup.exact else { continue }
            let initial = try setup.initialDensity()
            var runs: [Measured] = []
            for _ in 0..<repeats {
                let stepper = try TimeSteppers.make(entry.name, dynamics: setup.dynamics, grid: grid, substepNorm: setup.substepNorm)
                var settings = setup.simulationSettings
                settings.tolerance = tolerance ?? bench.tolerance(entry.name)
                let comparison = ExactComparison(exact, grid: grid, origin: setup.dynamics.stationaryPoint)
                let summary = try Simulation(stepper: stepper, initialDensity: initial).run(settings, observers: [comparison])
                let error = comparison.worstL1Error ?? comparison.records.last?.covarianceError ?? .nan
                runs.append(Measured(wall: summary.solverTime, steps: summary.steps, frames: comparison.records.count - 1, error: error, stop: stop))
                pairTimes.append(Self.secondsPerCall(atLeast: 0.3) { fft.executePair() })
            }
            let median = runs.sorted { $0.wall < $1.wall }[runs.count / 2]
            let peak = MemoryUsage.resident().flatMap { r in baseline.map { r.peak - $0 } }
            // The memory check's figure for the run, plus the reference FFT pair's two fields.
            let fftBytes = Double(grid.pointCount) * 8 + Double(GaussianConvolution.spectralCount(grid)) * 16
            results.append((entry, median, peak, entry.memoryEstimate(grid: grid, dynamics: setup.dynamics) + fftBytes))
        }
        let pair = Self.median(pairTimes)
        let corePerTime = results.first { $0.entry.name == "lawson-dp54" }.map { $0.m.wall / $0.m.stop }
        return results.map { r in
            Row(caseName: bench.name, grid: gridLabel, scheme: r.entry.name, stop: r.m.stop, frames: r.m.frames, steps: r.m.steps,
                solverSeconds: r.m.wall, fftPairsPerFrame: r.m.wall / Double(max(r.m.frames, 1)) / pair, error: r.m.error,
                speedUp: corePerTime.map { $0 / (r.m.wall / r.m.stop) }, peakBytes: r.peak, predictedBytes: r.predicted)
        }
    }

    /// Seconds per call of `body`, repeated until at least `seconds` have passed.
    static func secondsPerCall(atLeast seconds: Double, _ body: () -> Void) -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        var calls = 0, elapsed = 0.0
        repeat {
            body()
            calls += 1
            elapsed = (clock.now - start).seconds
        } while elapsed < seconds
        return elapsed / Double(calls)
    }

    static func median(_ xs: [Double]) -> Double {
        let s = xs.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : 0.5 * (s[s.count / 2 - 1] + s[s.count / 2])
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
