import Foundation

/// Fields known in a frame's coordinates, seen on an axis-aligned grid: drawn there point by point as their
/// spectral interpolant, or integrated to marginals by the Fourier-slice theorem (a marginal's transform is
/// the field's on the plane k = 0 along the integrated axes). Both are exact however coarse the output grid
/// is; neither is a quadrature of the output grid.
///
/// A field is given in frame form: q(y) = |det L| · p(μ + L y) for a density p (what a frame solver holds),
/// or `frameForm(_:)` of a pointwise field f(x) known at the frame points x = μ + L y.
public final class FrameProjection {
    public let frame: Frame
    /// The grid in frame coordinates y.
    public let frameGrid: PhaseSpaceGrid
    /// The axis-aligned grid, centred on the point the frame's coordinates are measured from.
    public let output: PhaseSpaceGrid
    private let effort: PlanningEffort
    private lazy var drawing = AffineSpectralMap(source: frameGrid.axes, target: output.axes, effort: effort)

    public init(frame: Frame, frameGrid: PhaseSpaceGrid, output: PhaseSpaceGrid, effort: PlanningEffort = .estimate) {
        precondition(frame.dimension == frameGrid.axes.count && output.axes.count == frameGrid.axes.count)
        self.frame = frame
        self.frameGrid = frameGrid
        self.output = output
        self.effort = effort
    }

    /// Bytes of the drawing map's work arrays (the marginals' are at most one frame grid and one output plane).
    public static func memoryEstimate(frameGrid: PhaseSpaceGrid, output: PhaseSpaceGrid) -> Double {
        AffineSpectralMap.memoryEstimate(source: frameGrid.axes, target: output.axes)
    }

    /// |det L| f at every frame point: the frame form of a pointwise field.
    public func frameForm(_ values: [Double]) -> AlignedBuffer {
        precondition(values.count == frameGrid.pointCount)
        let field = AlignedBuffer(count: values.count)
        for i in values.indices { field[i] = frame.jacobian * values[i] }
        return field
    }

    private var toPhysical: AffineSpread {
        let n = frame.dimension
        return AffineSpread(linear: frame.factor, shift: frame.mean, spread: [Double](repeating: 0, count: n * n))!
    }

    /// The field whose frame form is `field`, at every point of the output grid.
    public func drawn(_ field: AlignedBuffer) -> AlignedBuffer {
        let result = output.makeField()
        drawing.apply(field, into: result, toPhysical)
        return result
    }

    /// A pointwise field known at the frame points, at every point of the output grid.
    public func drawn(pointwise values: [Double]) -> [Double] { drawn(frameForm(values)).values }

    /// The integral of the field whose frame form is `field` over every output axis but `kept` (ascending),
    /// row-major over the kept axes. The kept axes are put first (the frame's coordinates permuted alike,
    /// which keeps L's principal minors and so its row factorisation): the passes run from the last axis to
    /// the first, so the integrated axes shrink to one point before the kept ones grow to the output's
    /// points, and no stage holds more than the frame grid or one output plane.
    public func marginal(_ field: AlignedBuffer, keeping kept: [Int]) -> [Double] {
        let n = frame.dimension
        precondition(!kept.isEmpty && kept == kept.sorted() && Set(kept).count == kept.count && kept.allSatisfy { (0..<n).contains($0) })
        let order = kept + (0..<n).filter { !kept.contains($0) }
        let linear = order.flatMap { i in order.map { j in frame.factor[i * n + j] } }
        let map = AffineSpread(linear: linear, shift: order.map { frame.mean[$0] }, spread: [Double](repeating: 0, count: n * n))!
        let slice = AffineSpectralMap(source: order.map { frameGrid.axes[$0] }, marginalOn: order.map { output.axes[$0] },
                                      keeping: Set(0..<kept.count), effort: .estimate)
        let result = AlignedBuffer(count: kept.map { output.axes[$0].points }.reduce(1, *))
        slice.apply(Self.permuted(field, shape: frameGrid.axes.map(\.points), order: order), into: result, map)
        return result.values
    }

    /// Every 2-D marginal on the output's axis pairs, keyed and laid out as `Quadrature.pairMarginals`.
    public func pairMarginals(_ field: AlignedBuffer) -> [String: [Double]] {
        let n = frame.dimension, axes = output.axes
        var result: [String: [Double]] = [:]
        for a in 0..<n {
            for b in (a + 1)..<n { result["\(axes[a].name)_\(axes[b].name)"] = marginal(field, keeping: [a, b]) }
        }
        return result
    }

    /// A row-major field with its axes in `order` (axis k of the result is axis order[k] of `field`).
    static func permuted(_ field: AlignedBuffer, shape: [Int], order: [Int]) -> AlignedBuffer {
        let n = shape.count
        if order == Array(0..<n) { return field }
        var strides = [Int](repeating: 1, count: n)
        for i in stride(from: n - 2, through: 0, by: -1) { strides[i] = strides[i + 1] * shape[i + 1] }
        let newShape = order.map { shape[$0] }, newStrides = order.map { strides[$0] }
        let result = AlignedBuffer(count: field.count)
        var index = [Int](repeating: 0, count: n), source = 0
        for target in 0..<field.count {
            result[target] = field[source]
            // Advance the result's index (last axis fastest) and follow it in the source.
            var k = n - 1
            while k >= 0 {
                index[k] += 1
                source += newStrides[k]
                if index[k] < newShape[k] { break }
                source -= newStrides[k] * newShape[k]
                index[k] = 0
                k -= 1
            }
        }
        return result
    }
}
