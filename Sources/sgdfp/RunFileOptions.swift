import ArgumentParser
import Foundation
import PhaseSpaceIO
import RunConfiguration
import Spectral
import Studies

/// The run file and the options every command that reads one shares.
struct RunFileOptions: ParsableArguments {
    @Argument(help: "Run file (.toml or .json). Without one, the built-in example runs.")
    var runFile: String?

    @Option(name: .customLong("set"), help: ArgumentHelp("Override one run-file key (repeatable).", valueName: "section.key=value"))
    var overrides: [String] = []

    @Option(help: "Grid points per axis, even ([grid] points).") var points: Int?

    @Option(help: "FFTW planning effort: estimate, measure or patient; plans are cached as wisdom ([grid] wisdom).")
    var planning: String = "measure"

    @Flag(name: .shortAndLong, help: "Print only warnings and errors.") var quiet = false
    @Flag(help: "Remove the partial files that killed runs of the output left beside it.") var discardPartials = false

    /// The run file with `keyed` (flags of a command, as run-file keys), the points and every --set applied.
    func configuration(_ keyed: [(String, String)] = []) throws -> RunConfiguration {
        var config = try runFile.map { try RunConfiguration.load(path: $0) } ?? .builtInExample
        var pairs = keyed
        if let x = points { pairs.append(("grid.points", "\(x)")) }
        for item in overrides {
            guard let eq = item.firstIndex(of: "=") else {
                throw CommandError("--set needs SECTION.KEY=VALUE, as in --set sgd.learning_rate=0.05 (got '\(item)').")
            }
            pairs.append((String(item[..<eq]), String(item[item.index(after: eq)...])))
        }
        for (key, value) in pairs { try config.apply(override: key, value: value) }
        return try config.validated()
    }

    func effort() throws -> PlanningEffort {
        guard let effort = PlanningEffort(rawValue: planning) else {
            throw CommandError("--planning must be estimate, measure or patient (got '\(planning)').")
        }
        return effort
    }

    var runName: String { runFile ?? "built-in example" }

    /// Refuses an output path that is also the run file, the run's wisdom, its sidecar or its report, or that
    /// another process is writing; reports (or removes) what killed runs of it left.
    func checkOutput(_ output: String, configuration: RunConfiguration, sidecar: SidecarOption, report: String? = nil, resuming: Bool = false) throws {
        try OutputPaths.check(output, runFile: runFile, configuration: configuration,
                              sidecar: sidecar.disabled ? nil : XDMFSidecar.path(for: output), report: report)
        try reportLeftovers(of: output, resuming: resuming)
    }

    /// Refuses an output another process is writing; names (or removes) what killed runs of it left.
    func reportLeftovers(of output: String, resuming: Bool = false) throws {
        for path in try OutputFile.leftovers(of: output) where !resuming {
            if discardPartials { try FileManager.default.removeItem(atPath: path); continue }
            writeError("sgdfp: warning: \(path) was left by a killed run of this output; the same solve command with --resume continues it, --discard-partials removes it.")
        }
    }
}

/// A problem with the command line itself.
struct CommandError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}
