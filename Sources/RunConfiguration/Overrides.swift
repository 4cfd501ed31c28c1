import Foundation

extension RunConfiguration {
    /// Sets one key from the command line, e.g. `apply(override: "sgd.learning_rate", value: "0.05")`.
    ///
    /// The value is read as a TOML value (`0.05`, `[[1, 0], [0, 2]]`, `"loss-hessian"`, `true`). Keys that take
    /// text also accept bare words (`loss-hessian`, `out.h5`), and so do `grid.box`, `output.full_density` and `output.exact_density`
    /// (`auto`). Optional keys are unset with `none` or an empty value (`initial.file` only with an empty value).
    /// A new `loss.hessian` or `loss.minimum` carries along the minimum and initial mean and covariance
    /// that are still at their defaults. Shapes are checked by `validated()`.
    public mutating func apply(override key: String, value: String) throws(RunConfigurationError) {
        let source = "the command line"
        let parts = key.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            let example = RunConfiguration.sectionOwning(key: key).map { "\($0).\(key)" } ?? "sgd.learning_rate"
            throw RunConfigurationError(
                .malformedOverride, key: key,
                "Override '\(key)' must name a section and a key separated by a dot, as in \(example)=\(value.isEmpty ? "..." : value).")
        }
        let (section, name) = (parts[0], parts[1])
        guard let known = RunConfiguration.knownKeys[section] else {
            throw RunConfigurationError(
                .unknownSection, key: key,
                "Unknown section [\(section)] in override \(key) on \(source); known sections are \(RunConfiguration.sectionNames.joined(separator: ", ")).")
        }
        guard known.contains(name) else {
            throw RunConfigurationError(
                .unknownKey, key: key,
                "Unknown key '\(name)' in section [\(section)] of \(source); known keys are \(known.joined(separator: ", ")).")
        }
        let document = ConfigValue.table([(key: section, value: .table([(key: name, value: Self.overrideValue(key, value))]))])
        self = try ConfigurationDecoder(source: source).decode(document, onto: self)
    }

    private static let textKeys: Set<String> = [
        "noise.model", "initial.kind", "initial.file", "grid.wisdom", "time.scheme", "output.path",
    ]
    private static let wordKeys: Set<String> = ["grid.box", "output.full_density", "output.exact_density"]
    private static let unsettableKeys: Set<String> = [
        "sgd.dataset_size", "noise.matrix", "initial.weights", "initial.means", "initial.covariances", "time.step",
    ]

    static func overrideValue(_ key: String, _ text: String) -> ConfigValue {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if unsettableKeys.contains(key), trimmed.isEmpty || trimmed == "none" { return .null }
        if key == "initial.file", trimmed.isEmpty { return .null }
        let parsed = trimmed.isEmpty ? nil : TOMLReading.readValue(trimmed)
        if textKeys.contains(key) {
            if case .string? = parsed { return parsed! }
            return .string(trimmed)
        }
        // Anything else that is not valid TOML becomes text, so that the type error shows what was typed.
        return parsed ?? .string(trimmed)
    }
}
