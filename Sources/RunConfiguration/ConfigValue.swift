import Foundation

/// A format-neutral document tree: TOML and JSON are both read into it, so one decoder serves both.
indirect enum ConfigValue: Sendable {
    case string(String)
    case integer(Int)
    case float(Double)
    case boolean(Bool)
    case array([ConfigValue])
    /// Entries in document order (JSON) or in the parser's order (TOML).
    case table([(key: String, value: ConfigValue)])
    /// JSON `null`: the key's default.
    case null
    /// A value of a type run files never use (TOML dates and times), kept as text for messages.
    case other(String)

    var tableEntries: [(key: String, value: ConfigValue)]? {
        if case .table(let entries) = self { return entries }
        return nil
    }

    /// The value written as TOML, for messages ("got \"eight\"") and for rendering.
    var tomlText: String {
        switch self {
        case .string(let s): return tomlQuoted(s)
        case .integer(let i): return String(i)
        case .float(let x): return tomlNumber(x)
        case .boolean(let b): return b ? "true" : "false"
        case .array(let items): return "[" + items.map(\.tomlText).joined(separator: ", ") + "]"
        case .table(let entries):
            return "{ " + entries.map { "\(tomlKey($0.key)) = \($0.value.tomlText)" }.joined(separator: ", ") + " }"
        case .null: return "null"
        case .other(let text): return text
        }
    }
}

/// A Double as TOML text that parses back to the same bits (Swift prints the shortest round-tripping form).
func tomlNumber(_ x: Double) -> String {
    if x.isNaN { return "nan" }
    if x.isInfinite { return x > 0 ? "inf" : "-inf" }
    return "\(x)"
}

/// A TOML basic string with the escapes TOML requires.
func tomlQuoted(_ s: String) -> String {
    var out = "\""
    for scalar in s.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\t": out += "\\t"
        case "\r": out += "\\r"
        default:
            if scalar.value < 0x20 || scalar.value == 0x7F {
                out += String(format: "\\u%04X", scalar.value)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
    }
    return out + "\""
}

/// A key bare when TOML allows it, quoted otherwise.
func tomlKey(_ key: String) -> String {
    let bare = !key.isEmpty && key.unicodeScalars.allSatisfy {
        ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" || $0 == "-"
    }
    return bare ? key : tomlQuoted(key)
}
