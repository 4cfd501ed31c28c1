import ArgumentParser
import Foundation
import Studies

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Print what an sgdfp output file holds: its kind, model, grid, times, variables with shapes and units, and validation verdicts.",
        discussion: """
            Like ncdump -h, in the project's words. Works on every output kind (solve, analysed solve, \
            stationary, validate, simulate, diffusion, modified-flow) and refuses other files. --json prints \
            the same as one JSON object for scripts.
            """)

    @Argument(help: "An HDF5 file written by sgdfp.") var file: String
    @Flag(help: "Print JSON instead of text.") var json = false

    func run() throws {
        let summary = try FileSummary(path: file)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
            print(String(decoding: try encoder.encode(summary), as: UTF8.self))
        } else {
            print(summary.text())
        }
    }
}

extension FileSummary {
    func text() -> String {
        var lines = ["\(path): \(kind)"]
        if let title { lines.append("  title: \(title)") }
        lines.append("  written by: \(source)")
        if let history { lines.append("  history: \(history)") }
        if !model.isEmpty {
            lines.append("\nModel")
            for key in ["learning_rate", "momentum", "batch_size", "weight_decay", "noise", "noise_scale", "hessian", "minimum", "temperature", "modes", "power"] {
                if let value = model[key] { lines.append("  \(key) = \(value)") }
            }
        }
        if !axes.isEmpty {
            var table = ConsoleTable("axis", "points", "from", "to", "spacing")
            for a in axes { table.add(a.name, String(a.points), fmt(a.from), fmt(a.to), fmt(a.spacing)) }
            lines.append("\nGrid\n" + table.render())
        }
        if let times { lines.append("\nTimes: \(times.count) frame\(times.count == 1 ? "" : "s") from t = \(fmt(times.first, 6)) to \(fmt(times.last, 6))") }
        var table = ConsoleTable("variable", "dimensions", "shape", "units", "description")
        for v in variables {
            table.add(v.name, "(" + v.dimensions.joined(separator: ", ") + ")", v.shape.map(String.init).joined(separator: "×"), v.units ?? "-", v.longName ?? "")
        }
        lines.append("\nVariables (\(variables.count))\n" + table.render())
        if !figures.isEmpty {
            lines.append("\nResults")
            for (name, values) in figures.sorted(by: { $0.key < $1.key }) { lines.append("  \(name) = \(values.map { fmt($0, 6) }.joined(separator: ", "))") }
        }
        if let validation {
            lines.append("\nValidation (\(!validation.allAgree ? "some verdicts disagree with the theory" : validation.inconclusive.isEmpty ? "every verdict agrees with the theory" : "no verdict disagrees with the theory; inconclusive on this grid: \(validation.inconclusive.joined(separator: ", "))"))")
            lines.append(Describe.validation(validation, details: false))
        }
        return lines.joined(separator: "\n")
    }
}
