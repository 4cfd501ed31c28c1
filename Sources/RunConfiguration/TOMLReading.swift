import TOMLKit

/// Reads TOML text into the neutral tree, turning TOMLKit's parse errors into one-sentence messages.
enum TOMLReading {
    static func read(_ text: String, source: String) throws(RunConfigurationError) -> ConfigValue {
        do {
            return convert(try TOMLTable(string: text))
        } catch let error as TOMLParseError {
            let position = error.source.begin
            throw RunConfigurationError(
                .syntax,
                "TOML syntax error in \(source) at line \(position.line), column \(position.column): \(trimmed(error.description)); fix the file there.")
        } catch {
            throw RunConfigurationError(.syntax, "Cannot parse \(source) as TOML (\(error)); fix the file.")
        }
    }

    /// Parses a single TOML value written on its own, as in `--set sgd.learning_rate=0.05`; `nil` when it is not valid TOML.
    static func readValue(_ text: String) -> ConfigValue? {
        guard let table = try? TOMLTable(string: "value = " + text), table.count == 1, let value = table["value"] else {
            return nil
        }
        return convert(value)
    }

    static func convert(_ node: TOMLValueConvertible) -> ConfigValue {
        switch node.type {
        case .table:
            guard let table = node.table else { return .other(node.debugDescription) }
            return .table(table.keys.compactMap { key in table[key].map { (key: key, value: convert($0)) } })
        case .array:
            guard let array = node.array else { return .other(node.debugDescription) }
            return .array(array.map { convert($0) })
        case .string:
            return node.string.map { .string($0) } ?? .other(node.debugDescription)
        case .int:
            return node.int.map { .integer($0) } ?? .other(node.debugDescription)
        case .double:
            return node.double.map { .float($0) } ?? .other(node.debugDescription)
        case .bool:
            return node.bool.map { .boolean($0) } ?? .other(node.debugDescription)
        case .date, .time, .dateTime:
            return .other(node.debugDescription)
        }
    }

    private static func trimmed(_ message: String) -> String {
        var m = message
        while let last = m.last, last == "." || last == "\n" || last == " " { m.removeLast() }
        return m
    }
}
