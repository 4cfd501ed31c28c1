import ArgumentParser
import Foundation
import PhaseSpaceIO
import Studies

@main
struct SGDFP: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sgdfp",
        abstract: "Phase-space Fokker–Planck solver for SGD with momentum on quadratic losses.",
        discussion: """
            sgdfp evolves the density p(θ, v, t) of the underdamped Langevin model of heavy-ball SGD \
            (continuous time t = learning_rate × step) on a spectral grid and writes netCDF-4-compatible HDF5.
            With no run file, every command runs the built-in example (one parameter, η = 0.1, β = 0.9, S = 1).
            """,
        version: SGDFPVersion.number,
        subcommands: [SolveCommand.self, StationaryCommand.self, AnalyzeCommand.self, ValidateCommand.self, SimulateCommand.self,
                      DiffusionCommand.self, ModifiedFlowCommand.self, InspectCommand.self, BenchCommand.self])

    /// Parses and runs, with every failure, the command line's own included, as one `sgdfp: error:` line and
    /// exit status 1 (`--help` and `--version` exit 0 as usual; validate's verdict statuses pass through).
    static func main() {
        ProcessSignals.endOnSignals()
        func fail(_ message: String) -> Never {
            writeError("sgdfp: error: \(oneLine(message))")
            Foundation.exit(1)
        }
        var command: any ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            if exitCode(for: error) == .success { exit(withError: error) }
            let text = message(for: error), a = CommandLine.arguments, i = a.indices.dropFirst(2).first { Double(a[$0]) != nil && a[$0].hasPrefix("-") && a[$0 - 1].hasPrefix("--") }
            let hint = i.map { " (a negative value follows an equals sign: \(a[$0 - 1])=\(a[$0]))" } ?? ""
            fail((text.hasSuffix(".") ? String(text.dropLast()) : text) + hint + "; see 'sgdfp help' for the options.")
        }
        do {
            try command.run()
        } catch {
            // --help and --version arrive as errors too, and validate's verdict statuses as exit codes.
            if error is ExitCode || exitCode(for: error) == .success { exit(withError: error) }
            fail("\(error)")
        }
    }
}

/// A message on one line: line breaks, from the parser or from a value the user typed, shown escaped.
func oneLine(_ text: String) -> String {
    text.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "\r", with: "\\r").replacingOccurrences(of: "\n", with: "\\n")
}
