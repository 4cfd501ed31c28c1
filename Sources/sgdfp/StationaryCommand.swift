import ArgumentParser
import StationaryDistribution
import Studies

struct StationaryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stationary",
        abstract: "Solve for the stationary density directly and write it with the modified loss and the probability current.",
        discussion: """
            The stationary density is the fixed point of the exact propagator over about one relaxation time \
            (Richardson-extrapolated Strang splitting for loss-hessian noise), found by restarted GMRES from the \
            Gaussian with the exact stationary moments, to ‖L p‖/‖p‖ below --residual or the grid's floor. For \
            constant noise it runs in the frame of the exact law ([grid] frame), where that law is N(0, I), on \
            [grid] frame_points per axis (64 for one parameter, 36 for two); every number comes from there, and \
            the fields are drawn exactly on the output grid: [grid] points per axis over 7.5 stationary standard \
            deviations (14 for loss-hessian noise), or [grid] box. The exact Gaussian, U = P⁻¹ and Q = AP − D \
            are written beside the numerical results whenever they exist.
            """)

    @OptionGroup var runFile: RunFileOptions
    @Option(name: .shortAndLong, help: "Output HDF5 file.") var output = "sgdfp-stationary.h5"
    @Flag(help: "Replace the output file if it already exists.") var overwrite = false
    @OptionGroup var sidecar: SidecarOption
    @Option(help: "Target of ‖L p‖/‖p‖, per unit time.") var residual = 1e-10
    @Option(help: "Most propagator applications.") var maxApplications = 400
    @Option(help: "The modified loss is computed where p exceeds this fraction of its peak.") var threshold = 1e-6
    @Flag(help: "Write the full 4-D analysis fields too (d = 2; the 2-D marginals are always written).") var fullFields = false

    func run() throws {
        var study = try StationaryStudy(configuration: try runFile.configuration(),
                                        settings: StationarySolverSettings(residualTolerance: residual, maxApplications: maxApplications))
        (study.threshold, study.fullFields, study.effort) = (threshold, fullFields, try runFile.effort())
        try runFile.checkOutput(output, configuration: study.configuration, sidecar: sidecar)
        try sidecar.check(output: output, overwrite: overwrite)
        if !runFile.quiet {
            print(Describe.model(study.sde) + "\n")
            print(Describe.grids(try study.grids, sde: study.sde, full: study.writesFullFields))
        }
        let result = try study.run(output: output, overwrite: overwrite, progress: TerminalProgress.handler(quiet: runFile.quiet))
        if !runFile.quiet { print(Describe.stationary(result) + "\n\nwrote \(output)") }
        try sidecar.write(output: output, quiet: runFile.quiet)
        if !result.solution.converged { writeError(String(format: "sgdfp: warning: the residual stopped at %.3g, above --residual %.3g: that is the floor of this grid; use more [grid] %@ to go lower.", result.solution.residual, residual, result.frame == nil ? "points" : "frame_points")) }
    }
}
