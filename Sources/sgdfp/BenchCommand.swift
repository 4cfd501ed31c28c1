import ArgumentParser
import Foundation
import FokkerPlanck
import LangevinModel
import RunConfiguration
import Spectral

/// Release-build benchmark: every case with every applicable scheme, in one process, with costs in units
/// of one forward+inverse FFT of the same grid measured in the same run, so the figures compare across
/// machines.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time every scheme on the benchmark cases against a raw FFT pair of the same grid (build with -c release).",
        discussion: """
            One row per (case, grid, scheme), medians over --repeats runs: the simulated interval t, output frames, \
            steps, solver wall time (stepping only: frame moments and error checks excluded), that time per output \
            frame in FFT-pair equivalents (one forward+inverse real FFT of the whole grid, timed in the same run), the \
            largest relative L¹ error against the exact density over the frames (or, with state-dependent noise, the \
            largest relative error of the second moments against their exact values), the speed-up per unit of \
            simulated time over lawson-dp54 on the same case, and the case's peak resident memory above the \
            process's baseline beside the memory check's prediction. lawson-dp54's steps are held by the transport \
            stability limit, so its cost per unit time is constant: on the 4-D cases it is timed over a short \
            window (the t column) and compared per unit time; the other schemes are run over that window as well, \
            for the errors at equal times.
            Cases: \(BenchCase.all.map(\.name).joined(separator: ", ")).
            """)

    @Option(help: "Runs per (case, scheme); the median is reported.") var repeats = 3
    @Option(help: "Cases to run (comma-separated), or 'all'.") var cases = BenchCase.defaults.joined(separator: ",")
    @Option(help: "Schemes to run where they apply (comma-separated; default: each case's own list).") var schemes: String?
    @Option(help: "Relative error tolerance per step of adaptive schemes (default: each case's own, set to meet its accuracy target).") var tolerance: Double?
    @Option(help: "FFTW threads.") var threads = 1
    @Option(help: ArgumentHelp("Write each selected case as a run file for `sgdfp solve` into this directory, and run nothing.", valueName: "directory"))
    var export: String?
    @Option(help: ArgumentHelp("Instead of the time schemes, time the direct stationary solve against time marching to the same residual on these cases (\(StationaryBench.cases.map(\.name).joined(separator: ", ")), or all).", valueName: "cases"))
    var stationary: String?
    @Flag(help: "Instead of the time schemes, time simulated SGD: steps per second for 1, 10 and 1000 chains on d = 2 and d = 200.")
    var sgd = false

    func validate() throws {
        guard repeats >= 1 else { throw ValidationError("--repeats must be at least 1.") }
        for name in (schemes ?? "").split(separator: ",") where !TimeSteppers.names.contains(String(name)) {
            throw ValidationError("Unknown scheme '\(name)'; choose from \(TimeSteppers.names.joined(separator: ", ")).")
        }
        for name in (stationary ?? "").split(separator: ",") where name != "all" && !StationaryBench.cases.contains(where: { $0.name == name }) {
            throw ValidationError("Unknown stationary case '\(name)'; choose from \(StationaryBench.cases.map(\.name).joined(separator: ", ")) or all.")
        }
        for name in selectedCases where BenchCase.named(name) == nil {
            throw ValidationError("Unknown case '\(name)'; choose from \(BenchCase.all.map(\.name).joined(separator: ", ")).")
        }
    }

    var selectedCases: [String] {
        cases == "all" ? BenchCase.all.map(\.name) : cases.split(separator: ",").map(String.init)
    }

    func run() throws {
        if sgd {
            SGDBench.run(repeats: repeats)
            return
        }
        if let stationary {
            FFTWRuntime.importWisdom(from: FFTWRuntime.defaultWisdomPath)
            defer { FFTWRuntime.exportWisdom(to: FFTWRuntime.defaultWisdomPath) }
            try StationaryBench.run(names: stationary.split(separator: ",").map(String.init))
            return
        }
        if let export {
            try FileManager.default.createDirectory(atPath: export, withIntermediateDirectories: true)
            for name in selectedCases {
                let config = try BenchCase.named(name)!.configuration(stop: BenchCase.named(name)!.stop, scheme: "exact")
                let path = (export as NSString).appendingPathComponent("\(name).toml")
                try config.renderTOML().write(toFile: path, atomically: true, encoding: .utf8)
                print("wrote \(path)")
            }
            return
        }
        // Large fields straight from and back to the system, so each case's peak is its own.
        MemoryUsage.returnLargeBlocksToTheSystem()
        FFTWRuntime.setThreads(threads)
        FFTWRuntime.importWisdom(from: FFTWRuntime.defaultWisdomPath)
        defer { FFTWRuntime.exportWisdom(to: FFTWRuntime.defaultWisdomPath) }
        var table = ConsoleTable("case", "grid", "scheme", "t", "frames", "steps", "wall [s]", "FFT pairs/frame",
                                 "L1 / moment err", "speed-up", "peak [MiB]", "predicted [MiB]")
        var printed = 0
        for name in selectedCases {
            let bench = BenchCase.named(name)!
            let rows = try measure(bench)
            for row in rows { table.add(row) }
            let lines = table.render().split(separator: "\n", omittingEmptySubsequences: false)
            // Header once, then rows as they come.
            let start = printed == 0 ? 0 : lines.count - rows.count
            for line in lines[start...] { print(line) }
            printed += rows.count
            fflush(nil)
        }
    }

    struct Measured {
        var wall: Double
        var steps: Int
        var frames: Int
        var error: Double
        var stop: Double
    }

    func measure(_ bench: BenchCase) throws -> [[String]] {
        let names = schemes.map { $0.split(separator: ",").map(String.init) } ?? bench.schemes
        let entries = try names.map { try TimeSteppers.entry($0) }
        var results: [(entry: TimeSteppers.Entry, m: Measured, peak: Double?, predicted: Double)] = []
        var pairTimes: [Double] = []
        var gridLabel = ""
        // lawson-dp54 over its window; the others over the whole interval and, for comparison at equal
        // times, over lawson-dp54's window too.
        var runsToDo: [(TimeSteppers.Entry, Double)] = []
        for entry in entries {
            if entry.name == "lawson-dp54" {
                runsToDo.append((entry, bench.coreStop))
            } else {
                runsToDo.append((entry, bench.stop))
                if bench.coreStop < bench.stop { runsToDo.append((entry, bench.coreStop)) }
            }
        }
        for (entry, stop) in runsToDo {
            var config = try bench.configuration(stop: stop, scheme: entry.name)
            config = try config.validated()
            let setup = try RunSetup.build(config)
            if entry.unavailability(for: setup.dynamics) != nil { continue }
            let grid = setup.grid
            gridLabel = grid.shape.map(String.init).joined(separator: "×")
            MemoryUsage.resetPeak()
            let baseline = MemoryUsage.resident()?.current
            let fft = FullTransform(grid: grid, effort: .measure)
            let initial = AlignedBuffer(count: grid.pointCount)
            let exactField = AlignedBuffer(count: grid.pointCount)
            guard case let .mixture(start) = setup.start else { continue }
            try start.sample(on: grid, origin: setup.dynamics.stationaryPoint, into: initial.buffer)
            var runs: [Measured] = []
            for _ in 0..<repeats {
                let stepper = try TimeSteppers.make(entry.name, dynamics: setup.dynamics, grid: grid, substepNorm: setup.substepNorm)
                let simulation = Simulation(stepper: stepper, initialDensity: initial)
                let settings = SimulationSettings(stopTime: config.time.stop, outputEvery: config.time.outputEvery,
                                                  tolerance: tolerance ?? bench.tolerance(entry.name),
                                                  boundaryTolerance: setup.boundaryTolerance)
                var worst = 0.0
                let summary = try simulation.run(settings) { frame in
                    guard frame.time > 0, let exact = setup.exact else { return }
                    if let mixture = exact.density(at: frame.time) {
                        try mixture.sample(on: grid, origin: setup.dynamics.stationaryPoint, into: exactField.buffer)
                        worst = max(worst, Quadrature.l1Distance(frame.density, UnsafeBufferPointer(exactField.buffer), on: grid))
                    } else {
                        let c = exact.moments(at: frame.time).covariance
                        let scale = c.map(abs).max() ?? 1
                        let err = zip(frame.moments.covariance, c).map { abs($0 - $1) }.max()! / scale
                        if frame.time == config.time.stop { worst = err }
                    }
                }
                let frames = Simulation.outputTimes(start: 0, stop: config.time.stop, every: config.time.outputEvery).count - 1
                runs.append(Measured(wall: summary.solverTime, steps: summary.steps, frames: frames, error: worst, stop: config.time.stop))
                pairTimes.append(Self.secondsPerCall(atLeast: 0.3) { fft.executePair() })
            }
            let median = runs.sorted { $0.wall < $1.wall }[runs.count / 2]
            let peak = MemoryUsage.resident().flatMap { r in baseline.map { r.peak - $0 } }
            // The memory check's figure for the run, plus the reference FFT pair's two fields.
            let fftBytes = Double(grid.pointCount) * 8 + Double(GaussianConvolution.spectralCount(grid)) * 16
            let predicted = entry.memoryEstimate(grid: grid, dynamics: setup.dynamics) + fftBytes
            results.append((entry, median, peak, predicted))
        }
        let pair = median(pairTimes)
        let corePerTime = results.first { $0.entry.name == "lawson-dp54" }.map { $0.m.wall / $0.m.stop }
        let mib = 1024.0 * 1024
        return results.map { r in
            let perFrame = r.m.wall / Double(max(r.m.frames, 1)) / pair
            let speedUp = corePerTime.map { fmt($0 / (r.m.wall / r.m.stop), 3) } ?? "–"
            return [bench.name, gridLabel, r.entry.name, fmt(r.m.stop, 3), "\(r.m.frames)", "\(r.m.steps)", fmt(r.m.wall, 3),
                    fmt(perFrame, 3), fmt(r.m.error, 2), speedUp, r.peak.map { fmt($0 / mib, 4) } ?? "–", fmt(r.predicted / mib, 4)]
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
            let d = clock.now - start
            elapsed = Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
        } while elapsed < seconds
        return elapsed / Double(calls)
    }

    func median(_ xs: [Double]) -> Double {
        let s = xs.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : 0.5 * (s[s.count / 2 - 1] + s[s.count / 2])
    }
}

/// One benchmark problem on one grid.
struct BenchCase {
    let name: String
    let problem: String
    let points: Int
    /// Fixed box half-widths, or nil for the automatic box.
    let box: [Double]?
    let stop: Double
    let every: Double
    /// Interval over which lawson-dp54 is timed (its cost per unit time is constant).
    let coreStop: Double
    var schemes = ["exact", "lawson-dp54"]
    /// Tolerance of each adaptive scheme: the loosest that meets the case's accuracy target.
    var tolerances = ["lawson-dp54": 1e-10]

    func tolerance(_ scheme: String) -> Double { tolerances[scheme] ?? 1e-10 }

    static let all: [BenchCase] = [
        BenchCase(name: "kramers-64", problem: BenchProblems.kramers, points: 64, box: [3, 3], stop: 40, every: 1, coreStop: 40),
        BenchCase(name: "kramers-128", problem: BenchProblems.kramers, points: 128, box: [3, 3], stop: 40, every: 1, coreStop: 40),
        BenchCase(name: "kramers-256", problem: BenchProblems.kramers, points: 256, box: [3, 3], stop: 40, every: 1, coreStop: 40),
        BenchCase(name: "p1-256", problem: BenchProblems.p1, points: 256, box: nil, stop: 5, every: 0.5, coreStop: 5),
        BenchCase(name: "p3-32", problem: BenchProblems.p3, points: 32, box: nil, stop: 5, every: 0.5, coreStop: 0.5),
        BenchCase(name: "p4-32", problem: BenchProblems.p4, points: 32, box: nil, stop: 5, every: 0.5, coreStop: 0.5),
        BenchCase(name: "p3-48", problem: BenchProblems.p3, points: 48, box: nil, stop: 5, every: 0.5, coreStop: 0.1),
        BenchCase(name: "p4-48", problem: BenchProblems.p4, points: 48, box: nil, stop: 5, every: 0.5, coreStop: 0.1),
        // Target: stationary second moments within 1e-6 of physics.md §9.10.
        BenchCase(name: "m1-256", problem: BenchProblems.m1, points: 256, box: nil, stop: 40, every: 1, coreStop: 40,
                  schemes: ["exact-strang", "lawson-dp54"], tolerances: ["exact-strang": 1e-5, "lawson-dp54": 1e-8]),
        BenchCase(name: "p3-64", problem: BenchProblems.p3, points: 64, box: nil, stop: 0.5, every: 0.5, coreStop: 0.01,
                  schemes: ["exact"]),
    ]

    static let defaults = all.map(\.name).filter { $0 != "p3-64" }

    static func named(_ name: String) -> BenchCase? { all.first { $0.name == name } }

    func configuration(stop: Double, scheme: String) throws -> RunConfiguration {
        var c = try RunConfiguration.parse(toml: problem, source: name)
        try c.apply(override: "grid.points", value: "\(points)")
        if let box { try c.apply(override: "grid.box", value: "[\(box.map { "\($0)" }.joined(separator: ", "))]") }
        try c.apply(override: "time.stop", value: "\(stop)")
        try c.apply(override: "time.output_every", value: "\(min(every, stop))")
        try c.apply(override: "time.scheme", value: scheme)
        return c
    }
}
