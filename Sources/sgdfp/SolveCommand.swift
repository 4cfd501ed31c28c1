import ArgumentParser
import FokkerPlanck
import Studies

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

    @OptionGroup var runFile: RunFileOptions
    @Option(name: .shortAndLong, help: "Output HDF5 file (default: [output] path, sgdfp-example.h5).") var output: String?
    @Flag(help: "Replace the output file if it already exists.") var overwrite = false
    @Flag(help: "Continue the partial file that a killed run of this output left, from its last complete frame.") var resume = false
    @OptionGroup var sidecar: SidecarOption
    @Option(help: "Learning rate η, > 0 ([sgd] learning_rate; default 0.1).") var learningRate: Double?
    @Option(help: "Momentum β in [0, 1) ([sgd] momentum; default 0.9).") var momentum: Double?
    @Option(help: "Batch size S ≥ 1 ([sgd] batch_size; default 1).") var batchSize: Int?
    @Option(help: "Weight decay λ ≥ 0 ([sgd] weight_decay; default 0).") var weightDecay: Double?
    @Option(help: "Noise model: hessian, matrix, isotropic or loss-hessian ([noise] model; default hessian).") var noise: String?
    @Option(help: "Stop time, in units of t = η·step ([time] stop; default 10).") var stop: Double?
    @Option(help: "Output interval, in units of t ([time] output_every; default 0.5).") var outputEvery: Double?
    @Option(help: "Relative L² error per step of adaptive schemes ([time] tolerance; default 1e-8).") var tolerance: Double?
    @Option(help: "Time scheme: \(TimeSteppers.choices.joined(separator: ", ")) ([time] scheme; default auto: exact for constant noise, exact-strang for loss-hessian).") var scheme: String?
    @Option(help: "Fixed step, in units of t, for fixed-step schemes ([time] step; no default).") var step: Double?
    @Option(help: "FFTW threads ([grid] threads; default 1).") var threads: Int?

    /// The flags as run-file keys.
    var keyed: [(String, String)] {
        let values: [(String, Any?)] = [
            ("sgd.learning_rate", learningRate), ("sgd.momentum", momentum), ("sgd.batch_size", batchSize), ("sgd.weight_decay", weightDecay),
            ("noise.model", noise), ("time.stop", stop), ("time.output_every", outputEvery), ("time.tolerance", tolerance),
            ("time.scheme", scheme), ("time.step", step), ("grid.threads", threads), ("output.path", output),
        ]
        return values.compactMap { key, value in value.map { (key, "\($0)") } }
    }

    func run() throws {
        let effort = try runFile.effort()
        let config = try runFile.configuration(keyed)
        guard TimeSteppers.choices.contains(config.time.scheme) else {
            throw SimulationError.unknownScheme(config.time.scheme, known: TimeSteppers.choices)
        }
        let setup = try RunSetup.build(config)
        try runFile.checkOutput(config.output.path, configuration: config, sidecar: sidecar, resuming: resume)
        let partial = resume ? try SolveStudy.partialToResume(of: config.output.path, configuration: config) : nil
        try sidecar.check(output: config.output.path, overwrite: overwrite)
        if !runFile.quiet {
            print(Describe.model(setup.sde) + "\n")
            print(Describe.grid(setup.grid, stationaryPoint: setup.dynamics.stationaryPoint, frame: setup.adaptedFrame?.reason, full: setup.writeFullDensity) + "\n")
        }
        for w in setup.warnings { writeError("sgdfp: warning: \(w)") }
        let report = try SolveStudy(setup: setup, outputPath: config.output.path, overwrite: overwrite, effort: effort, resuming: partial)
            .run(progress: TerminalProgress.handler(quiet: runFile.quiet))
        if !runFile.quiet {
            print(Describe.summary(report, setup: setup))
            print("\nwrote \(config.output.path)")
        }
        try sidecar.write(output: config.output.path, quiet: runFile.quiet)
    }
}
