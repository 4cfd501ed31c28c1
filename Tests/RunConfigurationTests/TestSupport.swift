import Foundation
import RunConfiguration

/// The error a throwing body raised, or nil when it succeeded (or threw something else).
func configurationError(_ body: () throws -> Any) -> RunConfigurationError? {
    do {
        _ = try body()
        return nil
    } catch let error as RunConfigurationError {
        return error
    } catch {
        return nil
    }
}

/// Parses TOML under the file name run.toml, as a user's file would be named in messages.
func parseTOML(_ text: String) throws -> RunConfiguration {
    try RunConfiguration.parse(toml: text, source: "run.toml")
}

/// The error of parsing (and, when `validate`, validating) TOML text.
func tomlError(_ text: String, validate: Bool = true) -> RunConfigurationError? {
    configurationError {
        let config = try parseTOML(text)
        return validate ? try config.validated() : config
    }
}

/// A fresh temporary path with the given file name.
func temporaryPath(_ name: String) -> String {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sgdfp-config-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return directory.appendingPathComponent(name).path
}
