import Foundation

/// The two run-file formats.
public enum RunFileFormat: String, Sendable, Equatable {
    case toml, json

    /// The format for a file: by extension (.toml, .json), otherwise by content (JSON starts with '{').
    public static func detect(path: String, contents: String) -> RunFileFormat {
        switch (path as NSString).pathExtension.lowercased() {
        case "toml": return .toml
        case "json": return .json
        default:
            let start = contents.unicodeScalars.first { !CharacterSet.whitespacesAndNewlines.contains($0) && $0 != "\u{FEFF}" }
            return start == "{" ? .json : .toml
        }
    }
}

extension RunConfiguration {
    /// Reads a run file (TOML or JSON, see `RunFileFormat.detect`) on top of the built-in example.
    /// Checks syntax, names and types; call `validated()` after applying overrides.
    public static func load(path: String) throws(RunConfigurationError) -> RunConfiguration {
        let contents: String
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            guard let text = String(data: data, encoding: .utf8) else {
                throw RunConfigurationError(.unreadableFile, "The run file \(path) is not UTF-8 text; save it as UTF-8.")
            }
            contents = text
        } catch let error as RunConfigurationError {
            throw error
        } catch {
            let reason = FileManager.default.fileExists(atPath: path) ? "it cannot be read" : "it does not exist"
            throw RunConfigurationError(.unreadableFile, "Cannot read the run file \(path) because \(reason); check the path.")
        }
        let tree: ConfigValue
        switch RunFileFormat.detect(path: path, contents: contents) {
        case .toml: tree = try TOMLReading.read(contents, source: path)
        case .json: tree = try JSONReading.read(contents, source: path)
        }
        // An empty file is more likely a mistake (a wrong or truncated file) than a request for the example.
        if case let .table(entries) = tree, entries.isEmpty {
            throw RunConfigurationError(.unreadableFile, "The run file \(path) has no keys (it is empty or only comments); give at least one section such as [sgd], or run without a run file for the built-in example.")
        }
        return try ConfigurationDecoder(source: path).decode(tree, onto: builtInExample)
    }

    /// Keys that are set but do not apply to the run as configured, and values the run changes, one
    /// sentence each, for the commands to show as warnings.
    public var notices: [String] {
        var out: [String] = []
        if noise.matrix != nil && noise.model != .matrix {
            out.append("[noise] matrix is ignored: it applies to model \"matrix\", not \"\(noise.model.rawValue)\".")
        }
        if initial.kind != .mixture {
            for (key, set) in [("weights", initial.weights != nil), ("means", initial.means != nil), ("covariances", initial.covariances != nil)] where set {
                out.append("[initial] \(key) is ignored: it applies to kind \"mixture\", not \"\(initial.kind.rawValue)\".")
            }
        }
        if initial.kind != .file && initial.file != nil {
            out.append("[initial] file is ignored: it applies to kind \"file\", not \"\(initial.kind.rawValue)\".")
        }
        if initial.kind != .file && initial.allowModelChange {
            out.append("[initial] model_change is ignored: it applies to kind \"file\", not \"\(initial.kind.rawValue)\".")
        }
        if initial.kind == .mixture, let w = initial.weights {
            let total = w.reduce(0, +)
            if total > 0 && abs(total - 1) > 1e-12 {
                out.append("[initial] weights sum to \(total), not 1; they are divided by their sum (\(w.map { String(format: "%.4g", $0 / total) }.joined(separator: ", "))).")
            }
        }
        return out
    }

    /// Parses TOML text; `source` names it in messages.
    public static func parse(toml: String, source: String) throws(RunConfigurationError) -> RunConfiguration {
        try ConfigurationDecoder(source: source).decode(TOMLReading.read(toml, source: source), onto: builtInExample)
    }

    /// Parses JSON text with the same nesting as the TOML file (`{"sgd": {"learning_rate": 0.1}, ...}`);
    /// `null` stands for an absent key. `source` names it in messages.
    public static func parse(json: String, source: String) throws(RunConfigurationError) -> RunConfiguration {
        try ConfigurationDecoder(source: source).decode(JSONReading.read(json, source: source), onto: builtInExample)
    }
}
