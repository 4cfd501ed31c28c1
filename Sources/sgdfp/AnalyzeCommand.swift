import ArgumentParser
import Foundation
import LangevinModel
import PhaseSpaceIO
import RunConfiguration
import Spectral

struct AnalyzeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Add the modified loss and the probability current of one frame to an existing sgdfp solve output.",
        discussion: """
            The frame is the last one unless --time picks another (the nearest record). The new variables are \
            added beside the existing ones, which are copied unchanged; the file is replaced only when the \
            analysis is complete, or the result goes to a new file with --output. A file analysed before is refused.
            """)

    @Argument(help: "An HDF5 file written by sgdfp solve (with the full density).") var file: String
    @Option(help: "Analyse the frame nearest to this time (default: the last frame).") var time: Double?
    @Option(name: .shortAndLong, help: "Write the analysed copy here instead of adding to FILE.") var output: String?
    @Flag(help: "With --output: replace that file if it exists.") var overwrite = false
    @Option(help: "The modified loss is computed where p exceeds this fraction of its peak (default 1e-6).") var threshold = 1e-6
    @Flag(name: .shortAndLong, help: "Print only warnings and errors.") var quiet = false
    @OptionGroup var sidecar: SidecarOption

    func run() throws {
        try runReportingErrors {
            let frame = try RunOutputReader.frame(path: file, time: time)
            guard let text = frame.configuration else {
                throw SetupError("File \(file) has no configuration attribute, so it was not written by sgdfp solve; pass a solve output.")
            }
            if frame.variables.contains("modified_loss_theta") {
                throw SetupError("File \(file) already holds an analysis; analyse a fresh solve output, or write elsewhere with sgdfp solve -o.")
            }
            let config = try RunConfiguration.parse(toml: text, source: "\(file) (configuration attribute)")
            let sde = try RunSetup.makeSDE(config)
            let x0 = sde.stationaryPoint
            var halfWidths: [Double] = []
            for (i, axis) in frame.axes.enumerated() {
                let spacing = axis.values[1] - axis.values[0]
                let half = spacing * Double(axis.values.count) / 2
                guard abs(axis.values[0] - (x0[i] - half)) <= 1e-9 * max(1, half) else {
                    throw SetupError("The grid of \(file) is not centred on the stationary point of its own configuration along \(axis.name); the file was changed after sgdfp wrote it.")
                }
                halfWidths.append(half)
            }
            let grid = try PhaseSpaceGrid(points: frame.axes.map(\.values.count), halfWidths: halfWidths)
            let analysis = try frame.density.withUnsafeBufferPointer {
                try DensityAnalysis(density: $0, sde: sde, grid: grid, threshold: threshold, effort: .estimate)
            }
            let destination = output ?? file
            try sidecar.check(output: destination, overwrite: output == nil ? false : overwrite)
            let atomic = try AtomicOutput(destination: destination, overwrite: output == nil ? true : overwrite)
            Interruption.protect(atomic.temporaryPath)
            defer { Interruption.release() }
            do {
                try FileManager.default.copyItem(atPath: file, toPath: atomic.temporaryPath)
                let appended = try NetCDFFile.openForAppending(at: atomic.temporaryPath)
                do {
                    let writer = AnalysisWriter(file: appended, grid: grid, writeFullFields: frame.variables.contains(RunVariable.density),
                                                context: String(format: " at t = %.6g", frame.time))
                    try writer.defineMatrixDimensions()
                    try writer.writeAnalysis(analysis)
                    try appended.setAttribute("analysis_time", .double(frame.time))
                    try appended.setAttribute("analysis_history", .text("\(ISO8601DateFormatter().string(from: Date())) \(CommandLine.arguments.joined(separator: " "))"))
                    try appended.close()
                } catch {
                    try? appended.close()
                    throw error
                }
                try atomic.commit()
            } catch {
                atomic.abandon()
                throw error
            }
            if !quiet {
                print(String(format: "Analysis of %@ at t = %.6g", file, frame.time))
                print(Describe.analysis(analysis))
                print("\nwrote \(destination)")
            }
            sidecar.write(output: destination, quiet: quiet)
        }
    }
}
