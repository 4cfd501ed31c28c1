import Foundation
import PhaseSpaceIO
import RunConfiguration
import Validation

/// What an sgdfp file holds, read without loading any field.
public struct FileSummary: Codable, Sendable {
    public struct Axis: Codable, Sendable { public var name: String; public var points: Int; public var from: Double; public var to: Double; public var spacing: Double }
    public struct Variable: Codable, Sendable { public var name: String; public var dimensions: [String]; public var shape: [Int]; public var units: String?; public var longName: String? }
    public struct Times: Codable, Sendable { public var count: Int; public var first: Double; public var last: Double }

    public var path: String
    public var kind: String
    public var title: String?
    public var source: String
    public var history: String?
    public var model: [String: String]
    public var axes: [Axis]
    public var times: Times?
    public var variables: [Variable]
    public var validation: ValidationReport?
    public var figures: [String: [Double]]

    public init(path: String) throws {
        let reader = try NetCDFReader(path: path)
        defer { reader.close() }
        guard let source = try reader.attribute("source")?.text, source.hasPrefix("sgdfp") else {
            throw StudyError("File \(path) is HDF5 but not an sgdfp output (its root attribute 'source' does not name sgdfp); inspect it with h5dump -H or ncdump -h.")
        }
        self.path = path
        self.source = source
        title = try reader.attribute("title")?.text
        history = try reader.attribute("history")?.text
        let rootNames = Set(try reader.attributeNames())
        let names = reader.variableNames
        if let text = try reader.attribute(OutputKind.attribute)?.text {
            guard let known = OutputKind(rawValue: text) else {
                throw StudyError("File \(path) says it is an sgdfp output of kind '\(text)', which this sgdfp (\(SGDFPVersion.number)) does not know; inspect it with a newer sgdfp or with ncdump -h.")
            }
            kind = Self.describe(known)
        } else {
            kind = "sgdfp output written before sgdfp_kind was recorded"
        }

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
            if let sde = try? RunSetup.model(config), let kappa = sde.temperature { model["temperature"] = fmt(kappa, 6) }
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
        if let time = reader.timeVariable, let values = try? reader.read(time), let first = values.first, let last = values.last {
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

    /// The kind in words, from the `sgdfp_kind` attribute.
    public static func describe(_ kind: OutputKind) -> String {
        switch kind {
        case .solve: return "solve (density over time)"
        case .analysedSolve: return "solve, analysed"
        case .stationary: return "stationary (direct stationary solve and analysis)"
        case .validate: return "validate (claims of the limiting-dynamics theory)"
        case .simulate: return "simulate (discrete SGD chains)"
        case .diffusion: return "diffusion (anomalous diffusion mode sums)"
        case .fluctuations: return "diffusion --fdt/--replicas (effective temperature, replica distance)"
        case .modifiedFlow: return "modified-flow (Paper 2 checks)"
        }
    }
}
