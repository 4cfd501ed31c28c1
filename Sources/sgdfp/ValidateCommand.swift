import ArgumentParser
import Studies
import Validation

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check the claims of the limiting-dynamics theory on a run: stationarity, Gibbs or not, detailed balance, rotating currents, flat directions.",
        discussion: """
            Solves the stationary density directly (as sgdfp stationary, with at least 40 points per axis in 4-D, \
            where coarser grids resolve fewer digits than the claims need), analyses it, and for a loss with a flat \
            direction also evolves the run file's initial law (as sgdfp solve). Prints a table of claim, expected \
            verdict, measured value, tolerance and verdict; writes the evidence to the HDF5 output, the report as \
            JSON beside it (same name, .json) and as attributes validation_<claim> in the HDF5 file. Exit status 0 \
            when every verdict agrees with the theory's prediction, 1 otherwise. Claims that do not apply to the \
            run are reported with the reason.
            """)

    @OptionGroup var runFile: RunFileOptions
    @Option(name: .shortAndLong, help: "Output HDF5 file; the report goes beside it with extension .json.") var output = "sgdfp-validate.h5"
    @Flag(help: "Replace the output files if they exist.") var overwrite = false
    @OptionGroup var sidecar: SidecarOption

    func run() throws {
        var agree = true
        try runReportingErrors {
            var study = try ValidationStudy(configuration: try runFile.configuration(), runName: runFile.runName)
            study.effort = try runFile.effort()
            try sidecar.check(output: output, overwrite: overwrite)
            if !runFile.quiet { print(Describe.model(study.sde) + "\n") }
            let result = try study.run(output: output, overwrite: overwrite, progress: TerminalProgress.handler(quiet: runFile.quiet))
            if let warning = result.transientWarning { writeError("sgdfp: warning: \(warning)") }
            agree = result.report.allAgree
            print(Describe.validation(result.report))
            if !runFile.quiet {
                print("\n" + (agree ? "Every verdict agrees with the theory." : "Some verdicts disagree with the theory."))
                print("wrote \(output) and \(ValidationStudy.reportPath(for: output))")
            }
            sidecar.write(output: output, quiet: runFile.quiet)
        }
        if !agree { throw ExitCode(1) }
    }
}
