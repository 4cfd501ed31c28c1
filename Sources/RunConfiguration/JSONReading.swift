/// A small strict JSON reader (RFC 8259) into the neutral tree. Written here rather than using
/// JSONSerialization so that errors carry line and column, integers stay distinct from floats, and
/// object members keep their order.
struct JSONReading {
    private let bytes: [UInt8]
    private let source: String
    private var index = 0

    static func read(_ text: String, source: String) throws(RunConfigurationError) -> ConfigValue {
        var reader = JSONReading(bytes: Array(text.utf8), source: source)
        reader.skipByteOrderMark()
        reader.skipWhitespace()
        let value = try reader.parseValue(depth: 0)
        reader.skipWhitespace()
        if reader.index < reader.bytes.count {
            throw reader.failure("unexpected text after the end of the document")
        }
        return value
    }

    private init(bytes: [UInt8], source: String) {
        self.bytes = bytes
        self.source = source
    }

    private mutating func skipByteOrderMark() {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
    }

    private var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func skipWhitespace() {
        while let c = current, c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { index += 1 }
    }

    private func failure(_ what: String, at position: Int? = nil) -> RunConfigurationError {
        let stop = min(position ?? index, bytes.count)
        var line = 1
        var column = 1
        var i = 0
        while i < stop {
            if bytes[i] == 0x0A {
                line += 1
                column = 1
            } else if bytes[i] & 0xC0 != 0x80 {
                column += 1  // count characters, not UTF-8 continuation bytes
            }
            i += 1
        }
        return RunConfigurationError(.syntax, "JSON syntax error in \(source) at line \(line), column \(column): \(what); fix the file there.")
    }

    private func describeCurrent() -> String {
        guard let c = current else { return "the end of the file" }
        if c >= 0x20 && c < 0x7F { return "'\(Character(Unicode.Scalar(c)))'" }
        return "byte 0x" + String(c, radix: 16)
    }

    private mutating func parseValue(depth: Int) throws(RunConfigurationError) -> ConfigValue {
        guard depth < 64 else { throw failure("nesting deeper than 64 levels") }
        guard let c = current else { throw failure("expected a value but the file ended") }
        switch c {
        case UInt8(ascii: "{"): return try parseObject(depth: depth)
        case UInt8(ascii: "["): return try parseArray(depth: depth)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        case UInt8(ascii: "t"): try expectWord("true"); return .boolean(true)
        case UInt8(ascii: "f"): try expectWord("false"); return .boolean(false)
        case UInt8(ascii: "n"): try expectWord("null"); return .null
        default: throw failure("expected a value but found \(describeCurrent())")
        }
    }

    private mutating func expectWord(_ word: String) throws(RunConfigurationError) {
        let w = Array(word.utf8)
        guard index + w.count <= bytes.count, Array(bytes[index..<index + w.count]) == w else {
            throw failure("expected a value but found \(describeCurrent())")
        }
        index += w.count
    }

    private mutating func parseObject(depth: Int) throws(RunConfigurationError) -> ConfigValue {
        index += 1
        var entries: [(key: String, value: ConfigValue)] = []
        skipWhitespace()
        if current == UInt8(ascii: "}") {
            index += 1
            return .table(entries)
        }
        while true {
            skipWhitespace()
            guard current == UInt8(ascii: "\"") else { throw failure("expected a quoted member name but found \(describeCurrent())") }
            let keyStart = index
            let key = try parseString()
            if entries.contains(where: { $0.key == key }) {
                throw failure("duplicate member \"\(key)\"", at: keyStart)
            }
            skipWhitespace()
            guard current == UInt8(ascii: ":") else { throw failure("expected ':' after \"\(key)\" but found \(describeCurrent())") }
            index += 1
            skipWhitespace()
            entries.append((key: key, value: try parseValue(depth: depth + 1)))
            skipWhitespace()
            if current == UInt8(ascii: ",") {
                index += 1
                continue
            }
            if current == UInt8(ascii: "}") {
                index += 1
                return .table(entries)
            }
            throw failure("expected ',' or '}' after a member but found \(describeCurrent())")
        }
    }

    private mutating func parseArray(depth: Int) throws(RunConfigurationError) -> ConfigValue {
        index += 1
        var items: [ConfigValue] = []
        skipWhitespace()
        if current == UInt8(ascii: "]") {
            index += 1
            return .array(items)
        }
        while true {
            skipWhitespace()
            items.append(try parseValue(depth: depth + 1))
            skipWhitespace()
            if current == UInt8(ascii: ",") {
                index += 1
                continue
            }
            if current == UInt8(ascii: "]") {
                index += 1
                return .array(items)
            }
            throw failure("expected ',' or ']' after an element but found \(describeCurrent())")
        }
    }

    private mutating func parseString() throws(RunConfigurationError) -> String {
        let start = index
        index += 1
        var utf8: [UInt8] = []
        while true {
            guard let c = current else { throw failure("unterminated string", at: start) }
            index += 1
            switch c {
            case UInt8(ascii: "\""):
                return String(decoding: utf8, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard let e = current else { throw failure("unterminated string", at: start) }
                index += 1
                switch e {
                case UInt8(ascii: "\""): utf8.append(0x22)
                case UInt8(ascii: "\\"): utf8.append(0x5C)
                case UInt8(ascii: "/"): utf8.append(0x2F)
                case UInt8(ascii: "b"): utf8.append(0x08)
                case UInt8(ascii: "f"): utf8.append(0x0C)
                case UInt8(ascii: "n"): utf8.append(0x0A)
                case UInt8(ascii: "r"): utf8.append(0x0D)
                case UInt8(ascii: "t"): utf8.append(0x09)
                case UInt8(ascii: "u"):
                    var code = try parseHex4()
                    if (0xD800..<0xDC00).contains(code) {
                        guard current == UInt8(ascii: "\\"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "u") else {
                            throw failure("unpaired surrogate in \\u escape")
                        }
                        index += 2
                        let low = try parseHex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw failure("unpaired surrogate in \\u escape") }
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let scalar = Unicode.Scalar(code) else { throw failure("invalid \\u escape") }
                    utf8.append(contentsOf: Array(String(Character(scalar)).utf8))
                default:
                    throw failure("invalid escape '\\\(Character(Unicode.Scalar(e)))' in a string", at: index - 2)
                }
            default:
                if c < 0x20 { throw failure("control character inside a string (write it as an escape)", at: index - 1) }
                utf8.append(c)
            }
        }
    }

    private mutating func parseHex4() throws(RunConfigurationError) -> UInt32 {
        guard index + 4 <= bytes.count,
              let code = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16)
        else { throw failure("expected four hexadecimal digits after \\u") }
        index += 4
        return code
    }

    private mutating func parseNumber() throws(RunConfigurationError) -> ConfigValue {
        let start = index
        func digits() -> Int {
            var n = 0
            while let c = current, c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") { index += 1; n += 1 }
            return n
        }
        if current == UInt8(ascii: "-") { index += 1 }
        if current == UInt8(ascii: "0") {
            index += 1
            if let c = current, c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") { throw failure("numbers must not have leading zeros", at: start) }
        } else if digits() == 0 {
            throw failure("expected digits in a number", at: start)
        }
        var isFloat = false
        if current == UInt8(ascii: ".") {
            index += 1
            isFloat = true
            guard digits() > 0 else { throw failure("expected digits after the decimal point") }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            index += 1
            isFloat = true
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
            guard digits() > 0 else { throw failure("expected digits in the exponent") }
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        if !isFloat, let i = Int(text) { return .integer(i) }
        guard let x = Double(text) else { throw failure("invalid number \(text)", at: start) }
        return .float(x)
    }
}
