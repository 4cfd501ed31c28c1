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
        switch RunFileFormat.detect(path: path, contents: contents) {
        case .toml: return try parse(toml: contents, source: path)
        case .json: return try parse(json: contents, source: path)
        }
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
