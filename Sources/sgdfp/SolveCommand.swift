import ArgumentParser
import Foundation
import FokkerPlanck
import LangevinModel
import RunConfiguration
import Spectral

struct SolveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "solve",
        abstract: "Evolve the phase-space density from an initial law and write every frame to HDF5.",
        discussion: """
            The run file (TOML or JSON) has the sections [sgd], [loss], [noise], [initial], [grid], [time] and \
            [output]; every key has a default, and the defaults are the built-in example. Flags override single \
            keys; --set SECTION.KEY=VALUE overrides any key. Times are in continuous time t = learning_rate × step. \
            See the README for every key, its units and its default.
            """)

    @Argument(help: "Run file (.toml or .json). Without one, the built-in example runs.")
    var runFile: String?

    @Option(name: .shortAndLong, help: "Output HDF5 file (default: [output] path, sgdfp-example.h5).")
    var output: String?

    @Flag(help: "Replace the output file if it already exists.")
    var overwrite = false

    @OptionGroup var sidecar: SidecarOption

    @Option(name: .customLong("set"), help: ArgumentHelp("Override one run-file key (repeatable).", valueName: "section.key=value"))
    var overrides: [String] = []

    @Option(help: "Learning rate η, > 0 ([sgd] learning_rate; default 0.1).") var learningRate: Double?
    @Option(help: "Momentum β in [0, 1) ([sgd] momentum; default 0.9).") var momentum: Double?
    @Option(help: "Batch size S ≥ 1 ([sgd] batch_size; default 1).") var batchSize: Int?
    @Option(help: "Weight decay λ ≥ 0 ([sgd] weight_decay; default 0).") var weightDecay: Double?
    @Option(help: "Noise model: hessian, matrix, isotropic or loss-hessian ([noise] model; default hessian).") var noise: String?
    @Option(help: "Grid points per axis, even ([grid] points; default 128).") var points: Int?
    @Option(help: "Stop time, in units of t = η·step ([time] stop; default 10).") var stop: Double?
    @Option(help: "Output interval, in units of t ([time] output_every; default 0.5).") var outputEvery: Double?
    @Option(help: "Relative L² error per step of adaptive schemes ([time] tolerance; default 1e-8).") var tolerance: Double?
    @Option(help: "Time scheme: \(TimeSteppers.choices.joined(separator: ", ")) ([time] scheme; default auto: exact for constant noise, exact-strang for loss-hessian).") var scheme: String?
    @Option(help: "Fixed step, in units of t, for fixed-step schemes ([time] step; no default).") var step: Double?
    @Option(help: "FFTW threads ([grid] threads; default 1).") var threads: Int?
    @Option(help: "FFTW planning effort: estimate, measure or patient; plans are cached as wisdom.")
    var planning: String = "measure"
    @Flag(name: .shortAndLong, help: "Print only warnings and errors.") var quiet = false

    func run() throws {
        do {
            try execute()
        } catch let error as ExitCode {
            throw error
        } catch {
            writeError("sgdfp: error: \(error)")
            throw ExitCode(1)
        }
    }

    private func loadConfiguration() throws -> RunConfiguration {
        var config = try runFile.map { try RunConfiguration.load(path: $0) } ?? .builtInExample
        var pairs: [(String, String)] = []
        if let x = learningRate { pairs.append(("sgd.learning_rate", "\(x)")) }
        if let x = momentum { pairs.append(("sgd.momentum", "\(x)")) }
        if let x = batchSize { pairs.append(("sgd.batch_size", "\(x)")) }
        if let x = weightDecay { pairs.append(("sgd.weight_decay", "\(x)")) }
        if let x = noise { pairs.append(("noise.model", x)) }
        if let x = points { pairs.append(("grid.points", "\(x)")) }
        if let x = stop { pairs.append(("time.stop", "\(x)")) }
        if let x = outputEvery { pairs.append(("time.output_every", "\(x)")) }
        if let x = tolerance { pairs.append(("time.tolerance", "\(x)")) }
        if let x = scheme { pairs.append(("time.scheme", x)) }
        if let x = step { pairs.append(("time.step", "\(x)")) }
        if let x = threads { pairs.append(("grid.threads", "\(x)")) }
        if let x = output { pairs.append(("output.path", x)) }
        for item in overrides {
            guard let eq = item.firstIndex(of: "=") else {
                throw SetupError("--set needs SECTION.KEY=VALUE, as in --set sgd.learning_rate=0.05 (got '\(item)').")
            }
            pairs.append((String(item[..<eq]), String(item[item.index(after: eq)...])))
        }
        for (key, value) in pairs { try config.apply(override: key, value: value) }
        return try config.validated()
    }

    private func execute() throws {
        guard let effort = PlanningEffort(rawValue: planning) else {
            throw SetupError("--planning must be estimate, measure or patient (got '\(planning)').")
        }
        let config = try loadConfiguration()
        guard TimeSteppers.choices.contains(config.time.scheme) else {
            throw SimulationError.unknownScheme(config.time.scheme, known: TimeSteppers.choices)
        }
        let setup = try RunSetup.build(config)
        try sidecar.check(output: config.output.path, overwrite: overwrite)
        if !quiet {
            print(Describe.model(setup.sde))
            print("")
            print(Describe.grid(setup.grid, stationaryPoint: setup.dynamics.stationaryPoint))
            print("")
        }
        for w in setup.warnings { writeError("sgdfp: warning: \(w)") }
        let runner = SolveRunner(
            setup: setup, outputPath: config.output.path, overwrite: overwrite,
            commandLine: CommandLine.arguments.joined(separator: " "), effort: effort,
            progress: quiet ? nil : TerminalProgress())
        let report = try runner.run()
        if !quiet {
            print(Describe.summary(report, setup: setup))
            print("\nwrote \(config.output.path)")
        }
        sidecar.write(output: config.output.path, quiet: quiet)
    }
}
