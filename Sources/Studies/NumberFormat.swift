import Foundation

/// Compact number formatting for tables and summaries: `digits` significant digits in [1e-3, 1e6),
/// exponent notation outside.
public func fmt(_ x: Double, _ digits: Int = 4) -> String {
    if x == 0 { return "0" }
    if !x.isFinite { return "\(x)" }
    let a = abs(x)
    if a >= 1e-3 && a < 1e6 { return String(format: "%.\(digits)g", x) }
    return String(format: "%.\(max(1, digits - 2))e", x)
}
