import PhaseSpaceIO
import Spectral

/// The periodic grid of a file's phase-space axes, with every check a grid read back must pass.
enum FileGrid {
    /// The grid and its centre (uncentred). With `centre`, the axes must sit on the box centred there
    /// (a file continued or analysed with its own model); without, the centre is read off the axes.
    static func grid(of axes: [PhaseSpaceAxis], path: String, centre: [Double]? = nil) throws -> (grid: PhaseSpaceGrid, origin: [Double]) {
        var halfWidths: [Double] = [], origin: [Double] = []
        for (i, axis) in axes.enumerated() {
            let values = axis.values
            guard values.count >= 4, values.count % 2 == 0 else {
                throw StudyError("Axis \(axis.name) of \(path) has \(values.count) points, not an even number of at least 4; pass a file written by sgdfp.")
            }
            let spacing = values[1] - values[0]
            let uniform = values.indices.allSatisfy { abs(values[$0] - (values[0] + Double($0) * spacing)) <= 1e-6 * spacing }
            guard spacing > 0, spacing.isFinite, uniform else {
                throw StudyError("Axis \(axis.name) of \(path) is not evenly spaced and increasing; pass a file written by sgdfp.")
            }
            let half = spacing * Double(values.count) / 2
            let middle = values[0] + half
            if let centre, abs(middle - centre[i]) > 1e-9 * max(1, half) {
                throw StudyError("The grid of \(path) is centred at a different stationary point along \(axis.name); use the model the file was written with ([sgd], [loss]).")
            }
            halfWidths.append(half)
            origin.append(centre?[i] ?? middle)
        }
        return (try PhaseSpaceGrid(points: axes.map(\.values.count), halfWidths: halfWidths), origin)
    }

    /// The frame grid of a file's frame state, from the coordinates of its axes (y1 … yn, centred).
    static func frameGrid(coordinates: [[Double]]) throws -> PhaseSpaceGrid {
        let axes = try coordinates.enumerated().map { i, c in try Axis(name: "y\(i + 1)", points: c.count, halfWidth: -c[0]) }
        let d = axes.count / 2
        return try PhaseSpaceGrid(parameterAxes: Array(axes[0..<d]), velocityAxes: Array(axes[d...]))
    }
}
