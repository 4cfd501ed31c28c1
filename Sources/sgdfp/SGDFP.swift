import ArgumentParser
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
}
