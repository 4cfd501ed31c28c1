import Foundation

/// The periodic phase-space grid: d parameter axes followed by d velocity axes, row-major with the last
/// velocity axis fastest.
///
/// The solver keeps densities in a mixed representation: real in θ, Fourier in v (real-to-complex along
/// the last axis). Every θ point then owns one contiguous block of velocity coefficients, which is the
/// slab that a distributed run would split along the first axis; this type is the single place that
/// knows the layout.
public struct PhaseSpaceGrid: Sendable, Equatable {
    public let parameterAxes: [Axis]
    public let velocityAxes: [Axis]

    public init(parameterAxes: [Axis], velocityAxes: [Axis]) throws(GridError) {
        guard !parameterAxes.isEmpty, parameterAxes.count == velocityAxes.count else {
            throw .wrongAxisCount(expected: 2 * max(1, parameterAxes.count), got: parameterAxes.count + velocityAxes.count)
        }
        self.parameterAxes = parameterAxes
        self.velocityAxes = velocityAxes
    }

    /// Standard axis names: theta, v for d = 1; theta1, theta2, v1, v2 for d = 2.
    public static func axisNames(parameterDimension d: Int) -> [String] {
        d == 1 ? ["theta", "v"] : (1...d).map { "theta\($0)" } + (1...d).map { "v\($0)" }
    }

    /// Builds a grid from per-axis point counts and half-widths (θ axes first).
    public init(points: [Int], halfWidths: [Double]) throws(GridError) {
        guard points.count == halfWidths.count, points.count % 2 == 0, !points.isEmpty else {
            throw .wrongAxisCount(expected: 2 * max(1, points.count / 2), got: min(points.count, halfWidths.count))
        }
        let d = points.count / 2
        let names = Self.axisNames(parameterDimension: d)
        var axes: [Axis] = []
        for i in 0..<points.count { axes.append(try Axis(name: names[i], points: points[i], halfWidth: halfWidths[i])) }
        try self.init(parameterAxes: Array(axes[0..<d]), velocityAxes: Array(axes[d...]))
    }

    public var parameterDimension: Int { parameterAxes.count }
    public var axes: [Axis] { parameterAxes + velocityAxes }
    public var shape: [Int] { axes.map(\.points) }
    public var pointCount: Int { shape.reduce(1, *) }
    public var parameterPointCount: Int { parameterAxes.map(\.points).reduce(1, *) }
    public var velocityPointCount: Int { velocityAxes.map(\.points).reduce(1, *) }
    /// Complex coefficients per θ point after the velocity real-to-complex transform.
    public var velocitySpectralCount: Int {
        velocityAxes.dropLast().map(\.points).reduce(1, *) * (velocityAxes.last!.points / 2 + 1)
    }
    public var mixedCount: Int { parameterPointCount * velocitySpectralCount }
    public var cellVolume: Double { axes.map(\.spacing).reduce(1, *) }
    public var velocityCellVolume: Double { velocityAxes.map(\.spacing).reduce(1, *) }

    /// Strides (in elements) of each axis in the real row-major layout.
    public var strides: [Int] {
        var s = [Int](repeating: 1, count: axes.count)
        for i in stride(from: axes.count - 2, through: 0, by: -1) { s[i] = s[i + 1] * axes[i + 1].points }
        return s
    }

    /// Centred coordinate of the real-layout point `index` along `axis`.
    @inlinable public func coordinate(ofPoint index: Int, axis: Int) -> Double {
        let a = axes[axis]
        let i = (index / strides[axis]) % a.points
        return -a.halfWidth + Double(i) * a.spacing
    }

    /// Centred coordinates of every point of the product of `axes`, row-major (last axis fastest).
    public static func points(of axes: [Axis]) -> [[Double]] {
        let coords = axes.map(\.coordinates)
        var index = GridIndex(shape: axes.map(\.points))
        return (0..<axes.map(\.points).reduce(1, *)).map { _ in
            defer { index.advance() }
            return index.values.enumerated().map { coords[$0.offset][$0.element] }
        }
    }

    /// A new real field on this grid, zero-filled: fields are allocated through the grid, which owns the layout.
    public func makeField() -> AlignedBuffer { AlignedBuffer(count: pointCount) }

    /// A new field in the mixed representation (real in θ, Fourier in v), zero-filled.
    public func makeMixedField() -> AlignedBuffer { AlignedBuffer(complexCount: mixedCount) }

    /// Bytes one real field plus one mixed (complex) field occupy.
    public var bytesPerFieldPair: Double { Double(pointCount) * 8 + Double(mixedCount) * 16 }

    /// Refuses, before anything is allocated, a grid whose working set does not fit in memory.
    /// Refuses a run that needs more than 80 % of physical memory.
    public func checkMemory(bytes need: Double, setting: String = "[grid] points") throws(GridError) {
        let have = Double(ProcessInfo.processInfo.physicalMemory) * 0.8
        if need > have { throw .tooLarge(points: pointCount, bytesNeeded: need, bytesAvailable: have, setting: setting) }
    }
}
