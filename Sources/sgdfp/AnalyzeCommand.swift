import ArgumentParser
import Foundation
import Studies

struct AnalyzeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Add the modified loss and the probability current of one frame to an existing sgdfp solve output.",
        discussion: """
            The frame is the last one unless --time picks another (the nearest record); the last frame of a solve \
            in the adapted frame is analysed from its frame state, exactly, any other from its full density. The \
            new variables are added beside the existing ones, which are copied unchanged; the file is replaced \
            only when the analysis is complete, or the result goes to a new file with --output. A file analysed \
            before is refused.
            """)

    @Argument(help: "An HDF5 file written by sgdfp solve (with the full density, or its last frame in an adapted frame).") var file: String
    @Option(help: "Analyse the frame nearest to this time (default: the last frame).") var time: Double?
    @Option(name: .shortAndLong, help: "Write the analysed copy here instead of adding to FILE.") var output: String?
    @Flag(help: "With --output: replace that file if it exists.") var overwrite = false
    @Option(help: "The modified loss is computed where p exceeds this fraction of its peak.") var threshold = 1e-6
    @Flag(name: .shortAndLong, help: "Print only warnings and errors.") var quiet = false
    @OptionGroup var sidecar: SidecarOption

    func run() throws {
        let study = try AnalyzeStudy(file: file, time: time, threshold: threshold)
        let destination = output ?? file
        try sidecar.check(output: destination, overwrite: output == nil ? false : overwrite)
        try study.write(to: output, overwrite: overwrite)
        if !quiet {
            print(String(format: "Analysis of %@ at t = %.6g", file, study.time))
            print(Describe.analysis(study.analysis))
            print("\nwrote \(destination)")
        }
        try sidecar.write(output: destination, quiet: quiet)
    }
}
