import Foundation
import Spectral

/// Sees every output frame of a run, the start included, in the order the observers were given to
/// `Simulation.run`: a writer, a comparison with the exact solution, a recorder of moments, a stop condition.
public protocol FrameObserver: AnyObject {
    /// Throwing ends the run with that error.
    func observe(_ frame: SimulationFrame) throws
    /// A stop condition: true once the run should end after the current frame.
    var isSatisfied: Bool { get }
}

extension FrameObserver {
    public var isSatisfied: Bool { false }
}

/// An observer made of a closure.
public final class FrameCallback: FrameObserver {
    private let body: (SimulationFrame) throws -> Void
    public init(_ body: @escaping (SimulationFrame) throws -> Void) { self.body = body }
    public func observe(_ frame: SimulationFrame) throws { try body(frame) }
}

/// Records the time, uncentred mean and covariance of every frame.
public final class MomentRecorder: FrameObserver {
    public private(set) var times: [Double] = []
    public private(set) var means: [[Double]] = []
    /// Row-major covariances.
    public private(set) var covariances: [[Double]] = []

    public init() {}

    public func observe(_ frame: SimulationFrame) throws {
        times.append(frame.time)
        means.append(frame.moments.mean)
        covariances.append(frame.moments.covariance)
    }
}

/// Compares every frame with the exact solution: mean and covariance relative to the largest exact
/// covariance entry (the mean against its square root), and the L¹ distance of the densities when the
/// exact density is known. After each frame `exactField` holds the exact density sampled on the grid.
public final class ExactComparison: FrameObserver {
    public struct Record: Sendable {
        public var time: Double
        public var meanError: Double
        public var covarianceError: Double
        /// ∫|p − p_exact| (the density has mass 1), when the exact density is known.
        public var l1Error: Double?
        public var exactMean: [Double]
        public var exactCovariance: [Double]
    }

    public let exact: ExactSolution
    public let grid: PhaseSpaceGrid
    /// The uncentred point of the grid's centre (x*).
    public let origin: [Double]
    /// The exact density of the last frame, when known.
    public let exactField: AlignedBuffer?
    public private(set) var records: [Record] = []

    public init(_ exact: ExactSolution, grid: PhaseSpaceGrid, origin: [Double]) {
        self.exact = exact
        self.grid = grid
        self.origin = origin
        exactField = exact.hasDensity ? grid.makeField() : nil
    }

    public func observe(_ frame: SimulationFrame) throws {
        let m = exact.moments(at: frame.time)
        let scale = max(m.covariance.map(abs).max() ?? 1, 1e-300)
        let meanError = zip(frame.moments.mean, m.mean).map { abs($0 - $1) }.max()! / scale.squareRoot()
        let covarianceError = zip(frame.moments.covariance, m.covariance).map { abs($0 - $1) }.max()! / scale
        var l1: Double?
        if let exactField, let mixture = exact.density(at: frame.time) {
            try mixture.sample(on: grid, origin: origin, into: exactField.buffer)
            if let view = frame.frameView {
                // In the frame, where the density is resolved: the change of variables keeps L¹ distances.
                let inFrame = view.grid.makeField()
                try mixture.inFrame(view.frame, origin: origin).sample(on: view.grid, origin: [Double](repeating: 0, count: origin.count), into: inFrame.buffer)
                l1 = Quadrature.l1Distance(UnsafeBufferPointer(view.density.buffer), UnsafeBufferPointer(inFrame.buffer), on: view.grid)
            } else {
                l1 = Quadrature.l1Distance(frame.density, UnsafeBufferPointer(exactField.buffer), on: grid)
            }
        }
        records.append(Record(time: frame.time, meanError: meanError, covarianceError: covarianceError, l1Error: l1,
                              exactMean: m.mean, exactCovariance: m.covariance))
    }

    public var worstMeanError: Double? { records.map(\.meanError).max() }
    public var worstCovarianceError: Double? { records.map(\.covarianceError).max() }
    public var worstL1Error: Double? { records.compactMap(\.l1Error).max() }
    public var finalL1Error: Double? { records.last?.l1Error }
}
