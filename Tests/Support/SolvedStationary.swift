import Foundation
import LangevinModel
import Spectral
import StationaryDistribution

/// The direct stationary solves the suites share. A 4-D solve at 40⁴ takes tens of seconds; the solver,
/// modified-loss and current suites all check the same densities, so each is computed once per test process.
public enum SolvedStationary {
    public struct Entry: @unchecked Sendable {
        public let grid: PhaseSpaceGrid
        public let solution: StationarySolution
    }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var cache: [String: Entry] = [:]

    /// `model` solved on `points` per axis over the solver's own box, from the moment guess, to the grid's
    /// floor (a target of 1e-12 that 4-D grids cannot reach, so every caller sees the floor). Read-only.
    public static func entry(_ model: ReferenceModel, points: Int) throws -> Entry {
        lock.lock()
        defer { lock.unlock() }
        let key = "\(model.rawValue)-\(points)"
        if let hit = cache[key] { return hit }
        let sde = model.sde
        let grid = try StationarySolver.grid(for: sde, points: Array(repeating: points, count: sde.phaseDimension))
        let solver = try StationarySolver(sde: sde, grid: grid, effort: .estimate)
        let solution = solver.solve(from: try solver.momentGuess(), settings: StationarySolverSettings(residualTolerance: 1e-12))
        let entry = Entry(grid: grid, solution: solution)
        cache[key] = entry
        return entry
    }
}
