import ArgumentParser
import Foundation
import PhaseSpaceIO
import RunConfiguration
import Validation

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
        try runReportingErrors {
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
}

/// What an sgdfp file holds, read without loading any field.
struct FileSummary: Codable {
    struct Axis: Codable { var name: String; var points: Int; var from: Double; var to: Double; var spacing: Double }
    struct Variable: Codable { var name: String; var dimensions: [String]; var shape: [Int]; var units: String?; var longName: String? }
    struct Times: Codable { var count: Int; var first: Double; var last: Double }

    var path: String
    var kind: String
    var title: String?
    var source: String
    var history: String?
    var model: [String: String]
    var axes: [Axis]
    var times: Times?
    var variables: [Variable]
    var validation: ValidationReport?
    var figures: [String: [Double]]

    init(path: String) throws {
        let reader = try NetCDFReader(path: path)
        defer { reader.close() }
        guard let source = try reader.attribute("source")?.text, source.hasPrefix("sgdfp") else {
            throw SetupError("File \(path) is HDF5 but not an sgdfp output (its root attribute 'source' does not name sgdfp); inspect it with h5dump -H or ncdump -h.")
        }
        self.path = path
        self.source = source
        title = try reader.attribute("title")?.text
        history = try reader.attribute("history")?.text
        let rootNames = Set(try reader.attributeNames())
        let names = reader.variableNames
        kind = Self.kind(variables: Set(names), attributes: rootNames)

        model = [:]
        if let text = try reader.attribute("configuration")?.text,
           let config = try? RunConfiguration.parse(toml: text, source: "\(path) (configuration attribute)") {
            model["learning_rate"] = fmt(config.sgd.learningRate, 6)
            model["momentum"] = fmt(config.sgd.momentum, 6)
            model["batch_size"] = String(config.sgd.batchSize)
            model["weight_decay"] = fmt(config.sgd.weightDecay, 6)
            model["hessian"] = config.loss.hessian.map { "[" + $0.map { fmt($0, 6) }.joined(separator: ", ") + "]" }.joined(separator: ", ")
            model["minimum"] = config.loss.minimum.map { fmt($0, 6) }.joined(separator: ", ")
            model["noise"] = config.noise.model.rawValue
            if let sde = try? RunSetup.makeSDE(config), let kappa = sde.temperature { model["temperature"] = fmt(kappa, 6) }
        } else {
            for key in ["learning_rate", "momentum", "batch_size", "weight_decay", "noise_scale", "modes", "power"] where rootNames.contains(key) {
                if let value = try reader.attribute(key)?.numbers?.first { model[key] = fmt(value, 6) }
            }
        }

        axes = try (reader.phaseSpaceAxisNames ?? []).map { name in
            let values = try reader.read(name)
            return Axis(name: name, points: values.count, from: values.first ?? .nan, to: values.last ?? .nan,
                        spacing: values.count > 1 ? values[1] - values[0] : .nan)
        }
        if names.contains("time"), let values = try? reader.read("time"), let first = values.first, let last = values.last {
            times = Times(count: values.count, first: first, last: last)
        }
        variables = try names.map { name in
            Variable(name: name, dimensions: try reader.dimensions(of: name), shape: try reader.shape(of: name),
                     units: try reader.attribute("units", of: name)?.text, longName: try reader.attribute("long_name", of: name)?.text)
        }
        if let report = try reader.attribute("validation_report")?.text { validation = try? ValidationReport.decode(json: report) }
        // The scalar results a reader looks for first, where the file has them.
        figures = [:]
        for name in rootNames.sorted() where Self.figureAttributes.contains(where: { name.hasPrefix($0) }) {
            if let numbers = try reader.attribute(name)?.numbers { figures[name] = numbers }
        }
    }

    static let figureAttributes = ["stationary_residual", "current_abs_integral", "current_squared_integral", "entropy_production",
                                   "current_eigen_plane_circulations", "current_rotation_frequencies", "histogram_total_variation",
                                   "fitted_exponent", "local_displacement", "weight_decay_cutoff_steps", "saturation", "steps_per_second", "analysis_time", "translation_max_deviation", "solver_time_seconds"]

    static func kind(variables: Set<String>, attributes: Set<String>) -> String {
        if attributes.contains("validation_report") { return "validate (claims of the limiting-dynamics theory)" }
        if variables.contains("density") || variables.contains(where: { $0.hasPrefix("density_") }) {
            return attributes.contains("analysis_time") || variables.contains("modified_loss_theta") ? "solve, analysed" : "solve (density over time)"
        }
        if variables.contains(where: { $0.hasPrefix("stationary_density") }) { return "stationary (direct stationary solve and analysis)" }
        if variables.contains(where: { $0.hasPrefix("sgd_") }) { return "simulate (discrete SGD chains)" }
        if variables.contains("msd_continuous") { return "diffusion (anomalous diffusion mode sums)" }
        if variables.contains("effective_temperature") || variables.contains("replica_distance") { return "diffusion --fdt/--replicas (effective temperature, replica distance)" }
        if variables.contains("log_rate_exact") { return "modified-flow (Paper 2 checks)" }
        return "sgdfp output"
    }

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
            lines.append("\nValidation (\(validation.allAgree ? "every verdict agrees with the theory" : "some verdicts disagree with the theory"))")
            lines.append(ValidateCommand.table(validation).components(separatedBy: "\n\n")[0])
        }
        return lines.joined(separator: "\n")
    }
}
