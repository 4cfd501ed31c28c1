/// Whole counts (steps, points, frames) from real numbers, without the trap of `Int(_:)` on values that are
/// not finite or beyond the integers: every count the tool derives from a number a user typed goes through
/// here, and the caller turns nil (or a count above its own limit) into an error that says what to change.
extension Int {
    /// x rounded by `rule`, or nil when that is not finite or not below 2⁶² in magnitude.
    public init?(checking x: Double, rounding rule: FloatingPointRoundingRule = .toNearestOrAwayFromZero) {
        let r = x.rounded(rule)
        guard r.isFinite, abs(r) < 4.611686018427388e18 else { return nil }
        self.init(r)
    }

    /// x rounded by `rule`, clamped to `limit` (nil and NaN give `limit.upperBound`): for counts that only
    /// bound work or appear in a message.
    public init(clamping x: Double, to limit: ClosedRange<Int>, rounding rule: FloatingPointRoundingRule = .toNearestOrAwayFromZero) {
        guard let v = Int(checking: x, rounding: rule) else {
            self = x < 0 ? limit.lowerBound : limit.upperBound
            return
        }
        self = Swift.min(Swift.max(v, limit.lowerBound), limit.upperBound)
    }
}
