/// The multi-index of a point while walking the grid in its row-major (last axis fastest) storage order.
public struct GridIndex: Sendable {
    public let shape: [Int]
    /// Current index along each axis.
    public var values: [Int]

    public init(shape: [Int]) {
        self.shape = shape
        values = [Int](repeating: 0, count: shape.count)
    }

    /// Steps to the next point and returns the outermost axis whose index changed (axes after it changed
    /// too), so callers refresh only what depends on those axes. Past the last point it wraps to zero.
    @inlinable @discardableResult
    public mutating func advance() -> Int {
        var a = shape.count - 1
        while a > 0 {
            values[a] += 1
            if values[a] < shape[a] { return a }
            values[a] = 0
            a -= 1
        }
        values[0] = (values[0] + 1) % shape[0]
        return 0
    }
}
