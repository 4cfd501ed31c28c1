import ArgumentParser
import FokkerPlanck
import Foundation
import Studies

/// Release-build benchmark: every case with every applicable scheme, in one process, with costs in units
/// of one forward+inverse FFT of the same grid measured in the same run, so the figures compare across
/// machines.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time every scheme on the benchmark cases against a raw FFT pair of the same grid (build with -c release).",
        discussion: """
            One row per (case, grid, scheme), medians over --repeats runs: the simulated interval t, output frames, steps, solver wall time \
            (stepping only: frame moments and error checks excluded), that time per output frame in FFT-pair equivalents (one forward+inverse \
            real FFT of the whole grid, timed in the same run), the largest relative L¹ error against the exact density over the frames (or, with \
            state-dependent noise, the largest relative error of the second moments against their exact values), the speed-up per unit of \
            simulated time over lawson-dp54 on the same case, and the case's peak resident memory above the process's baseline beside the memory \
            check's prediction. lawson-dp54's steps are held by the transport stability limit, so its cost per unit time is constant: on the 4-D \
            cases it is timed over a short window (the t column) and compared per unit time; the other schemes are run over that window as well, \
            for the errors at equal times. Cases: \(BenchCase.all.map(\.name).joined(separator: ", ")).
            """)

    @Option(help: "Runs per (case, scheme); the median is reported.") var repeats = 3
    @Option(help: "Cases to run (comma-separated), or 'all'.") var cases = BenchCase.defaults.joined(separator: ",")
    @Option(help: "Schemes to run where they apply (comma-separated; default: each case's own list).") var schemes: String?
    @Option(help: "Relative error tolerance per step of adaptive schemes (default: each case's own, set to meet its accuracy target).") var tolerance: Double?
    @Option(help: "FFTW threads.") var threads = 1
    @Option(help: ArgumentHelp("Write each selected case as a run file for `sgdfp solve` into this directory, and run nothing.", valueName: "directory"))
    var export: String?
    @Option(help: ArgumentHelp("Instead of the time schemes, time the direct stationary solve against time marching to the same residual on these cases (\(StationaryBenchmark.cases.map(\.name).joined(separator: ", ")), or all).", valueName: "cases"))
    var stationary: String?
    @Flag(help: "Instead of the time schemes, time simulated SGD: steps per second for 1, 10 and 1000 chains on d = 2 and d = 200.")
    var sgd = false
    @Flag(help: "Instead of the time schemes, run P3 and P4 from x₀ = (2, 1, 0, 0), covariance 0.05²I, to t = 10 and t = 40 with the exact propagator in the adapted frame (32⁴) and the fixed frame (32⁴, 48⁴, box for the whole run), with the points the fixed frame needs.")
    var frames = false

    func validate() throws {
        guard repeats >= 1 else { throw ValidationError("--repeats must be at least 1.") }
        for name in (schemes ?? "").split(separator: ",") where !TimeSteppers.names.contains(String(name)) { throw ValidationError("Unknown scheme '\(name)'; choose from \(TimeSteppers.names.joined(separator: ", ")).") }
        for name in (stationary ?? "").split(separator: ",") where name != "all" && !StationaryBenchmark.cases.contains(where: { $0.name == name }) { throw ValidationError("Unknown stationary case '\(name)'; choose from \(StationaryBenchmark.cases.map(\.name).joined(separator: ", ")) or all.") }
        for name in selectedCases where BenchCase.named(name) == nil { throw ValidationError("Unknown case '\(name)'; choose from \(BenchCase.all.map(\.name).joined(separator: ", ")).") }
    }

    var selectedCases: [String] { cases == "all" ? BenchCase.all.map(\.name) : cases.split(separator: ",").map(String.init) }

    func run() throws {
        if sgd { return print(Describe.sgdBench(SGDBenchmark(repeats: repeats).run())) }
        var table = ConsoleTable("case", "frame", "grid", "t", "frames", "wall [s]", "L1 error", "peak [MiB]", "start needs")
        if frames {
            return try FrameBenchmark().run { r in
                table.add(r.caseName, r.frame, r.grid, fmt(r.stop, 3), "\(r.frames)", fmt(r.solverSeconds, 3), fmt(r.error, 2), r.peakBytes.map { fmt($0 / 1_048_576, 4) } ?? "–", r.neededPoints.map { "\($0)⁴" } ?? "–")
                printNewRows(table, count: 1)
            }
        }
        if let stationary { return try stationaryBench(stationary.split(separator: ",").map(String.init)) }
        if let export { return try BenchCase.export(selectedCases, to: export).forEach { print("wrote \($0)") } }
        var bench = SchemeBenchmark()
        (bench.repeats, bench.schemes, bench.tolerance, bench.threads) = (repeats, schemes?.split(separator: ",").map(String.init), tolerance, threads)
        table = ConsoleTable("case", "grid", "scheme", "t", "frames", "steps", "wall [s]", "FFT pairs/frame", "L1 / moment err", "speed-up", "peak [MiB]", "predicted [MiB]")
        let mib = 1024.0 * 1024
        try bench.run(selectedCases.map { BenchCase.named($0)! }) { rows in
            for r in rows {
                table.add(r.caseName, r.grid, r.scheme, fmt(r.stop, 3), "\(r.frames)", "\(r.steps)", fmt(r.solverSeconds, 3), fmt(r.fftPairsPerFrame, 3),
                          fmt(r.error, 2), r.speedUp.map { fmt($0, 3) } ?? "–", r.peakBytes.map { fmt($0 / mib, 4) } ?? "–", fmt(r.predictedBytes / mib, 4))
            }
            printNewRows(table, count: rows.count)
        }
    }

    private func stationaryBench(_ names: [String]) throws {
        var table = ConsoleTable("case", "grid", "target", "direct [s]", "applications", "residual", "t*", "exact march [s]",
                                 "dp54 [s] (window)", "dp54 to t* [s]", "vs exact march", "vs dp54")
        try StationaryBenchmark().run(names: names) { r in
            table.add(r.caseName, r.grid, fmt(r.target, 2), fmt(r.directSeconds, 3), "\(r.applications)", fmt(r.residual, 2),
                      r.marchReached ? fmt(r.marchTime, 3) : "> \(fmt(r.marchTime, 3)) (floor \(fmt(r.marchResidual, 2)))", fmt(r.marchSeconds, 3),
                      "\(fmt(r.dp54Seconds, 3)) (\(fmt(r.dp54Window)))", fmt(r.dp54ToMarchTime, 3),
                      String(format: "%.1f×", r.marchSeconds / r.directSeconds), String(format: "%.0f×", r.dp54ToMarchTime / r.directSeconds))
            printNewRows(table, count: 1)
        }
    }

    /// The header once, then each row as it comes.
    private func printNewRows(_ table: ConsoleTable, count: Int) {
        let lines = table.render().split(separator: "\n", omittingEmptySubsequences: false)
        for line in lines[(table.rows.count == count ? 0 : lines.count - count)...] { print(line) }
        fflush(nil)
    }
}

extension Describe {
    static func sgdBench(_ rows: [SGDBenchmark.Row]) -> String {
        var table = ConsoleTable("d", "chains", "steps/chain", "steps/s (median)", "ns per coordinate-step", "vs 1 chain")
        for r in rows {
            table.add("\(r.dimension)", "\(r.chains)", "\(r.stepsPerChain)", fmt(r.stepsPerSecond, 3),
                      String(format: "%.1f", 1e9 / (r.stepsPerSecond * Double(r.dimension))), String(format: "%.2f×", r.speedUpOverOneChain))
        }
        return table.render()
    }
}
