import TOMLKit

/// Reads TOML text into the neutral tree, turning TOMLKit's parse errors into one-sentence messages.
enum TOMLReading {
    static func read(_ text: String, source: String) throws(RunConfigurationError) -> ConfigValue {
        if let (line, column) = TableHeaderCheck.firstKeylessHeader(in: text) {
            throw RunConfigurationError(
                .syntax,
                "TOML syntax error in \(source) at line \(line), column \(column): a table header must start with a name or a quoted string, as in [sgd]; fix the file there.")
        }
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
        guard TableHeaderCheck.firstKeylessHeader(in: "value = " + text) == nil,
              let table = try? TOMLTable(string: "value = " + text), table.count == 1, let value = table["value"] else {
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

/// Finds a table header whose first key starts with neither a bare-key character nor a quote (`[{`, `[=`,
/// `[.`, `[#` …). The TOML library asserts on such headers and aborts the process instead of reporting an
/// error, so they are found here first. Headers are recognised as a TOML parser would: at the start of a
/// line, outside strings, comments and the brackets of a value.
enum TableHeaderCheck {
    static func firstKeylessHeader(in text: String) -> (line: Int, column: Int)? {
        let chars = Array(text.unicodeScalars)
        var i = 0, line = 1, lineStart = 0, depth = 0
        var atLineStart = true
        func isKeyStart(_ c: Unicode.Scalar) -> Bool {
            c == "\"" || c == "'" || c == "]" || c == "_" || c == "-" || ("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c)
        }
        func skipString(_ quote: Unicode.Scalar) {
            let multi = i + 2 < chars.count && chars[i + 1] == quote && chars[i + 2] == quote
            i += multi ? 3 : 1
            while i < chars.count {
                if chars[i] == "\\" && quote == "\"" { i += 2; continue }
                if chars[i] == "\n" { line += 1; lineStart = i + 1; if !multi { return } }
                if chars[i] == quote && (!multi || (i + 2 < chars.count && chars[i + 1] == quote && chars[i + 2] == quote)) {
                    i += multi ? 3 : 1
                    return
                }
                i += 1
            }
        }
        while i < chars.count {
            let c = chars[i]
            if c == "\n" { line += 1; lineStart = i + 1; atLineStart = true; i += 1; continue }
            if c == " " || c == "\t" || c == "\r" { i += 1; continue }
            if c == "#" { while i < chars.count && chars[i] != "\n" { i += 1 }; continue }
            if c == "\"" || c == "'" { atLineStart = false; skipString(c); continue }
            if c == "[" && atLineStart && depth == 0 {
                var j = i + 1
                if j < chars.count && chars[j] == "[" { j += 1 }
                while j < chars.count && (chars[j] == " " || chars[j] == "\t") { j += 1 }
                if j < chars.count && !isKeyStart(chars[j]) { return (line, j - lineStart + 1) }
                while i < chars.count && chars[i] != "\n" && chars[i] != "#" { i += 1 }
                continue
            }
            atLineStart = false
            if c == "[" || c == "{" { depth += 1 } else if c == "]" || c == "}" { depth = max(0, depth - 1) }
            i += 1
        }
        return nil
    }
}
