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

        /// The record of a frame with moments (mean, covariance) against the exact (exactMean, exactCovariance).
        public init(time: Double, mean: [Double], covariance: [Double], exactMean: [Double], exactCovariance: [Double], l1Error: Double?) {
            let scale = max(exactCovariance.map(abs).max() ?? 1, 1e-300)
            self.time = time
            meanError = zip(mean, exactMean).map { abs($0 - $1) }.max()! / scale.squareRoot()
            covarianceError = zip(covariance, exactCovariance).map { abs($0 - $1) }.max()! / scale
            self.l1Error = l1Error
            self.exactMean = exactMean
            self.exactCovariance = exactCovariance
        }
    }

    public let exact: ExactSolution
    public let grid: PhaseSpaceGrid
    /// The uncentred point of the grid's centre (x*).
    public let origin: [Double]
    /// The exact density of the last frame, when known.
    public let exactField: AlignedBuffer?
    public private(set) var records: [Record] = []

    /// - Parameter drawsDensity: whether the exact density is also sampled on `grid` each frame (not needed
    ///   in an adapted frame, where L¹ is measured on the frame grid, unless the field is written).
    public init(_ exact: ExactSolution, grid: PhaseSpaceGrid, origin: [Double], drawsDensity: Bool = true) {
        self.exact = exact
        self.grid = grid
        self.origin = origin
        exactField = exact.hasDensity && drawsDensity ? grid.makeField() : nil
    }

    public func observe(_ frame: SimulationFrame) throws {
        let m = exact.moments(at: frame.time)
        var l1: Double?
        if let mixture = exact.density(at: frame.time) {
            if let exactField { try mixture.sample(on: grid, origin: origin, into: exactField.buffer) }
            if let view = frame.frameView {
                // In the frame, where the density is resolved: the change of variables keeps L¹ distances.
                let inFrame = view.grid.makeField()
                try mixture.sample(inFrame: view.frame, origin: origin, on: view.grid, into: inFrame.buffer)
                l1 = withExtendedLifetime(inFrame) { Quadrature.l1Distance(UnsafeBufferPointer(view.density.buffer), UnsafeBufferPointer(inFrame.buffer), on: view.grid) }
            } else if let exactField {
                l1 = Quadrature.l1Distance(frame.density, UnsafeBufferPointer(exactField.buffer), on: grid)
            }
        }
        records.append(Record(time: frame.time, mean: frame.moments.mean, covariance: frame.moments.covariance,
                              exactMean: m.mean, exactCovariance: m.covariance, l1Error: l1))
    }

    /// Counts the frames of an interrupted run that a resumed one continues, in the worst errors.
    public func include(earlier: [Record]) { records = earlier + records }

    public var worstMeanError: Double? { records.map(\.meanError).max() }
    public var worstCovarianceError: Double? { records.map(\.covarianceError).max() }
    public var worstL1Error: Double? { records.compactMap(\.l1Error).max() }
    public var finalL1Error: Double? { records.last?.l1Error }
}
