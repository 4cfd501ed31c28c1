import ArgumentParser
import Studies
import Validation

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check the claims of the limiting-dynamics theory on a run: stationarity, Gibbs or not, detailed balance, rotating currents, flat directions.",
        discussion: """
            Solves the stationary density directly (as sgdfp stationary: for constant noise in the frame of the exact \
            law, otherwise with at least 40 points per axis in 4-D), analyses it, and for a loss with a flat \
            direction also evolves the run file's initial law (as sgdfp solve). Prints a table of claim, expected \
            verdict, measured value, tolerance and verdict; writes the evidence to the HDF5 output, the report as \
            JSON beside it (same name, .json) and as attributes validation_<claim> in the HDF5 file. Every \
            measurement carries its discretisation floor (its error as the same evaluation at about 7/8 and 3/4 of \
            the points predicts it); a claim that the floor could decide either way is "inconclusive on this grid". Exit \
            status 0 when every verdict agrees with the theory's prediction, 1 when one disagrees, 2 when none \
            disagrees but some are inconclusive. Claims that do not apply to the run are reported with the reason.
            """)

    @OptionGroup var runFile: RunFileOptions
    @Option(name: .shortAndLong, help: "Output HDF5 file; the report goes beside it with extension .json.") var output = "sgdfp-validate.h5"
    @Flag(help: "Replace the output files if they exist.") var overwrite = false
    @OptionGroup var sidecar: SidecarOption

    func run() throws {
        var study = try ValidationStudy(configuration: try runFile.configuration(), runName: runFile.runName)
        study.effort = try runFile.effort()
        try runFile.checkOutput(output, configuration: study.configuration, sidecar: sidecar, report: ValidationStudy.reportPath(for: output))
        try sidecar.check(output: output, overwrite: overwrite)
        if !runFile.quiet { print(Describe.model(study.sde) + "\n" + (try study.stationaryGrids().map { "\n" + Describe.grids($0, sde: study.sde, full: study.sde.parameterDimension == 1) } ?? "")) }
        let result = try study.run(output: output, overwrite: overwrite, progress: TerminalProgress.handler(quiet: runFile.quiet))
        if let warning = result.transientWarning { writeError("sgdfp: warning: \(warning)") }
        let report = result.report
        let status: Int32 = !report.allAgree ? 1 : report.inconclusive.isEmpty ? 0 : 2
        print(Describe.validation(report))
        if !runFile.quiet {
            print("\n" + ["Every verdict agrees with the theory.", "Some verdicts disagree with the theory.",
                          "No verdict disagrees with the theory; this grid cannot decide \(report.inconclusive.joined(separator: ", "))."][Int(status)])
            print("wrote \(output) and \(ValidationStudy.reportPath(for: output))")
        }
        try sidecar.write(output: output, quiet: runFile.quiet)
        if status != 0 { throw ExitCode(status) }
    }
}
