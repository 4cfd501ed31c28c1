/// The value of a netCDF attribute, on the root group or on a variable.
///
/// Written as netCDF writes them: `.text` as a fixed-length string in a scalar dataspace (ASCII, or UTF-8
/// when the text is not ASCII), `.double` and `.int` as scalars (float64 and int32, types netCDF-3 has too,
/// so that files convert to netCDF classic; an `.int` beyond int32 as int64), `.doubles` as a 1-D float64
/// array (an empty array has a null dataspace).
///
/// When read back, scalar values round-trip exactly. Attributes written by other tools map as follows:
/// a one-element integer array reads as `.int`, a longer integer array as `.doubles`, a float array as
/// `.doubles` (even with one element) and a float32 as `.double` or `.doubles`.
public enum AttributeValue: Sendable, Equatable {
    case text(String)
    case double(Double)
    case doubles([Double])
    case int(Int)
}

extension AttributeValue: CustomStringConvertible {
    /// A short human-readable rendering, e.g. `"CF-1.10"`, `0.5`, `[1.0, 2.0]`, `3`.
    public var description: String {
        switch self {
        case .text(let s): return "\"\(s)\""
        case .double(let x): return "\(x)"
        case .doubles(let xs): return "\(xs)"
        case .int(let i): return "\(i)"
        }
    }

    /// The text, when this is a `.text` value.
    public var text: String? {
        if case .text(let s) = self { return s }
        return nil
    }

    /// The numbers of a numeric value as an array (`.int` and `.double` give one element); nil for text.
    public var numbers: [Double]? {
        switch self {
        case .text: return nil
        case .double(let x): return [x]
        case .doubles(let xs): return xs
        case .int(let i): return [Double(i)]
        }
    }
}
